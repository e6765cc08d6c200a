"""One language registry (``assistant.languages``): a made-up third language registered there is
required by the KB loader and the topics file and readable through the typed accessors, with no
other code change."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from assistant import languages
from assistant.errors import KBError
from assistant.knowledge import load_kb
from assistant.languages import Language
from tests.knowledge.test_loader import _kb_with, _reference

XX = Language(code="xx", name="Made-up", native_name="Выдумка", script=re.compile(r"[\u0400-\u04ff]"),
              templates="xx", strings="xx", list_separator="; ")


@pytest.fixture
def third_language(monkeypatch):
    monkeypatch.setattr(languages, "LANGUAGES", (*languages.LANGUAGES, XX))
    return XX


def _with_xx(node: Any) -> Any:
    """``node`` with an ``xx`` text next to every ``en`` one (a translator's work, done mechanically)."""
    if isinstance(node, list):
        return [_with_xx(v) for v in node]
    if isinstance(node, dict):
        out = {k: _with_xx(v) for k, v in node.items()}
        if "en" in node:
            out["xx"] = (["xx " + t for t in node["en"]] if isinstance(node["en"], list)
                         else "xx " + node["en"])
        return out
    return node


def _topics(tmp_path, langs=("en", "zh", "xx")) -> None:
    title = {lang: f"Headless Service ({lang})" for lang in langs}
    (tmp_path / "topics.yaml").write_text(yaml.safe_dump([{"id": "headless-service", "title": title}]),
                                          encoding="utf-8")


def test_registry_defaults():
    assert languages.codes() == ("en", "zh")
    assert languages.detect("what is a Service") == "en"
    assert languages.detect("Service 是什么") == "zh"
    assert languages.normalize("zh_CN.UTF-8") == "zh" and languages.normalize("fr_FR") == "en"
    assert languages.get("zh").list_separator == "、"
    with pytest.raises(KeyError, match="known: en, zh"):
        languages.get("xx")


def test_a_third_language_is_detected_and_normalised(third_language):
    assert languages.codes() == ("en", "zh", "xx")
    assert languages.detect("что такое Service") == "xx"
    assert languages.normalize("xx_YY.UTF-8") == "xx"


def test_entry_without_the_third_language_is_rejected(tmp_path, third_language):
    _topics(tmp_path)
    with pytest.raises(KBError, match=r"invalid entry: .*details: 'xx' is a required property"):
        load_kb(_kb_with(tmp_path, _reference()))


def test_topics_without_the_third_language_are_rejected(tmp_path, third_language):
    _topics(tmp_path, langs=("en", "zh"))
    with pytest.raises(KBError, match=r"title: \{en, zh, xx\}"):
        load_kb(_kb_with(tmp_path, _with_xx(_reference())))


def test_third_language_loads_and_reads_through_accessors(tmp_path, third_language):
    _topics(tmp_path)
    kb = load_kb(_kb_with(tmp_path, _with_xx(_reference())))
    e = kb.entries[0]
    assert e.title("xx") == "xx " + e.title("en")
    assert e.facts[0].text("xx") == "xx " + e.facts[0].text("en")
    assert e.keywords("xx")[0] == "xx " + e.keywords("en")[0]
    assert all(c.text("xx").startswith("xx ") for c in e.commands)
    assert kb.topic_title("headless-service", "xx") == "Headless Service (xx)"


def test_without_the_third_language_the_same_kb_needs_no_xx(tmp_path):
    _topics(tmp_path, langs=("en", "zh"))
    kb = load_kb(_kb_with(tmp_path, _reference()))
    assert kb.entries[0].facts[0].texts.keys() == {"en", "zh"}
