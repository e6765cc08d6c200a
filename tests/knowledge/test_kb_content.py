"""The knowledge base itself: complete, bilingual, linked, official, original, and its examples clean."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest

from assistant import languages
from assistant.knowledge import TOPIC_IDS

REPO = Path(__file__).resolve().parents[2]
SEED = REPO.parent / "shared" / "seed" / "k8s-pod-communication.zh.md"
OFFICIAL_HOSTS = {
    "kubernetes.io", "istio.io", "coredns.io", "gateway-api.sigs.k8s.io", "prometheus.io", "docs.tigera.io",
    "docs.cilium.io", "github.com", "www.cni.dev", "cni.dev",
}
OFFICIAL_GITHUB = ("/flannel-io/", "/containernetworking/", "/kubernetes/", "/projectcalico/", "/cilium/",
                   "/coredns/", "/istio/", "/kubernetes-sigs/")
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_counts(kb):
    topics = Counter(e.topic for e in kb.entries)
    assert len(kb.entries) >= 70
    assert set(topics) == set(TOPIC_IDS), f"topics without entries: {set(TOPIC_IDS) - set(topics)}"
    assert min(topics.values()) >= 2, topics
    assert topics["troubleshooting"] >= 8


def _texts(value, path=""):
    """Yield (path, lang, text) for every bilingual text in an entry."""
    if isinstance(value, dict):
        if set(value) >= {"en", "zh"}:
            for lang in ("en", "zh"):
                v = value[lang]
                for t in (v if isinstance(v, list) else [v]):
                    yield path, lang, t
        else:
            for k, v in value.items():
                yield from _texts(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _texts(v, f"{path}[{i}]")


def test_every_text_is_bilingual_and_chinese_is_chinese(kb):
    problems = []
    for e in kb.entries:
        for path, lang, text in _texts(e.data):
            if not str(text).strip():
                problems.append(f"{e.id}{path}.{lang} empty")
            elif lang == "zh" and path.split(".")[1] in ("title", "summary", "details", "facts", "pitfalls") \
                    and not CJK.search(str(text)):
                problems.append(f"{e.id}{path}.zh has no Chinese")
    assert not problems, problems[:10]


def test_chinese_keeps_technical_terms_in_english(kb):
    """Chinese summaries name Kubernetes objects in English (Service, Pod...), as engineers write them."""
    for e in kb.entries:
        assert re.search(r"[A-Za-z]{2,}", e.summary("zh")), e.id


def test_related_ids_exist(kb):
    assert kb.dangling_related() == []


def test_sources_are_official_and_well_formed(kb):
    bad = []
    for e in kb.entries:
        for url in e.sources:
            u = urlparse(url)
            if u.scheme != "https" or u.netloc not in OFFICIAL_HOSTS or " " in url:
                bad.append((e.id, url))
            elif u.netloc == "github.com" and not u.path.startswith(OFFICIAL_GITHUB):
                bad.append((e.id, url))
    assert not bad, bad


def _prose(entry) -> str:
    """Every written text of an entry (the ``example`` manifest is excluded: a YAML header such as
    ``apiVersion: networking.k8s.io/v1 kind: NetworkPolicy metadata:`` is syntax, not prose)."""
    return " ".join(t for _, _, t in _texts({k: v for k, v in entry.data.items() if k != "example"}))


def test_no_50_character_run_copied_from_the_article(kb):
    if not SEED.exists():
        pytest.skip("seed article not available next to the repository")
    article = re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8"))
    runs = {article[i:i + 50] for i in range(0, max(0, len(article) - 49))}
    copied = []
    for e in kb.entries:
        text = re.sub(r"\s+", " ", _prose(e) + " " + " ".join(
            [c.cmd for c in e.commands] + [c.text("en") for c in e.commands] + [c.text("zh") for c in e.commands]))
        for i in range(0, max(0, len(text) - 49)):
            if text[i:i + 50] in runs:
                copied.append((e.id, text[i:i + 50]))
                break
    assert not copied, copied


def test_entry_questions_are_not_copied_into_the_eval_set(kb):
    import yaml

    asked = {q["question"].strip().lower() for name in ("questions.yaml", "heldout.yaml")
             for q in yaml.safe_load((REPO / "eval" / name).read_text(encoding="utf-8"))}
    kb_questions = {q.strip().lower() for e in kb.entries for lang in languages.codes() for q in e.questions(lang)}
    assert not (asked & kb_questions), sorted(asked & kb_questions)[:5]


def test_examples_parse_and_inspect_without_errors(kb):
    from assistant.inspection import inspect_text

    checked = 0
    for e in kb.entries:
        example = e.example
        if not example:
            continue
        report = inspect_text(example).to_dict()
        errors = [f for f in report["findings"] if f["severity"] in ("error", "warning")]
        assert not errors, (e.id, errors)
        assert report["objects"] or report.get("skipped"), e.id
        checked += 1
    assert checked >= 30


def test_troubleshooting_entries_have_checklists_with_commands(kb):
    for e in kb.entries:
        if e.topic == "troubleshooting":
            assert len(e.steps) >= 3, e.id
            assert sum(1 for s in e.steps if s.cmd) >= len(e.steps) - 1, e.id


def test_article_errors_are_corrected(kb):
    """The KB states the docs' facts where the seed article is wrong (../shared/research/seed-errors.md)."""
    text = "\n".join(e.path.read_text(encoding="utf-8") for e in kb.entries)
    assert "pod.cluster.local" in text                       # pod A records are IP-based
    assert "ExternalName" in text and "CNAME" in text         # the fourth Service type
    assert re.search(r"Flannel[^\n]*(not|does not|doesn't)[^\n]*(enforce|NetworkPolicy)", text, re.I)
    assert "before" in text and "_SERVICE_HOST" in text      # env vars only for Services created before the Pod
    assert "PERMISSIVE" in text                               # mTLS is not strict by default
    assert not re.search(r"\$\(?pod-?name\)?\.\$?\(?namespace\)?\.svc\.cluster\.local", text)
