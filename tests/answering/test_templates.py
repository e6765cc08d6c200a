"""Every KB entry renders under every intent template in both languages (direct rendering, no
retrieval), with at least one official source; definitions stay short."""

from __future__ import annotations

import pytest

from assistant.answering.compose import (
    DEFINITION_MAX_WORDS, SHAPE, comparison_sides, compose, count_words, words_before_sources,
)
from assistant.retrieval.retriever import Hit, Retrieval

INTENTS = [*SHAPE, "greeting"]


def fake_retrieval(entries, lang):
    hits = [Hit(e, 1.0 - i * 0.1) for i, e in enumerate(entries)]
    return Retrieval(query="q", lang=lang, mode="lexical", hits=hits, confidence=1.0, abstain=False)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_all_entries_all_intents_render(kb, lang):
    entries = kb.entries
    for i, entry in enumerate(entries):
        neighbour = entries[(i + 1) % len(entries)]
        question = entry.questions(lang)[0]
        for intent in INTENTS:
            comp = compose(question, lang, fake_retrieval([entry, neighbour], lang), kb, intent=intent)
            text = comp.answer
            if intent != "greeting":
                # the entry's own doc link and its whole summary, not the fallback URL or a first word
                # ("A" for a quarter of the English summaries) that any answer contains
                assert entry.url in text, (entry.id, intent)
                assert entry.text("summary", lang).strip() in text, (entry.id, intent)
            else:
                assert "https://" in text, (entry.id, intent)
            if intent == "definition":
                assert words_before_sources(text, lang) <= DEFINITION_MAX_WORDS, (entry.id, lang)
            if intent == "troubleshooting" and entry.is_troubleshooting:
                for step in entry.steps:
                    assert step.text(lang) in text
                    if step.cmd:
                        assert step.cmd in text
            if intent == "comparison":
                assert "|---|" in text, (entry.id, lang)


def test_facts_are_ranked_not_dumped(kb):
    entry = kb.by_id["service-clusterip"]
    comp = compose("can I change spec.clusterIP", "en", fake_retrieval([entry], "en"), kb, intent="yes-no")
    body = comp.answer
    shown = [f.text("en") for f in entry.facts if f.text("en") in body]
    assert 0 < len(shown) < len(entry.facts)
    assert "cannot be changed" in body.split("\n\n")[1]  # the matching fact leads a yes/no answer


def test_abstain_has_source_and_intent(kb):
    r = Retrieval(query="banana bread", lang="en", mode="lexical", hits=[], confidence=0.0, abstain=True)
    comp = compose("banana bread recipe", "en", r, kb, intent="how-to")
    assert comp.abstained and comp.intent == "out-of-scope" and "https://kubernetes.io/" in comp.answer


def test_comparison_sides():
    assert comparison_sides("headless vs clusterip service") == ["headless", "clusterip service"]
    assert comparison_sides("Endpoints 和 EndpointSlice 有什么区别") == ["Endpoints", "EndpointSlice"]


def test_count_words():
    assert count_words("one two three") == 3
    assert count_words("中文四字") == 2
