"""Fixtures for the tour tests: the real lessons, and a session with its own state file."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def lessons():
    from assistant.tour import load_lessons

    return load_lessons()


@pytest.fixture
def state_path(tmp_path):
    return tmp_path / "state" / "tour.json"


@pytest.fixture
def session(state_path, lessons):
    from assistant.tour import TourSession

    return TourSession(lang="en", state_path=state_path, lessons=lessons, seed=7)


def letter_of(session, lesson, part: str, authored: int) -> str:
    """The letter the learner sees for the authored option ``authored``."""
    return "abcdefghij"[session.option_order(lesson, part).index(authored)]


def right_answer(session, lesson, part: str) -> str:
    """What a learner who knows the answer types: the shown letter, the expected text, or yes/no."""
    if part == "exercise":
        return letter_of(session, lesson, "exercise", lesson.exercise.answer_index)
    quiz = lesson.quiz
    if quiz.kind == "choice":
        return letter_of(session, lesson, "quiz", quiz.answer_index)
    if quiz.kind == "reach":
        from assistant.tour.inspecting import reach_verdict

        return "yes" if reach_verdict(quiz).allowed else "no"
    return quiz.answer


def wrong_letter(session, lesson, part: str) -> str:
    """The shown letter of some wrong option."""
    if part == "exercise":
        ex = lesson.exercise
        authored = next(i for i, r in enumerate(ex.options) if r not in ex.rules)
    else:
        authored = next(i for i, o in enumerate(lesson.quiz.options) if not o.correct)
    return letter_of(session, lesson, part, authored)


def finish_lesson(session, lesson) -> str:
    """Answer the exercise right, paste the reference fix, answer the quiz right."""
    session.handle("next")
    for rule in lesson.exercise.rules:
        session.handle(rule)
    session.handle(lesson.exercise.fix)
    return session.handle(right_answer(session, lesson, "quiz"))
