"""Metrics on tiny hand-checked rankings: known ranks give known hit@k, MRR and nDCG."""

from __future__ import annotations

import doctest
import math

import pytest

from assistant.evaluation import metrics
from assistant.evaluation.metrics import facts_present, hit_at_k, ndcg_at_k, percentile, reciprocal_rank
from assistant.evaluation.runner import aggregate


def test_doctests():
    assert doctest.testmod(metrics).failed == 0


@pytest.mark.parametrize("ranked,rr,ndcg", [
    (["dns", "service"], 1.0, 1.0),
    (["service", "dns"], 0.5, 1 / math.log2(3)),
    (["a", "a", "a", "dns"], 0.25, 1 / math.log2(3)),   # duplicates of 'a' count once for nDCG
    (["a", "b", "c"], 0.0, 0.0),
])
def test_known_ranks(ranked, rr, ndcg):
    assert reciprocal_rank(ranked, {"dns"}) == pytest.approx(rr)
    assert ndcg_at_k(ranked, {"dns"}) == pytest.approx(ndcg)


def test_two_acceptable_topics_ideal_is_both_on_top():
    assert ndcg_at_k(["x", "y", "z"], {"x", "y"}) == pytest.approx(1.0)
    assert ndcg_at_k(["x", "z", "y"], {"x", "y"}) == pytest.approx((1 + 1 / 2) / (1 + 1 / math.log2(3)))


def test_hit_at_k():
    assert hit_at_k(["a", "b", "dns"], {"dns"}, 1) == 0.0
    assert hit_at_k(["a", "b", "dns"], {"dns"}, 3) == 1.0


def test_fact_coverage_any_alternative_case_insensitive():
    assert facts_present("Range 30000-32767 via NodePort", [["30000-32767"], ["CNAME", "别名"]]) == (1, 2)
    assert facts_present("ClusterIP 为 None", [["clusterip: none", "clusterIP 为 None"]]) == (1, 1)


def test_percentile_nearest_rank():
    assert percentile([5.0], 95) == 5.0
    assert percentile(list(range(1, 101)), 95) == 95
    assert percentile([], 50) == 0.0


def _row(oos: bool, abstained: bool, hit: float = 1.0) -> dict:
    return {"oos": oos, "abstained": abstained, "hit@1": hit, "hit@3": hit, "mrr@10": hit, "ndcg@10": hit,
            "facts_found": 1, "facts_asked": 2, "ms": 10.0}


def test_abstention_precision_recall_and_false_rate():
    rows = [_row(False, False), _row(False, True, 0.0), _row(True, True), _row(True, False)]
    m = aggregate(rows)
    assert m["abstain_precision"] == 0.5       # 2 abstentions, 1 out of scope
    assert m["abstain_recall"] == 0.5          # 2 out-of-scope questions, 1 abstained
    assert m["false_abstention_rate"] == 0.5   # 1 of 2 in-scope questions abstained
    assert m["hit@1"] == 0.5                   # out-of-scope rows do not count
    assert m["fact_coverage"] == 0.5
    assert m["n"] == 4
    assert m["mrr@10"] == 0.5 and m["n_in_scope"] == 2 and m["n_out_of_scope"] == 2
