"""Where a question meets the diagnosis: ``podtalk ask`` and the chat call :func:`diagnose_answer` with
the answer the KB pipeline composed, and get it back either unchanged or answered by the diagnosis.

The diagnosis takes over when the text is a symptom report (pasted output, an error signature, an
observation, or a troubleshooting question) and one cause has enough evidence; it then also re-ranks
the KB sources so entries that explain the likely causes come first (so "ping", "503" or "sidecar"
used in another sense no longer decide the topic). A chat reply that answers a pending narrowing
question ("1", "2", a choice's words) refines the previous diagnosis instead.

This module works on the engine's ``Answer``/``Context`` objects by attribute (it must not import the
answering layer beside it): ``answer.answer/intent/abstained/sources/topic/extra`` and
``context.diagnosis`` (the chat's :class:`~assistant.diagnosis.session.DiagnosisSession`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from assistant import languages
from assistant.diagnosis.clues import REPORT_CLUES, ClueHit, reports_failure
from assistant.diagnosis.compose import compose_diagnosis
from assistant.diagnosis.diagnose import Diagnosis, diagnoser_for
from assistant.diagnosis.pasted import read_structure, recognise
from assistant.diagnosis.ranking import GENERIC_CLUES
from assistant.diagnosis.session import DiagnosisSession

MAX_PASTE_CHARS = 64_000
SOURCE_COUNT = 5
RELATED_BOOST = 0.3
STRONG_SIMILARITY = 5.0
"""Score added to a KB entry the leading cause names in ``related`` (scaled by the cause's share)."""
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


def clean_paste(text: str) -> str:
    """Control characters and ANSI escapes out, line structure kept (tables and logs need it)."""
    text = _ANSI.sub(" ", text)
    text = "".join(ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return text.replace("\t", "    ")[:MAX_PASTE_CHARS].strip()


def is_symptom_report(clues: list[ClueHit], pasted: list[Any], intent: str | None) -> bool:
    """Pasted output, an error signature, a reported failure, or a troubleshooting question (an
    observation alone is not enough: "how does cross-node traffic work" reports nothing)."""
    return bool(pasted) or any(h.kind == "signature" or h.id == "obs-failure-reported" for h in clues) \
        or intent == "troubleshooting"


WORKLOAD_CLUES = frozenset({"obs-pods-not-ready", "obs-pods-ready"})
"""Observations about a pod's own health: CrashLoopBackOff or Pending alone is a workload question, not
a report that communication fails."""


def _retrieval_agrees(d: Diagnosis, answer: Any) -> bool:
    """A report the retrieval declined is still diagnosed when two independent readings agree: the
    leading cause rests on something the asker saw fail in communication ("from dev the short name does
    not reach the Service in prod"), and the retrieval's best entry, too weak to answer alone, is one that
    cause names in ``related``; or, when the retrieval's best entry is off, the cause is read twice over:
    that observation is one of its own signs (``rule_in``) and one of its symptom phrases reads almost
    like the text."""
    top = d.top
    if top is None or not answer.sources or "obs-failure-reported" not in d.clue_ids:
        return False
    kinds = {h.id: h.kind for h in d.clues}
    observed = [cid for cid in top.evidence
                if kinds.get(cid) == "observation" and cid not in REPORT_CLUES | WORKLOAD_CLUES]
    if not observed:
        return False
    if answer.sources[0].get("id") in top.cause.related:
        return True
    # or the cause itself is read twice: an observation it names as its own sign, and one of its symptom
    # phrases reading almost like the text ("minikube service opens the browser but never connects")
    return top.similarity >= STRONG_SIMILARITY and any(cid in top.cause.rule_in for cid in observed)


def has_evidence(d: Diagnosis) -> bool:
    """The leading cause rests on a clue that says more than "name resolution fails", or on a symptom
    phrase that reads almost like the text."""
    top = d.top
    return top is not None and (bool(set(top.evidence) - GENERIC_CLUES) or top.similarity >= STRONG_SIMILARITY)


def lead_entry(d: Diagnosis, kb: Any) -> str | None:
    """The KB entry that should lead the sources: the one the leading cause names as ``lead``, else of
    its ``related`` entries its troubleshooting entry (the checklist around the check), else the one on
    the cause's own topic, else the first."""
    top = d.top
    if top is None:
        return None
    if top.cause.lead in kb.by_id:
        return top.cause.lead  # the cause names it (expected behaviour: the entry that explains it)
    related = [rid for rid in top.cause.related if rid in kb.by_id]
    for want in ("troubleshooting", top.cause.topic):
        for rid in related:
            if kb.by_id[rid].topic == want:
                return rid
    return related[0] if related else None


def rerank_sources(assistant: Any, d: Diagnosis, text: str, lang: str, mode: str, allow_dense: bool) -> list[dict]:
    """KB sources re-ranked by the diagnosis: the leading cause's lead entry first, then entries the
    likely causes name in ``related`` (in proportion to each cause's score), then the retrieval's order."""
    kb = assistant.kb
    query = " ".join(text.split())[:2000]  # as the pipeline searched it: the query vector is cached
    retrieval = assistant.retriever.search(query or " ", mode=mode, k=len(kb.entries), lang=lang,
                                           allow_dense=allow_dense, symptom=True)
    boosted = {h.entry.id: float(h.score) for h in retrieval.hits}
    live = d.live[:3]
    for rank_i, r in enumerate(live):
        share = r.score / max(live[0].score, 1e-9)
        for pos, rid in enumerate(r.cause.related):
            if rid in boosted:
                boosted[rid] += RELATED_BOOST * share / (1 + pos)
    lead = lead_entry(d, kb)
    order = sorted(boosted, key=lambda i: (i != lead, -boosted[i], i))[:max(SOURCE_COUNT, 3)]
    out_lang = languages.resolve(lang)
    return [{"id": i, "topic": kb.by_id[i].topic, "title": kb.by_id[i].title(out_lang),
             "score": round(boosted[i], 4), "url": kb.by_id[i].url} for i in order]


def _session(assistant: Any, context: Any) -> DiagnosisSession | None:
    if context is None:
        return None
    session = getattr(context, "diagnosis", None)
    if not isinstance(session, DiagnosisSession):
        session = DiagnosisSession(diagnoser_for(assistant.retriever))
        try:
            context.diagnosis = session
        except AttributeError:
            return None
    return session


def _apply(assistant: Any, answer: Any, d: Diagnosis, text: str, *, out_lang: str, mode: str,
           allow_dense: bool, context: Any) -> Any:
    diagnoser = diagnoser_for(assistant.retriever)
    answer.answer = compose_diagnosis(d, diagnoser.catalog, assistant.kb, out_lang, interactive=context is not None)
    answer.intent = "troubleshooting"
    answer.abstained = False
    try:
        answer.sources = rerank_sources(assistant, d, text, d.lang, mode, allow_dense)
    except Exception:  # a failing re-rank keeps the pipeline's sources; the diagnosis still answers
        pass
    if answer.sources:
        answer.topic = answer.sources[0]["topic"]
    answer.extra["diagnosis"] = True
    if context is not None and answer.sources:
        for name, value in (("entry_id", answer.sources[0]["id"]), ("topic", answer.topic),
                            ("intent", "troubleshooting"), ("lang", out_lang), ("computed", None)):
            if hasattr(context, name):
                setattr(context, name, value)
    return answer


def _attach(answer: Any, d: Diagnosis) -> None:
    answer.extra["clues"] = [h.to_dict() for h in d.clues]
    lang = languages.resolve(d.lang)
    answer.extra["causes"] = [{"id": r.id, "score": round(r.score, 4), "title": r.cause.title(lang)}
                              for r in d.live[:5]]
    if d.narrowing is not None:
        answer.extra["narrowing"] = {"id": d.narrowing.id, "question": d.narrowing.text[lang],
                                     "choices": [ch.label[lang] for ch in d.narrowing.choices]}


def diagnose_answer(assistant: Any, question: str, answer: Any, *, q_lang: str, out_lang: str,
                    mode: str = "hybrid", allow_dense: bool = True, context: Any = None) -> Any:
    """The answer to ``question``: the pipeline's ``answer`` unchanged, or answered by the diagnosis.

    A KB without causes (a test KB, a trimmed install) leaves every answer as the pipeline made it;
    a failure inside the diagnosis does too (``PODTALK_DEBUG=1`` raises it instead)."""
    try:
        return _diagnose_answer(assistant, question, answer, q_lang=q_lang, out_lang=out_lang, mode=mode,
                                allow_dense=allow_dense, context=context)
    except Exception:
        import os

        if os.environ.get("PODTALK_DEBUG"):
            raise
        answer.extra["diagnosis_error"] = True
        return answer


def _diagnose_answer(assistant: Any, question: str, answer: Any, *, q_lang: str, out_lang: str,
                     mode: str, allow_dense: bool, context: Any) -> Any:
    text = clean_paste(question)
    if not text:
        return answer
    session = _session(assistant, context)
    if session is not None and session.pending is not None and session.is_reply(text):
        d = session.answer(text)
        if d is not None:
            _attach(answer, d)
            return _apply(assistant, answer, d, d.text, out_lang=session.current.lang if session.current else out_lang,
                          mode=mode, allow_dense=allow_dense, context=context)
    if answer.abstained and assistant.retriever.scope().decline_is_final(answer.extra.get("uncovered_area"), text):
        return answer  # a home router with nothing of Kubernetes, kubectl's own x509 line: no cluster cause fits
    diagnoser = diagnoser_for(assistant.retriever)
    if not diagnoser.catalog.causes:
        return answer
    if answer.intent != "troubleshooting" and not reports_failure(text, diagnoser.catalog) and not recognise(text) \
            and not any(h.kind == "signature" or h.id in REPORT_CLUES for h in read_structure(text)):
        return answer  # exactly is_symptom_report's test, on the few clues it needs (most questions stop here)
    found = diagnoser.clues(text)  # cheap: decide whether this is a symptom report before ranking
    if not is_symptom_report(found[0], found[1], answer.intent):
        return answer
    d = diagnoser.diagnose(text, q_lang, use_dense=allow_dense and mode != "lexical", found=found)
    _attach(answer, d)
    has_signature = bool(d.pasted) or any(h.kind == "signature" for h in d.clues)
    if answer.extra.get("computed") and not (has_signature or "obs-failure-reported" in d.clue_ids):
        return answer  # a computed answer (a DNS name, an env var) stands unless a failure is reported
    if answer.abstained and not (has_signature or _retrieval_agrees(d, answer)):
        return answer
    if not d.confident or not has_evidence(d):
        return answer
    if session is not None:
        session.current = d
    return _apply(assistant, answer, d, text, out_lang=out_lang, mode=mode, allow_dense=allow_dense, context=context)
