"""Retrieval is scored on ``Retriever.search(k=10)`` itself, at entry and topic level (issue 18).

The answer shows five sources; the retrieval evaluator must see all ten candidates, so an entry
ranked seventh still earns 1/7 of reciprocal rank.
"""

from __future__ import annotations

import pytest

from assistant.evaluation.datasets import Question
from assistant.evaluation.retrieval_eval import RANK_DEPTH, evaluate_retrieval, ranking_metrics

QUESTION = "how does kube-proxy route traffic for a ClusterIP service"


def _q(**kw) -> Question:
    base = dict(id="r", lang="en", question=QUESTION, topics=["kube-proxy"], must_mention=[])
    base.update(kw)
    return Question(**base)


def test_entry_level_metrics_follow_the_ranked_entries(retriever):
    hits = retriever.search(QUESTION, k=RANK_DEPTH).hits
    assert len(hits) == RANK_DEPTH
    second, seventh = hits[1].entry, hits[6].entry
    row = evaluate_retrieval(retriever, [_q(entries=[second.id])], "hybrid")["r"]
    assert (row["entry_hit@1"], row["entry_hit@3"], row["entry_mrr@10"]) == (0.0, 1.0, 0.5)
    deep = evaluate_retrieval(retriever, [_q(entries=[seventh.id])], "hybrid")["r"]
    assert deep["entry_mrr@10"] == pytest.approx(1 / 7) and deep["entry_hit@3"] == 0.0


def test_topic_level_uses_the_hits_topics(retriever):
    hits = retriever.search(QUESTION, k=RANK_DEPTH).hits
    top_topic = hits[0].entry.topic
    row = evaluate_retrieval(retriever, [_q(topics=[top_topic])], "hybrid")["r"]
    assert row["hit@1"] == 1.0 and row["mrr@10"] == 1.0
    assert "entry_hit@1" not in row  # no entries listed, no entry-level numbers
    from assistant.knowledge.loader import TOPIC_IDS

    missing = next(t for t in TOPIC_IDS if t not in {h.entry.topic for h in hits})
    absent = evaluate_retrieval(retriever, [_q(topics=[missing])], "hybrid")["r"]
    assert (absent["hit@1"], absent["hit@3"], absent["mrr@10"], absent["ndcg@10"]) == (0.0, 0.0, 0.0, 0.0)


def test_out_of_scope_questions_are_not_ranked(retriever):
    assert evaluate_retrieval(retriever, [_q(topics=["out-of-scope"])], "hybrid") == {}


def test_ranking_metrics_names_carry_k():
    m = ranking_metrics(["a", "b", "c"], {"c"}, prefix="entry_")
    assert set(m) == {"entry_hit@1", "entry_hit@3", "entry_mrr@10", "entry_ndcg@10"}
    assert m["entry_hit@3"] == 1.0 and m["entry_mrr@10"] == pytest.approx(1 / 3)
