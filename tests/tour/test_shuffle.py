"""Option order: right answers spread over the letters for every learner, stable for a seed."""

from __future__ import annotations

from collections import Counter

from assistant.tour.shuffle import plan_orders


def _right_positions(plan, lessons):
    positions = []
    for lesson in lessons:
        ex = lesson.exercise
        if len(ex.rules) == 1:
            positions.append(plan[(lesson.id, "exercise")].index(ex.answer_index))
        if lesson.quiz.kind == "choice":
            positions.append(plan[(lesson.id, "quiz")].index(lesson.quiz.answer_index))
    return positions


def test_each_learner_gets_right_answers_spread_over_the_letters(lessons):
    for seed in range(200):
        counts = Counter(_right_positions(plan_orders(seed, lessons), lessons))
        # four letters over ~27 questions: every letter is used, none more than about a third
        assert set(counts) >= {0, 1, 2, 3}, (seed, counts)
        assert max(counts.values()) - min(counts[i] for i in range(4)) <= 2, (seed, counts)


def test_across_learners_every_question_moves(lessons):
    per_question = Counter()
    for seed in range(200):
        plan = plan_orders(seed, lessons)
        for lesson in lessons:
            if len(lesson.exercise.rules) == 1:
                per_question[(lesson.id, plan[(lesson.id, "exercise")].index(lesson.exercise.answer_index))] += 1
    for lesson in lessons:
        if len(lesson.exercise.rules) == 1:
            shares = [per_question[(lesson.id, i)] for i in range(len(lesson.exercise.options))]
            assert min(shares) >= 20, (lesson.id, shares)  # 200 learners, 4 letters: ~50 each


def test_same_seed_same_order_and_orders_are_permutations(lessons):
    a, b = plan_orders(42, lessons), plan_orders(42, lessons)
    assert a == b
    for (lid, part), order in a.items():
        lesson = next(x for x in lessons if x.id == lid)
        n = len(lesson.exercise.options) if part == "exercise" else len(lesson.quiz.options)
        assert sorted(order) == list(range(n))
    assert plan_orders(43, lessons) != a
