"""question -> language -> intent/entities -> retrieve -> compose: the answering flow in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.answering.compose import compose
from assistant.answering.sanitize import clean_question

if TYPE_CHECKING:
    from assistant.engine import Answer, Assistant, Context


def answer_question(assistant: "Assistant", question: str, *, q_lang: str, out_lang: str, mode: str,
                    allow_dense: bool, context: "Context | None") -> "Answer":
    from assistant.engine import Answer

    q = clean_question(question)
    retrieval = assistant.retriever.search(q or " ", mode=mode, lang=q_lang, allow_dense=allow_dense)
    if not q:
        retrieval.abstain = True
    comp = compose(q, out_lang, retrieval, assistant.kb)
    degraded = retrieval.degraded
    return Answer(
        question=question, lang=out_lang, intent=comp.intent, abstained=comp.abstained, answer=comp.answer,
        sources=assistant.sources(retrieval), timing_ms=dict(retrieval.timing_ms), retriever=retrieval.mode,
        degraded=degraded, degraded_reason=assistant.retriever.degraded_reason if degraded else None,
        topic=None if comp.abstained else retrieval.hits[0].entry.topic,
    )
