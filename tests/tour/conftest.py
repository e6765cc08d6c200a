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

    return TourSession(lang="en", state_path=state_path, lessons=lessons)


def right_answer(lesson, part: str) -> str:
    """The letter of the right option (choice) or the expected text (text quiz)."""
    if part == "exercise":
        return "abcdef"[lesson.exercise.answer_index]
    if lesson.quiz.kind == "choice":
        return "abcdef"[lesson.quiz.answer_index]
    return lesson.quiz.answer
