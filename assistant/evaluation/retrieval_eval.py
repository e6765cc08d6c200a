"""Retrieval evaluated directly: ``Retriever.search(k=10)``, not the answer's shown sources.

Issue 18: measuring through ``Assistant.ask`` scored at most the five sources an answer shows (so
"nDCG@10" was @5) and let presentation choices (follow-up demotion, computed answers, the sources cap)
move retrieval numbers. Here every in-scope question is searched with ``k=RANK_DEPTH`` and scored
the way sentence-transformers' InformationRetrievalEvaluator does, with each metric named by its k:

- topic level (every question): a hit is relevant when its entry's topic is an acceptable topic;
- entry level (questions that list ``entries``): a hit is relevant when it is one of those entries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from assistant.evaluation.datasets import Question
from assistant.evaluation.metrics import hit_at_k, ndcg_at_k, reciprocal_rank

RANK_DEPTH = 10
"""Candidates retrieved per question; the largest k any metric uses."""

TOPIC_KEYS = ("hit@1", "hit@3", "mrr@10", "ndcg@10")
ENTRY_KEYS = ("entry_hit@1", "entry_hit@3", "entry_mrr@10", "entry_ndcg@10")


def ranking_metrics(ranked: Sequence[str], relevant: set[str], prefix: str = "") -> dict[str, float]:
    """hit@1, hit@3, mrr@10 and ndcg@10 of one ranking (labels are topics or entry ids)."""
    return {
        f"{prefix}hit@1": hit_at_k(ranked, relevant, 1),
        f"{prefix}hit@3": hit_at_k(ranked, relevant, 3),
        f"{prefix}mrr@10": reciprocal_rank(ranked, relevant, 10),
        f"{prefix}ndcg@10": ndcg_at_k(ranked, relevant, 10),
    }


def _symptom_detector() -> Callable[[str, str], bool]:
    """The troubleshooting-intent rule the answer pipeline uses, passed to the retriever explicitly."""
    from assistant.answering.intents import detect_intent

    return lambda text, lang: detect_intent(text, lang) == "troubleshooting"


def evaluate_retrieval(retriever: Any, questions: Sequence[Question], mode: str,
                       on_progress: Callable[[], None] | None = None) -> dict[str, dict[str, Any]]:
    """Per-question retrieval rows keyed by question id (out-of-scope questions are skipped)."""
    from assistant.retrieval.text import detect_lang

    is_symptom = _symptom_detector()
    rows: dict[str, dict[str, Any]] = {}
    for q in questions:
        if q.out_of_scope:
            if on_progress:
                on_progress()
            continue
        lang = detect_lang(q.question)
        result = retriever.search(q.question, mode=mode, k=RANK_DEPTH, lang=lang,
                                  symptom=is_symptom(q.question, lang))
        topics = [h.entry.topic for h in result.hits]
        ids = [h.entry.id for h in result.hits]
        row: dict[str, Any] = {"top": topics[:3], "top_entries": ids[:3]}
        row.update(ranking_metrics(topics, set(q.topics)))
        if q.entries:
            row.update(ranking_metrics(ids, set(q.entries), prefix="entry_"))
        rows[q.id] = row
        if on_progress:
            on_progress()
    return rows
