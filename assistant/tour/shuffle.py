"""Per-learner option order: shuffled, stable for a seed, and with right answers spread over the letters.

A plain shuffle per question can still put most right answers under one letter for one learner;
instead the right option of each question goes to the letter used least so far in the tour (ties
broken by the seed), and the other options are shuffled around it. Same seed and lessons, same
order: a resumed tour shows the same letters.

>>> from assistant.tour.shuffle import balanced_position
>>> balanced_position([3, 1, 1, 2], 4, __import__("random").Random(0)) in (1, 2)
True
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from assistant.tour.model import Lesson

__all__ = ["plan_orders", "balanced_position"]


def balanced_position(used: list[int], n: int, rng: random.Random) -> int:
    """The least-used of the first ``n`` letters (random among ties)."""
    low = min(used[:n])
    return rng.choice([i for i in range(n) if used[i] == low])


def _order(n: int, right: Sequence[int], target: int | None, rng: random.Random) -> list[int]:
    """A permutation (shown position -> authored index) with ``right[0]`` at ``target`` when given."""
    others = [i for i in range(n) if target is None or i != right[0]]
    rng.shuffle(others)
    if target is not None:
        others.insert(target, right[0])
    return others


def plan_orders(seed: int, lessons: Sequence[Lesson]) -> dict[tuple[str, str], list[int]]:
    """``(lesson id, "exercise"|"quiz") -> order`` for every multiple-choice question of the tour."""
    rng = random.Random(f"podtalk-tour:{seed}")
    used = [0] * 10
    plan: dict[tuple[str, str], list[int]] = {}
    for lesson in lessons:
        ex = lesson.exercise
        right = [ex.options.index(r) for r in ex.rules]
        if len(right) == 1:
            target = balanced_position(used, len(ex.options), rng)
            used[target] += 1
            plan[(lesson.id, "exercise")] = _order(len(ex.options), right, target, rng)
        else:
            plan[(lesson.id, "exercise")] = _order(len(ex.options), right, None, rng)
        quiz = lesson.quiz
        if quiz.kind == "choice":
            target = balanced_position(used, len(quiz.options), rng)
            used[target] += 1
            plan[(lesson.id, "quiz")] = _order(len(quiz.options), [quiz.answer_index], target, rng)
    return plan
