"""question -> language -> scope -> intent/entities -> (follow-up) -> retrieve -> computed? -> compose:
the answering flow in one place.

:class:`AnswerPipeline` is built from what it needs (the KB, a retriever, :class:`AnswerSettings`),
never from the ``Assistant`` facade above it, and returns an :class:`~assistant.answering.types.Answer`.

Scope comes first: a question about an area podtalk does not cover is declined before any chat
carry-over could lend it the previous topic's networking words. A chat passes a
:class:`~assistant.answering.types.Context`: a short question with a follow-up marker ("and from another
namespace?", "那 headless 呢?") is searched together with the previous topic's title and keywords,
inherits the previous intent when it states none, and reuses the previous turn's names for computed
answers. The CLI passes none and stays stateless.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from assistant import languages
from assistant.answering.compose import compose
from assistant.answering.computed import compute
from assistant.answering.entities import Entities, extract
from assistant.answering.intents import detect_intent, is_followup, split_parts
from assistant.answering.render import render, sources_marker
from assistant.answering.sanitize import clean_question
from assistant.answering.types import Answer, Context
from assistant.knowledge import regex_cache
from assistant.knowledge.loader import Entry, KnowledgeBase
from assistant.retrieval.retriever import Hit, Retrieval, Retriever
from assistant.retrieval.text import detect_lang

MIN_SOURCES = 3
_REFERS_BACK = re.compile(r"\b(it|its|this|that|these|those|them|they)\b|它|这个|那个|这些|那些", re.IGNORECASE)
"""A pronoun pointing at the previous answer ("how do I debug it"): the question continues that topic
even without a networking word of its own (chit-chat like "那周末去哪儿玩呢" has none)."""
_KUBERNETES_WORD = re.compile(
    r"\b(pods?|namespaces?|ns|services?|svc|nodes?|clusters?|containers?|kubectl|yaml|labels?|ports?|egress|ingress|"
    r"dns|ip|policy|policies|traffic|endpoints?)\b|命名空间|服务|容器|节点|集群|标签|端口|网络|域名|流量|策略", re.I)
_NAMESPACE_WORD = re.compile(r"namespace|\bns\b|命名空间|名字空间|名称空间", re.I)


@dataclass(frozen=True)
class AnswerSettings:
    """What answers assume about the user's cluster (``--namespace``, ``--cluster-domain``)."""

    namespace: str = "default"
    cluster_domain: str = "cluster.local"


def _has_names(ents: Entities) -> bool:
    return any(v not in (None, [], False) for v in vars(ents).values())


def topic_terms(entry: Entry, lang: str) -> str:
    """What a follow-up blends into its search: the previous entry's topic and main keyword (in the
    fallback language, English: its terms are shared by questions in every language)."""
    return " ".join([entry.topic.replace("-", " "), entry.keywords(languages.DEFAULT)[0]])


def _distinctive(term: str) -> bool:
    """A history term specific enough to name its entry on its own: ``OnlyLocal``, ``v1beta1``,
    ``service.beta.kubernetes.io/external-traffic`` (not ``Global`` or ``userspace``)."""
    return len(term) >= 5 and bool(re.search(r"[A-Za-z]", term)) and bool(re.search(r"[a-z][A-Z]|\d|[./]", term))


def _entries_named_by_history(kb: KnowledgeBase, question: str) -> list[Entry]:
    """The entries whose history has a distinctive term the question uses (in KB order, each once)."""
    found: dict[str, Entry] = {}
    for e, pattern in _history_patterns(kb):
        if pattern.search(question):
            found.setdefault(e.id, e)
    return list(found.values())


_HISTORY_PATTERNS: dict[int, tuple[KnowledgeBase, list[tuple[Entry, re.Pattern[str]]]]] = {}


def _history_patterns(kb: KnowledgeBase) -> list[tuple[Entry, re.Pattern[str]]]:
    """Each distinctive history term of the KB as a whole-term pattern, with its entry (made once per
    KB: every answer checked every term, testing distinctiveness and building each pattern again)."""
    held = _HISTORY_PATTERNS.get(id(kb))
    if held is None or held[0] is not kb:
        patterns = [(e, regex_cache.compile(r"(?<![\w./-])" + re.escape(term) + r"(?![\w/-])", re.I))
                    for e in kb.entries for h in e.history for term in h.terms if _distinctive(term)]
        held = _HISTORY_PATTERNS[id(kb)] = (kb, patterns)
    return held[1]


