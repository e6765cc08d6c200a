"""The core facade: one object that answers questions, used by the CLI, the chat UI, the tour and
the eval runner alike. It never imports Textual; the model and indexes load lazily.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from assistant.knowledge.loader import KnowledgeBase, load_kb
from assistant.retrieval.retriever import Retrieval, Retriever
from assistant.retrieval.text import detect_lang

MIN_SOURCES = 3


@dataclass
class Answer:
    """One answered question, in the contract's ``ask --format json`` shape (``to_dict``)."""

    question: str
    lang: str
    intent: str
    abstained: bool
    answer: str
    sources: list[dict[str, Any]]
    timing_ms: dict[str, float]
    retriever: str = "hybrid"
    degraded: bool = False
    degraded_reason: str | None = None
    topic: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def causes(self) -> list[dict[str, Any]]:
        """Ranked likely causes ``[{"id", "score", "title"}]`` when the diagnosis read the question, else []."""
        return self.extra.get("causes", [])

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "question": self.question, "lang": self.lang, "intent": self.intent,
            "abstained": self.abstained, "answer": self.answer, "sources": self.sources,
            "timing_ms": self.timing_ms, "retriever": self.retriever,
        }
        if self.extra.get("computed"):
            out["computed"] = self.extra["computed"]
        for key in ("clues", "causes", "narrowing"):  # set by the diagnosis (assistant.diagnosis.ask)
            if self.extra.get(key):
                out[key] = self.extra[key]
        if self.degraded:
            out["degraded"] = True
            out["degraded_reason"] = self.degraded_reason
        return out


@dataclass
class Context:
    """What a chat remembers between turns so follow-ups resolve (the CLI passes none).

    ``Assistant.ask(..., context=ctx)`` reads it to resolve a follow-up ("and from another namespace?",
    "那 headless 呢?") and updates it after every answer that is not an abstention.
    """

    topic: str | None = None
    """Topic id of the previous answer."""
    entry_id: str | None = None
    """KB entry the previous answer was built from."""
    lang: str | None = None
    """Language of the previous answer."""
    intent: str | None = None
    """Intent of the previous answer (a follow-up that states none inherits it)."""
    computed: str | None = None
    """Kind of the previous computed answer (``service-dns``...), or None."""
    entities: Any = None
    """Names the previous computed answer used (``answering.entities.Entities``), or None."""
    diagnosis: Any = None
    """The chat's ``assistant.diagnosis.DiagnosisSession`` (a pending narrowing question), or None."""


class Assistant:
    """Answers questions from the KB. Create once; ``ask`` many times."""

    def __init__(self, kb: KnowledgeBase | None = None, *, retriever: Retriever | None = None,
                 cluster_domain: str = "cluster.local", namespace: str = "default") -> None:
        self.kb = kb or load_kb()
        self.retriever = retriever or Retriever(self.kb)
        self.cluster_domain = cluster_domain
        self.namespace = namespace

    def sources(self, retrieval: Retrieval) -> list[dict[str, Any]]:
        out = []
        for hit in retrieval.hits[: max(MIN_SOURCES, 5)]:
            e = hit.entry
            out.append({"id": e.id, "topic": e.topic, "title": e.title(retrieval.lang if retrieval.lang in ("en", "zh") else "en"),
                        "score": round(float(hit.score), 4), "url": e.url})
        return out

    def ask(self, question: str, *, lang: str = "auto", retriever: str = "hybrid",
            allow_dense: bool = True, context: Context | None = None) -> Answer:
        """Answer one question. ``lang`` auto-detects; ``allow_dense=False`` answers lexically."""
        from assistant.answering.pipeline import answer_question

        t0 = time.perf_counter()
        q_lang = detect_lang(question)
        out_lang = q_lang if lang in ("auto", "", None) else lang
        result = answer_question(self, question, q_lang=q_lang, out_lang=out_lang, mode=retriever,
                                 allow_dense=allow_dense, context=context)
        from assistant.diagnosis.ask import diagnose_answer  # symptom reports and pastes: the diagnosis answers

        result = diagnose_answer(self, question, result, q_lang=q_lang, out_lang=out_lang, mode=retriever,
                                 allow_dense=allow_dense, context=context)
        result.timing_ms["total"] = round((time.perf_counter() - t0) * 1000, 2)
        return result
