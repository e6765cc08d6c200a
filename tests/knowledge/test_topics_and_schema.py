"""kb/topics.yaml is the one list of topic ids (with titles), and the optional ``verified``/``history``
fields are validated like the rest of an entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from assistant.errors import KBError
from assistant.knowledge import TOPIC_IDS, load_kb
from tests.knowledge.test_loader import _kb_with, _reference

REPO = Path(__file__).resolve().parents[2]


def test_topics_yaml_holds_the_contracts_22_topics_in_order():
    contract = (REPO.parent / "shared" / "CONTRACT.md")
    topics = yaml.safe_load((REPO / "kb" / "topics.yaml").read_text(encoding="utf-8"))
    assert [t["id"] for t in topics] == list(TOPIC_IDS) and len(TOPIC_IDS) == 22
    assert all(t["title"]["en"] and t["title"]["zh"] for t in topics)
    if contract.exists():
        block = contract.read_text(encoding="utf-8").split("## Topic ids", 1)[1].split("##", 1)[0]
        assert re.findall(r"[a-z][a-z-]+[a-z]", block.split("\n", 1)[1]) == list(TOPIC_IDS)


def test_an_entry_topic_missing_from_topics_yaml_is_rejected(tmp_path):
    (tmp_path / "topics.yaml").write_text("- id: dns\n  title: {en: DNS, zh: DNS}\n", encoding="utf-8")
    with pytest.raises(KBError, match="unknown topic id 'headless-service'.*known: dns"):
        load_kb(_kb_with(tmp_path, _reference()))


def test_a_broken_topics_yaml_is_named(tmp_path):
    (tmp_path / "topics.yaml").write_text("- id: dns\n  title: {en: DNS}\n", encoding="utf-8")
    with pytest.raises(KBError, match=r"topics\.yaml: item 1 needs 'id' and 'title: \{en, zh\}'"):
        load_kb(_kb_with(tmp_path, _reference()))


def test_topic_titles_come_from_topics_yaml(kb):
    assert kb.topic_title("dns", "zh") == "集群 DNS"
    assert list(kb.topics()) == list(TOPIC_IDS)


@pytest.mark.parametrize("field, value, message", [
    ("verified", {"kubernetes": "v1.37", "date": "2026-12-05"}, "verified/kubernetes"),
    ("verified", {"kubernetes": "1.37"}, "'date' is a required property"),
    ("history", [{"version": "1.21", "terms": ["x"], "en": "only English"}], "'zh' is a required property"),
])
def test_bad_verified_or_history_is_rejected(tmp_path, field, value, message):
    data = {**_reference(), field: value}
    with pytest.raises(KBError, match=re.escape(message)):
        load_kb(_kb_with(tmp_path, data))


def test_good_verified_and_history_load(tmp_path):
    data = {**_reference(), "verified": {"kubernetes": "1.37", "date": "2026-12-05"},
            "history": [{"version": "1.11", "terms": ["kube-dns"], "en": "e", "zh": "z"}]}
    kb = load_kb(_kb_with(tmp_path, data))
    assert kb.entries[0].history[0].version == "1.11" and kb.entries[0].history[0].terms == ("kube-dns",)


def test_version_dependent_entries_carry_verified(kb):
    """Entries about kube-proxy modes, CoreDNS, Gateway API, Ingress controllers and CNI plugins say which
    docs version they were checked against."""
    dependent = [e for e in kb.entries if e.topic in {"kube-proxy", "gateway-api", "cni-plugins", "ingress"}
                 or e.id in {"coredns-cluster-dns", "pod-dns-records", "service-mesh-overview", "istio-ambient-mode"}]
    missing = [e.id for e in dependent if e.verified is None]
    assert not missing, missing


def test_history_versions_are_not_newer_than_the_verified_release(kb):
    for e in kb.entries:
        for h in e.history:
            assert tuple(map(int, h.version.split("."))) <= (1, 37), (e.id, h.version)
            assert h.terms, e.id
