"""What the answering flow hands back (:class:`Answer`) and what a chat remembers between turns
(:class:`Context`). They live in the answering layer so the flow never reaches up into ``engine``;
``assistant.engine`` re-exports both for its callers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.answering.entities import Entities


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

    @causes.setter
    def causes(self, value: list[dict[str, Any]]) -> None:
        self.extra["causes"] = value

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
    entities: Entities | None = None
    """Names the previous computed answer used, or None."""
    diagnosis: Any = None
    """The chat's ``assistant.diagnosis.DiagnosisSession`` (a pending narrowing question), or None."""
