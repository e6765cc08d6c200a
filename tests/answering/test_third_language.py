"""A third language is a registry row plus data: with a made-up language ``xx`` registered (the
``third_language`` fixture) and its data written to a temporary directory (KB texts, answer templates
and the answer code's strings), every intent answers in ``xx`` without any code change."""

from __future__ import annotations

import shutil

import pytest
import yaml

from assistant import languages
from assistant.answering import render as answer_render
from assistant.answering.compose import SHAPE, compose, count_words, words_before_sources
from assistant.knowledge import load_kb
from assistant.retrieval.retriever import Hit, Retrieval
from tests.knowledge.test_languages import _topics, _with_xx, third_language  # noqa: F401
from tests.knowledge.test_loader import _kb_with, _reference

XX_MARKER = "Istochniki:"


@pytest.fixture
def xx_templates(tmp_path, monkeypatch, third_language):  # noqa: F811
    """The ``xx`` answer templates (the English ones, translated by a stand-in) and strings, in a
    template folder of their own."""
    root = tmp_path / "templates"
    shutil.copytree(answer_render.TEMPLATE_DIR / "en", root / third_language.templates,
                    ignore=shutil.ignore_patterns("strings.yaml"))
    for path in (root / third_language.templates).glob("*.j2"):
        path.write_text(path.read_text(encoding="utf-8").replace('"en/', f'"{third_language.templates}/'),
                        encoding="utf-8")
    (root / third_language.templates / "strings.yaml").write_text(yaml.safe_dump({
        "sources_marker": XX_MARKER,
        "comparison_labels": ["Aspekt", "Chto eto", "Glavnoe", "Proverka", "Dokumenty"],
        "side_labels": ["Aspekt", "Korotko", "Glavnoe"],
    }), encoding="utf-8")
    monkeypatch.setattr(answer_render, "TEMPLATE_DIR", root)
    answer_render.environment.cache_clear()
    answer_render._strings.cache_clear()
    yield root
    answer_render.environment.cache_clear()
    answer_render._strings.cache_clear()


def _retrieval(entries):
    return Retrieval(query="q", lang="xx", mode="lexical", hits=[Hit(e, 1.0 - i * 0.1) for i, e in enumerate(entries)],
                     confidence=1.0, abstain=False)


def test_every_intent_answers_in_a_registered_third_language(tmp_path, xx_templates):
    _topics(tmp_path)
    kb = load_kb(_kb_with(tmp_path, _with_xx(_reference())))
    entry = kb.entries[0]
    question = entry.questions("xx")[0]
    assert languages.codes() == ("en", "zh", "xx")
    for intent in [*SHAPE, "greeting"]:
        text = compose(question, "xx", _retrieval([entry]), kb, intent=intent).answer
        if intent != "greeting":  # (the greeting's sources heading is the template's own words)
            assert XX_MARKER in text, intent
            assert entry.summary("xx") in text, intent  # the entry's own words in the third language
            # (an xx text is "xx " + the English one: no line may start with the English text itself)
            assert "\n" + entry.summary("en") not in text and entry.summary("zh") not in text, intent
        if intent == "definition":
            assert 0 < words_before_sources(text, "xx") == count_words(text.split(XX_MARKER)[0])
    assert languages.get("zh").chars_per_word == 2 and count_words("中文四字 and two") == 4


def test_a_language_without_templates_is_a_clear_error(tmp_path, xx_templates):
    """The registry row is not enough: without its data folder the language cannot answer, and the
    error names the missing template (nothing falls back silently to another language)."""
    import jinja2

    shutil.rmtree(xx_templates / "xx")
    answer_render._strings.cache_clear()
    _topics(tmp_path)
    kb = load_kb(_kb_with(tmp_path, _with_xx(_reference())))
    with pytest.raises((jinja2.TemplateNotFound, OSError)):
        compose("q", "xx", _retrieval(kb.entries), kb, intent="definition")
