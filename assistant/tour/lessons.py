"""Load and validate the tour's lessons (``kb/tour/NN-<id>.yaml``).

A lesson is data: a bilingual explanation, one manifest exercise (the learner names the rule that
``podtalk inspect`` reports) and one quiz (multiple choice, or a typed answer compared after
normalisation). :func:`load_lessons` checks each file's shape on load, so a broken lesson is
reported with its file name; :func:`audit_lessons` runs the slower cross-checks (KB ids exist, the
inspector really reports the taught rule and none of the distractors, computed answers match what
the inspector derives) and is what the tests and ``python -m assistant.tour --check`` call.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import KBError

__all__ = ["Lesson", "Exercise", "Quiz", "Choice", "LANGS", "load_lessons", "audit_lessons", "tour_dir"]

LANGS = ("en", "zh")
SCHEMA_PATH = Path(__file__).with_name("lesson.schema.json")
_FILE_RE = re.compile(r"^(\d{2})-([a-z0-9][a-z0-9-]*)\.yaml$")


def tour_dir() -> Path:
    """``kb/tour`` under the knowledge-base directory (``$PODTALK_KB`` aware)."""
    from assistant.paths import kb_dir

    return kb_dir() / "tour"


@dataclass(frozen=True)
class Choice:
    """One option of a multiple-choice quiz."""

    text: dict[str, str]
    correct: bool


@dataclass(frozen=True)
class Exercise:
    """A small broken manifest; the right answer is the rule id the inspector reports."""

    rule: str
    prompt: dict[str, str]
    manifest: str
    options: tuple[str, ...]
    hint: dict[str, str]
    explain: dict[str, str]
    namespace: str = "default"

    @property
    def answer_index(self) -> int:
        return self.options.index(self.rule)


@dataclass(frozen=True)
class Quiz:
    """A question checked by rules: ``choice`` (exactly one correct option) or ``text`` (normalised compare)."""

    kind: str
    question: dict[str, str]
    hint: dict[str, str]
    explain: dict[str, str]
    options: tuple[Choice, ...] = ()
    answer: str | None = None
    normalize: str = "text"
    manifest: str | None = None

    @property
    def answer_index(self) -> int:
        """Index of the one correct option (choice quizzes)."""
        return next(i for i, c in enumerate(self.options) if c.correct)


@dataclass(frozen=True)
class Lesson:
    """One step of the tour: explanation, exercise, quiz."""

    id: str
    number: int
    """1-based position in the tour (from the ``NN-`` file prefix, renumbered densely)."""
    title: dict[str, str]
    kb: tuple[str, ...]
    explanation: dict[str, str]
    exercise: Exercise
    quiz: Quiz
    path: Path


@lru_cache(maxsize=1)
def _validator():
    import jsonschema  # only validation needs it

    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def _check_shape(path: Path, data: Any) -> None:
    if not isinstance(data, dict):
        raise KBError(f"{path}: a lesson must be a YAML mapping")
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.path))
    if errors:
        msgs = ["/".join(str(p) for p in e.path) + f": {e.message}" for e in errors[:5]]
        raise KBError(f"{path}: invalid lesson: " + "; ".join(msgs))
    ex, quiz = data["exercise"], data["quiz"]
    if ex["rule"] not in ex["options"]:
        raise KBError(f"{path}: exercise.options must include the rule {ex['rule']!r}")
    if quiz["kind"] == "choice":
        if "options" not in quiz or "answer" in quiz:
            raise KBError(f"{path}: a choice quiz needs options (and no answer)")
        n_right = sum(1 for o in quiz["options"] if o.get("correct"))
        if n_right != 1:
            raise KBError(f"{path}: a choice quiz needs exactly one correct option, found {n_right}")
        for lang in LANGS:
            texts = [o[lang].strip().casefold() for o in quiz["options"]]
            if len(set(texts)) != len(texts):
                raise KBError(f"{path}: quiz options repeat in {lang}")
    else:
        if "answer" not in quiz or "normalize" not in quiz or "options" in quiz:
            raise KBError(f"{path}: a text quiz needs answer and normalize (and no options)")


def _lesson_from(path: Path, number: int, data: dict[str, Any]) -> Lesson:
    ex, q = data["exercise"], data["quiz"]
    exercise = Exercise(rule=ex["rule"], prompt=ex["prompt"], manifest=ex["manifest"],
                        options=tuple(ex["options"]), hint=ex["hint"], explain=ex["explain"],
                        namespace=ex.get("namespace", "default"))
    quiz = Quiz(kind=q["kind"], question=q["question"], hint=q["hint"], explain=q["explain"],
                options=tuple(Choice({k: o[k] for k in LANGS}, bool(o.get("correct"))) for o in q.get("options", ())),
                answer=q.get("answer"), normalize=q.get("normalize", "text"), manifest=q.get("manifest"))
    return Lesson(id=data["id"], number=number, title=data["title"], kb=tuple(data["kb"]),
                  explanation=data["explanation"], exercise=exercise, quiz=quiz, path=path)


def load_lessons(root: Path | None = None) -> list[Lesson]:
    """Every lesson under ``root`` (default ``kb/tour``), in tour order; raises ``KBError`` on a bad file."""
    root = Path(root) if root else tour_dir()
    return list(_load(str(root)))


@lru_cache(maxsize=4)
def _load(root: str) -> tuple[Lesson, ...]:
    folder = Path(root)
    if not folder.is_dir():
        raise KBError(f"{folder}: tour lessons not found")
    files = sorted(p for p in folder.glob("*.yaml"))
    lessons: list[Lesson] = []
    seen_ids: set[str] = set()
    seen_prefix: set[str] = set()
    for path in files:
        m = _FILE_RE.match(path.name)
        if not m:
            raise KBError(f"{path}: lesson files are named NN-<id>.yaml")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise KBError(f"{path}: cannot read lesson: {exc}") from None
        _check_shape(path, data)
        if m.group(2) != data["id"]:
            raise KBError(f"{path}: file name must end with the lesson id ({data['id']}.yaml)")
        if data["id"] in seen_ids or m.group(1) in seen_prefix:
            raise KBError(f"{path}: duplicate lesson id or number")
        seen_ids.add(data["id"])
        seen_prefix.add(m.group(1))
        lessons.append(_lesson_from(path, len(lessons) + 1, data))
    if not lessons:
        raise KBError(f"{folder}: no lessons")
    return tuple(lessons)


def audit_lessons(lessons: list[Lesson], kb: Any = None) -> list[str]:
    """Cross-checks that need the KB and the inspector; returns one message per problem (empty: all good).

    - every ``kb`` id names an existing KB entry;
    - every exercise/option rule id exists in ``kb/rules.yaml``;
    - the inspector reports the exercise's rule for its manifest, and none of the distractor options;
    - a text quiz with a manifest: the inspector derives the answer (DNS name in ``dns``, variable in ``env``).
    """
    from assistant.inspection import inspect_text
    from assistant.inspection.catalog import load_catalog

    from assistant.tour.checking import normalize

    if kb is None:
        from assistant.knowledge import load_kb

        kb = load_kb()
    catalog = load_catalog()
    problems: list[str] = []
    for lesson in lessons:
        where = lesson.path.name
        for kid in lesson.kb:
            if kid not in kb.by_id:
                problems.append(f"{where}: unknown KB entry id {kid!r}")
        ex = lesson.exercise
        for rid in ex.options:
            if rid not in catalog:
                problems.append(f"{where}: unknown rule id {rid!r}")
        reported = {f.rule for f in inspect_text(ex.manifest, namespace=ex.namespace).findings}
        if ex.rule not in reported:
            problems.append(f"{where}: the exercise manifest does not trigger {ex.rule} (reported: {sorted(reported)})")
        for rid in ex.options:
            if rid != ex.rule and rid in reported:
                problems.append(f"{where}: distractor {rid} is also reported, so it is not wrong")
        quiz = lesson.quiz
        if quiz.kind == "text" and quiz.manifest and quiz.normalize in ("dns", "env"):
            report = inspect_text(quiz.manifest)
            if quiz.normalize == "dns":
                derived = {normalize(n, "dns") for n in report.dns}
            else:
                derived = {normalize(v, "env") for names in report.env.values() for v in names}
            if normalize(quiz.answer or "", quiz.normalize) not in derived:
                problems.append(f"{where}: quiz answer {quiz.answer!r} is not what the inspector derives")
    return problems
