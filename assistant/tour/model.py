"""The tour's data: lessons, exercises, quizzes and lab blocks, as loaded from ``kb/tour/``.

Plain frozen dataclasses with no behaviour beyond small derived properties, so the loader
(:mod:`assistant.tour.lessons`), the answer checker (:mod:`assistant.tour.checking`) and the
session can all import them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant import languages

__all__ = ["Text", "Choice", "Exercise", "Quiz", "Example", "Lab", "Lesson", "LANGS"]

LANGS = languages.codes()
"""The registered languages when the tour was imported (code reads ``languages.codes()``)."""

Text = dict[str, str]
"""A text in every registered language: ``{"en": ..., "zh": ...}``."""


@dataclass(frozen=True)
class Choice:
    """One option of a multiple-choice quiz, with why it is right or wrong."""

    text: Text
    correct: bool
    why: Text | None = None
    """Shown when a learner picks this option (required for wrong options)."""


@dataclass(frozen=True)
class Exercise:
    """A broken manifest: the learner names the rule(s) the inspector reports, then fixes it.

    ``rules`` has one id for an ordinary exercise and several for a capstone bundle, where every
    listed rule must be named and must stop firing in the fixed manifest.
    """

    rules: tuple[str, ...]
    prompt: Text
    manifest: str
    options: tuple[str, ...]
    hint: Text
    explain: Text
    fix: str
    """A corrected manifest: the audit checks that none of ``rules`` fires for it."""
    fix_hint: Text
    why_not: dict[str, Text] = field(default_factory=dict)
    """Distractor rule id -> why it is not the answer here."""
    namespace: str = "default"

    @property
    def rule(self) -> str:
        """The (first) rule the exercise is about."""
        return self.rules[0]

    @property
    def answer_index(self) -> int:
        """Index of the (first) rule among ``options`` in the authored order."""
        return self.options.index(self.rule)


@dataclass(frozen=True)
class Quiz:
    """A question checked by rules.

    - ``choice``: exactly one correct option;
    - ``text``: typed answer, compared per ``normalize`` (``dns``: any name that resolves to
      ``answer`` from ``client_namespace``; ``env``: exact, case-sensitive; ``text``: case-folded);
    - ``reach``: "can ``source`` reach ``destination`` on ``port``?", graded by the inspector's
      reachability engine on ``manifest``.
    """

    kind: str
    question: Text
    hint: Text
    explain: Text
    options: tuple[Choice, ...] = ()
    answer: str | None = None
    normalize: str = "text"
    manifest: str | None = None
    client_namespace: str | None = None
    source: str | None = None
    destination: str | None = None
    port: int | None = None
    protocol: str = "TCP"

    @property
    def answer_index(self) -> int:
        """Index of the one correct option (choice quizzes), in the authored order."""
        return next(i for i, c in enumerate(self.options) if c.correct)


@dataclass(frozen=True)
class Example:
    """A minimal correct manifest shown before the exercise."""

    caption: Text
    manifest: str


@dataclass(frozen=True)
class Lab:
    """An optional "try it on a cluster" block: commands the learner copies; podtalk never runs them."""

    intro: Text
    commands: tuple[str, ...]


@dataclass(frozen=True)
class Lesson:
    """One step of the tour: explanation (with diagram and example), exercise, fix, quiz."""

    id: str
    number: int
    """1-based position in the tour (from the ``NN-`` file prefix, renumbered densely)."""
    title: Text
    kb: tuple[str, ...]
    explanation: Text
    exercise: Exercise
    quiz: Quiz
    path: Path
    minutes: int = 4
    diagram: str = ""
    example: Example | None = None
    lab: Lab | None = None
    sources: tuple[str, ...] = ()
    """The docs the lesson's facts were checked against."""
    verified: dict[str, str] | None = None
    """``{"kubernetes": "1.37", "date": ...}``: what the next review should recheck against."""
