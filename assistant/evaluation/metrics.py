"""Ranking and answer metrics with stable keys (``hit@1``, ``mrr``, ``ndcg@10``...).

Relevance is by topic: a source is relevant when its topic is one of the question's acceptable
topics. For nDCG the ranked sources are reduced to their topics (first occurrence only), so a
question with one acceptable topic has an ideal DCG of 1 and nDCG rewards ranking that topic first.

>>> hit_at_k(["dns", "service"], {"service"}, 1), hit_at_k(["dns", "service"], {"service"}, 3)
(0.0, 1.0)
>>> reciprocal_rank(["dns", "dns", "service"], {"service"})
0.3333333333333333
>>> round(ndcg_at_k(["dns", "dns", "service"], {"service"}, 10), 4)
0.6309
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


def hit_at_k(ranked_topics: Sequence[str], relevant: set[str], k: int) -> float:
    return 1.0 if any(t in relevant for t in ranked_topics[:k]) else 0.0


def reciprocal_rank(ranked_topics: Sequence[str], relevant: set[str], k: int = 10) -> float:
    for i, t in enumerate(ranked_topics[:k], start=1):
        if t in relevant:
            return 1.0 / i
    return 0.0


def ndcg_at_k(ranked_topics: Sequence[str], relevant: set[str], k: int = 10) -> float:
    """Binary-gain nDCG over the de-duplicated topic ranking."""
    seen: list[str] = []
    for t in ranked_topics:
        if t not in seen:
            seen.append(t)
    dcg = sum(1.0 / math.log2(i + 1) for i, t in enumerate(seen[:k], start=1) if t in relevant)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(relevant), k) + 1))
    return dcg / ideal if ideal else 0.0


def facts_present(answer: str, must_mention: Iterable[Sequence[str]]) -> tuple[int, int]:
    """(facts found, facts asked): a fact is found when any of its substrings occurs (case-insensitive)."""
    text = answer.lower()
    asked = found = 0
    for alternatives in must_mention:
        asked += 1
        if any(str(a).lower() in text for a in alternatives):
            found += 1
    return found, asked


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values.

    >>> percentile([1, 2, 3, 4], 50), percentile([1, 2, 3, 4], 95)
    (2, 4)
    """
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def precision_recall(tp: int, fp: int, fn: int) -> tuple[float | None, float | None]:
    """Precision and recall; None where the denominator is zero (nothing to measure)."""
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    return p, r
