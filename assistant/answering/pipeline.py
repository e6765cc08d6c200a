"""question -> language -> intent/entities -> (follow-up) -> retrieve -> computed? -> compose: the
answering flow in one place.

A chat passes a :class:`~assistant.engine.Context`: a short question with a follow-up marker ("and
from another namespace?", "那 headless 呢?") is searched together with the previous topic's title and
keywords, inherits the previous intent when it states none, and reuses the previous turn's names for
computed answers. The context is updated after every answer. The CLI passes none and stays stateless.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.answering.compose import compose
from assistant.answering.computed import compute
from assistant.answering.entities import Entities, extract
from assistant.answering.intents import detect_intent, is_followup
from assistant.answering.sanitize import clean_question

if TYPE_CHECKING:
    from assistant.engine import Answer, Assistant, Context

_NAMESPACE_WORD = re.compile(r"namespace|\bns\b|命名空间|名字空间|名称空间", re.I)


def _has_names(ents: Entities) -> bool:
    return any(v not in (None, []) for v in vars(ents).values())


def topic_terms(entry, lang: str) -> str:
    """What a follow-up blends into its search: the previous entry's topic and main keyword (English
    terms, which Chinese questions share)."""
    return " ".join([entry.topic.replace("-", " "), entry.data["keywords"]["en"][0]])


def answer_question(assistant: "Assistant", question: str, *, q_lang: str, out_lang: str, mode: str,
                    allow_dense: bool, context: "Context | None") -> "Answer":
    from assistant.engine import Answer

    q = clean_question(question)
    own_entities = extract(q) if q else Entities()
    followup = bool(q and context is not None and context.entry_id and context.entry_id in assistant.kb.by_id
                    and is_followup(q, q_lang))
    intent = detect_intent(q, q_lang, default=None) if q else None
    search_q = q
    entities = own_entities
    previous_kind = None
    if followup:
        assert context is not None
        previous = assistant.kb.by_id[context.entry_id]
        search_q = f"{q} {topic_terms(previous, q_lang)}"
        if intent is None and context.intent not in (None, "greeting", "out-of-scope"):
            intent = context.intent
        if context.computed and (_has_names(own_entities) or _NAMESPACE_WORD.search(q)):
            previous_kind = context.computed
            entities = own_entities.merged_over(context.entities)
    intent = intent or "definition"

    retrieval = assistant.retriever.search(search_q or " ", mode=mode, lang=q_lang, allow_dense=allow_dense,
                                           symptom=intent == "troubleshooting")
    if followup and not previous_kind and len(retrieval.hits) > 1 and context is not None \
            and retrieval.hits[0].entry.id == context.entry_id:
        # a follow-up asks about something next to the previous entry, not the same entry again
        retrieval.hits.insert(2, retrieval.hits.pop(0))
    if not q:
        retrieval.abstain = True
    computed = None
    if q:
        computed = compute(q, q_lang, entities, intent=intent, namespace=assistant.namespace,
                           cluster_domain=assistant.cluster_domain, previous_kind=previous_kind)
    try:
        rank_query = assistant.retriever.expand(search_q) if q else q
    except Exception:  # ranking falls back to the raw question; expansion is an optimisation
        rank_query = search_q

    def search(text: str):
        return assistant.retriever.search(text, mode=mode, lang=q_lang, allow_dense=allow_dense)

    comp = compose(search_q, out_lang, retrieval, assistant.kb, intent=intent, computed=computed, search=search,
                   rank_query=rank_query)
    degraded = retrieval.degraded
    topic = None
    if comp.entry_id and comp.entry_id in assistant.kb.by_id:
        topic = assistant.kb.by_id[comp.entry_id].topic
    if context is not None and not comp.abstained and comp.intent != "greeting":
        context.topic = topic
        context.entry_id = comp.entry_id
        context.lang = out_lang
        context.intent = comp.intent
        context.computed = computed.kind if computed is not None else None
        context.entities = entities if computed is not None else None
    ans = Answer(
        question=question, lang=out_lang, intent=comp.intent, abstained=comp.abstained, answer=comp.answer,
        sources=assistant.sources(retrieval), timing_ms=dict(retrieval.timing_ms), retriever=retrieval.mode,
        degraded=degraded, degraded_reason=assistant.retriever.degraded_reason if degraded else None,
        topic=topic, extra=dict(comp.extra),
    )
    if followup:
        ans.extra["followup_of"] = context.entry_id if context else None
    return ans
