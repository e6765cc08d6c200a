"""Retrieval reads languages from the registry: a made-up third language's texts are indexed
lexically and its questions are detected, while the English-only model still embeds English only."""

from __future__ import annotations

from assistant.knowledge import load_kb
from assistant.retrieval.corpus import dense_texts, lexical_text
from assistant.retrieval.text import detect_lang
from tests.knowledge.test_languages import _reference, _topics, _with_xx, third_language  # noqa: F401
from tests.knowledge.test_loader import _kb_with


def test_third_language_is_indexed_lexically_not_embedded(tmp_path, third_language):  # noqa: F811
    _topics(tmp_path)
    kb = load_kb(_kb_with(tmp_path, _with_xx(_reference())))
    entry = kb.entries[0]
    doc = lexical_text(entry)
    assert entry.summary("xx") in doc and entry.facts[0].text("xx") in doc and entry.summary("zh") in doc
    assert not any(t.text.startswith("xx ") for t in dense_texts(kb))
    assert detect_lang("что такое Service") == "xx"


def test_default_registry_detection():
    assert detect_lang("что такое Service") == "en"
    assert detect_lang("什么是 Service") == "zh"