def _entry_named_by_history(kb: KnowledgeBase, question: str, hits: list[Hit] | None = None) -> Entry | None:
    """The entry whose history explains a distinctive old term the question uses: the only one, or of
    several (``OnlyLocal`` is in the NodePort and the traffic-policy entries) the retriever ranked best."""
    found = _entries_named_by_history(kb, question)
    if len(found) <= 1:
        return found[0] if found else None
    rank = {h.entry.id: i for i, h in enumerate(hits or ())}
    return min(found, key=lambda e: rank.get(e.id, len(rank)))


class AnswerPipeline:
    """Answers one question at a time from ``kb`` through ``retriever``; holds no per-question state."""

    def __init__(self, kb: KnowledgeBase, retriever: Retriever, settings: AnswerSettings | None = None) -> None:
        self.kb = kb
        self.retriever = retriever
        self.settings = settings or AnswerSettings()

    def sources(self, retrieval: Retrieval) -> list[dict[str, Any]]:
        """The ranked sources of the contract's JSON (at least ``MIN_SOURCES`` unless the KB is smaller)."""
        lang = languages.resolve(retrieval.lang)
        return [{"id": h.entry.id, "topic": h.entry.topic, "title": h.entry.title(lang),
                 "score": round(float(h.score), 4), "url": h.entry.url}
                for h in retrieval.hits[: max(MIN_SOURCES, 5)]]

    def ask(self, question: str, *, lang: str = "auto", mode: str = "hybrid", allow_dense: bool = True,
            context: Context | None = None) -> Answer:
        """Answer one question. ``lang`` auto-detects; ``allow_dense=False`` answers lexically."""
        t0 = time.perf_counter()
        q_lang = detect_lang(question)
        out_lang = q_lang if lang in ("auto", "", None) else lang
        ans = self._answer(question, q_lang=q_lang, out_lang=out_lang, mode=mode, allow_dense=allow_dense,
                           context=context)
        ans.timing_ms["total"] = round((time.perf_counter() - t0) * 1000, 2)
        return ans

    def _answer(self, question: str, *, q_lang: str, out_lang: str, mode: str, allow_dense: bool,
                context: Context | None) -> Answer:
        kb, retriever = self.kb, self.retriever
        q = clean_question(question)
        scope = retriever.scope()
        uncovered = scope.uncovered_area(q) if q else None
        own_entities = extract(q) if q else Entities()
        followup = bool(q and uncovered is None and context is not None and context.entry_id
                        and context.entry_id in kb.by_id and is_followup(q, q_lang)
                        # an off-topic question that merely starts like a follow-up ("那周末去哪玩呢")
                        # borrows nothing from the previous topic
                        and (scope.networking_terms(q) or _KUBERNETES_WORD.search(q) or _has_names(own_entities)
                             or _REFERS_BACK.search(q)))
        if q and uncovered is None and not followup:
            parts = split_parts(q, q_lang)
            if len(parts) > 1:
                combined = self._multipart(question, parts, q_lang=q_lang, out_lang=out_lang, mode=mode,
                                           allow_dense=allow_dense, context=context)
                if combined is not None:
                    return combined
        intent = detect_intent(q, q_lang, default=None) if q else None
        search_q = q
        entities = own_entities
        previous_kind = None
        if followup:
            assert context is not None and context.entry_id is not None
            previous = kb.by_id[context.entry_id]
            search_q = f"{q} {topic_terms(previous, q_lang)}"
            if intent is None and context.intent not in (None, "greeting", "out-of-scope"):
                intent = context.intent
            if context.computed and (_has_names(own_entities) or _NAMESPACE_WORD.search(q)):
                previous_kind = context.computed
                entities = own_entities.merged_over(context.entities)
        intent = intent or "definition"

        retrieval = retriever.search(search_q or " ", mode=mode, lang=q_lang, allow_dense=allow_dense,
                                     symptom=intent == "troubleshooting")
        if uncovered is not None:
            retrieval.abstain, retrieval.uncovered_area = True, uncovered
        elif retrieval.abstain and retrieval.uncovered_area is None and scope.networking_evidence(q):
            # a pasted network error or a Service variable name is a networking question even when the
            # retriever is unsure which entry fits: answer from the best entry instead of declining
            retrieval.abstain = False
        historic = _entry_named_by_history(kb, q, retrieval.hits) if q and uncovered is None else None
        if historic is not None and (not retrieval.hits or retrieval.hits[0].entry.id != historic.id):
            # an old field or value ("OnlyLocal") names the one entry whose history explains it
            score = retrieval.hits[0].score if retrieval.hits else 1.0
            retrieval.hits = [Hit(historic, score), *(h for h in retrieval.hits if h.entry.id != historic.id)]
            retrieval.abstain = False
        if followup and not previous_kind and len(retrieval.hits) > 1 and context is not None \
                and retrieval.hits[0].entry.id == context.entry_id:
            # a follow-up asks about something next to the previous entry, not the same entry again
            retrieval.hits.insert(2, retrieval.hits.pop(0))
        if not q:
            retrieval.abstain = True
        computed = None
        if q and uncovered is None:
            computed = compute(q, q_lang, entities, intent=intent, namespace=self.settings.namespace,
                               cluster_domain=self.settings.cluster_domain, previous_kind=previous_kind)
        try:
            rank_query = retriever.expand(search_q) if q else q
        except Exception:  # ranking falls back to the raw question; expansion is an optimisation
            rank_query = search_q

        def search(text: str) -> Retrieval:
            return retriever.search(text, mode=mode, lang=q_lang, allow_dense=allow_dense, symptom=False)

        comp = compose(search_q, out_lang, retrieval, kb, intent=intent, computed=computed, search=search,
                       rank_query=rank_query, question_text=q)
        topic = kb.by_id[comp.entry_id].topic if comp.entry_id and comp.entry_id in kb.by_id else None
        if context is not None and not comp.abstained and comp.intent != "greeting":
            context.topic = topic
            context.entry_id = comp.entry_id
            context.lang = out_lang
            context.intent = comp.intent
            context.computed = computed.kind if computed is not None else None
            context.entities = entities if computed is not None else None
        ans = Answer(
            question=question, lang=out_lang, intent=comp.intent, abstained=comp.abstained, answer=comp.answer,
            sources=self.sources(retrieval), timing_ms=dict(retrieval.timing_ms), retriever=retrieval.mode,
            degraded=retrieval.degraded, degraded_reason=retriever.degraded_reason if retrieval.degraded else None,
            topic=topic, extra=dict(comp.extra),
        )
        ans.extra["entry_id"] = comp.entry_id
        if followup:
            ans.extra["followup_of"] = context.entry_id if context else None
        return ans

    def _multipart(self, question: str, parts: list[str], *, q_lang: str, out_lang: str, mode: str,
                   allow_dense: bool, context: Context | None) -> Answer | None:
        """Answer each part of a multi-part question on its own and put the answers together, or None
        when the parts land on one entry (then the whole question is answered as one)."""
        answers: list[tuple[str, Answer]] = []
        seen: set[str] = set()
        for part in parts:
            ans = self._answer(part, q_lang=q_lang, out_lang=out_lang, mode=mode, allow_dense=allow_dense,
                               context=None)
            if ans.abstained and answers:
                # a part that leans on the one before it ("how is traffic routed then?")
                ans = self._answer(f"{part} {parts[0]}", q_lang=q_lang, out_lang=out_lang, mode=mode,
                                   allow_dense=allow_dense, context=None)
            key = ans.extra.get("entry_id") or ans.extra.get("computed") or ""
            if ans.abstained or key in seen:
                continue
            seen.add(key)
            answers.append((part, ans))
        if len(answers) < 2:
            return None
        marker = sources_marker(out_lang)
        sections, urls = [], []
        for part, ans in answers:
            body, _, tail = ans.answer.partition(marker)
            sections.append({"question": part, "answer": body.strip()})
            urls += [ln[2:].strip() for ln in tail.splitlines() if ln.startswith("- ") and ln[2:].strip() not in urls]
        text = render(out_lang, "multipart", sections=sections, sources=urls, marker=marker)
        first = answers[0][1]
        sources: list[dict[str, Any]] = []
        for rank in range(max(len(a.sources) for _, a in answers)):
            for _, a in answers:
                if rank < len(a.sources) and all(s["id"] != a.sources[rank]["id"] for s in sources):
                    sources.append(a.sources[rank])
        timing: dict[str, float] = {"retrieve": round(sum(a.timing_ms.get("retrieve", 0.0) for _, a in answers), 2)}
        if context is not None:
            entry_id = first.extra.get("entry_id")
            context.topic, context.entry_id, context.lang = first.topic, entry_id, out_lang
            context.intent, context.computed, context.entities = first.intent, None, None
        return Answer(question=question, lang=out_lang, intent=first.intent, abstained=False, answer=text,
                      sources=sources[:max(MIN_SOURCES, 5)], timing_ms=timing, retriever=first.retriever,
                      degraded=any(a.degraded for _, a in answers), degraded_reason=first.degraded_reason,
                      topic=first.topic, extra={"parts": [p for p, _ in answers], "entry_id": first.extra.get("entry_id")})
