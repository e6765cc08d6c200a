"""The baseline comparison itself, on hand-made numbers: the tolerance is two questions, exactly."""

from __future__ import annotations

from assistant.evaluation.baseline import compare, format_deltas, snapshot


def _metrics(hit1: float, false_abst: float = 0.0, recall: float = 1.0) -> dict:
    return {"hybrid": {"en": {"n": 110, "n_in_scope": 100, "n_out_of_scope": 10, "hit@1": hit1, "hit@3": 1.0,
                              "mrr@10": 1.0, "ndcg@10": 1.0, "fact_coverage": 0.9,
                              "false_abstention_rate": false_abst, "abstain_recall": recall}}}


BASE = snapshot(_metrics(0.90, 0.01, 1.0))


def test_two_questions_down_passes_three_fails():
    assert not any(d.regressed for d in compare(_metrics(0.88), BASE))
    bad = [d for d in compare(_metrics(0.87), BASE) if d.regressed]
    assert [(d.metric, d.lang) for d in bad] == [("hit@1", "en")]
    assert "REGRESSED" in format_deltas(compare(_metrics(0.87), BASE))


def test_lower_is_better_and_out_of_scope_denominator():
    # false abstention may rise by 2/100; abstain recall is over the 10 out-of-scope questions (2/10)
    assert not any(d.regressed for d in compare(_metrics(0.90, 0.03, 0.8), BASE))
    bad = {d.metric for d in compare(_metrics(0.90, 0.04, 0.7), BASE) if d.regressed}
    assert bad == {"false_abstention_rate", "abstain_recall"}


def test_improvements_are_shown_not_failed():
    deltas = compare(_metrics(0.95), BASE)
    assert not any(d.regressed for d in deltas)
    assert "changed" in format_deltas(deltas)
