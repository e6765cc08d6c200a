"""Turn a retrieval into an answer: the entry's summary first, then the facts that best match the
question, then commands, related topics and sources. Every sentence comes from a KB field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.answering.render import render
from assistant.knowledge.loader import Entry, KnowledgeBase
from assistant.retrieval.retriever import Retrieval
from assistant.retrieval.text import tokenize


@dataclass
class Composition:
    answer: str
    intent: str
    abstained: bool
    extra: dict[str, Any] = field(default_factory=dict)


def rank_facts(entry: Entry, question: str, lang: str, limit: int = 3) -> list[str]:
    """The entry's facts most related to the question (token overlap), in the answer language."""
    q = set(tokenize(question))
    scored = []
    for i, fact in enumerate(entry.facts):
        toks = set(tokenize(fact["en"] + " " + fact["zh"]))
        scored.append((-len(q & toks), i, fact[lang]))
    scored.sort()
    return [text for _, _, text in scored[:limit]]


def compose(question: str, lang: str, retrieval: Retrieval, kb: KnowledgeBase) -> Composition:
    if retrieval.abstain or not retrieval.hits:
        topics = []
        for h in retrieval.hits[:3]:
            topics.append({"id": h.entry.topic, "title": h.entry.title(lang)})
        return Composition(render(lang, "abstain", question=question, suggestions=topics), "out-of-scope", True)
    top = retrieval.hits[0].entry
    related = [kb.by_id[r] for r in top.data["related"] if r in kb.by_id][:3]
    text = render(
        lang, "definition",
        entry=top.data, lang=lang, facts=rank_facts(top, question, lang),
        commands=top.data["commands"][:2], related=[{"id": r.id, "title": r.title(lang)} for r in related],
        sources=top.data["sources"][:2],
    )
    return Composition(text, "definition", False)
