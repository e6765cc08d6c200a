"""Load and validate the tour's lessons (``kb/tour/NN-<id>.yaml``).

A lesson is data: a bilingual explanation with a terminal diagram and a minimal correct example,
one manifest exercise (the learner names the rule ``podtalk inspect`` reports, then fixes the
manifest), one quiz (multiple choice, a typed answer, or a reachability question) and an optional
lab block. :func:`load_lessons` checks each file's shape on load, so a broken lesson is reported
with its file name; the slower cross-checks against the KB and the inspector live in
:mod:`assistant.tour.audit`.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant import languages
from assistant.errors import KBError
from assistant.knowledge.loader import every_language
from assistant.tour.model import LANGS, Choice, Example, Exercise, Lab, Lesson, Quiz

__all__ = ["Lesson", "Exercise", "Quiz", "Choice", "LANGS", "load_lessons", "tour_dir", "lesson_from_data"]

SCHEMA_PATH = Path(__file__).with_name("lesson.schema.json")
_FILE_RE = re.compile(r"^(\d{2})-([a-z0-9][a-z0-9-]*)\.yaml$")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster start-up


def tour_dir() -> Path:
    """``kb/tour`` under the knowledge-base directory (``$PODTALK_KB`` aware)."""
    from assistant.paths import kb_dir

    return kb_dir() / "tour"


def _validator():
    """The lesson schema, requiring every registered language wherever the file requires ``en``."""
    return _validator_for(languages.codes())


@lru_cache(maxsize=1)
def _validator_for(langs: tuple[str, ...]):
    import jsonschema  # only validation needs it

    return jsonschema.Draft202012Validator(every_language(json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))))


def _check_shape(path: Path, data: Any) -> None:
    if not isinstance(data, dict):
        raise KBError(f"{path}: a lesson must be a YAML mapping")
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.path))
    if errors:
        msgs = ["/".join(str(p) for p in e.path) + f": {e.message}" for e in errors[:5]]
        raise KBError(f"{path}: invalid lesson: " + "; ".join(msgs))
    ex, quiz = data["exercise"], data["quiz"]
    if ("rule" in ex) == ("rules" in ex):
        raise KBError(f"{path}: an exercise has either rule or rules")
    rules = [ex["rule"]] if "rule" in ex else ex["rules"]
    missing = [r for r in rules if r not in ex["options"]]
    if missing:
        raise KBError(f"{path}: exercise.options must include {missing}")
    unexplained = [r for r in ex["options"] if r not in rules and r not in ex["why_not"]]
    if unexplained:
        raise KBError(f"{path}: exercise.why_not must explain every distractor; missing {unexplained}")
    if quiz["kind"] == "choice":
        if "options" not in quiz or "answer" in quiz:
            raise KBError(f"{path}: a choice quiz needs options (and no answer)")
        n_right = sum(1 for o in quiz["options"] if o.get("correct"))
        if n_right != 1:
            raise KBError(f"{path}: a choice quiz needs exactly one correct option, found {n_right}")
        if any("why" not in o for o in quiz["options"] if not o.get("correct")):
            raise KBError(f"{path}: every wrong quiz option needs a why")
        for lang in languages.codes():
            texts = [o[lang].strip().casefold() for o in quiz["options"]]
            if len(set(texts)) != len(texts):
                raise KBError(f"{path}: quiz options repeat in {lang}")
    elif quiz["kind"] == "text":
        if "answer" not in quiz or "normalize" not in quiz or "options" in quiz:
            raise KBError(f"{path}: a text quiz needs answer and normalize (and no options)")
        if quiz["normalize"] == "dns" and "client_namespace" not in quiz:
            raise KBError(f"{path}: a dns quiz needs client_namespace (where the lookup happens)")
    else:
        if not all(k in quiz for k in ("from", "to", "port", "manifest")) or "options" in quiz or "answer" in quiz:
            raise KBError(f"{path}: a reach quiz needs manifest, from, to and port (and no options or answer)")


def lesson_from_data(path: Path, number: int, data: dict[str, Any]) -> Lesson:
    """Build a :class:`Lesson` from validated YAML data."""
    ex, q = data["exercise"], data["quiz"]
    rules = (ex["rule"],) if "rule" in ex else tuple(ex["rules"])
    exercise = Exercise(rules=rules, prompt=ex["prompt"], manifest=ex["manifest"], options=tuple(ex["options"]),
                        hint=ex["hint"], explain=ex["explain"], fix=ex["fix"], fix_hint=ex["fix_hint"],
                        why_not=dict(ex.get("why_not", {})), namespace=ex.get("namespace", "default"))
    quiz = Quiz(kind=q["kind"], question=q["question"], hint=q["hint"], explain=q["explain"],
                options=tuple(Choice({k: o[k] for k in languages.codes()}, bool(o.get("correct")), o.get("why"))
                              for o in q.get("options", ())),
                answer=q.get("answer"), normalize=q.get("normalize", "text"), manifest=q.get("manifest"),
                client_namespace=q.get("client_namespace"), source=q.get("from"), destination=q.get("to"),
                port=q.get("port"))
    example = Example(data["example"]["caption"], data["example"]["manifest"]) if data.get("example") else None
    lab = Lab(data["lab"]["intro"], tuple(data["lab"]["commands"])) if data.get("lab") else None
    return Lesson(id=data["id"], number=number, title=data["title"], kb=tuple(data["kb"]),
                  explanation=data["explanation"], exercise=exercise, quiz=quiz, path=path,
                  minutes=int(data.get("minutes", 4)), diagram=data.get("diagram", ""), example=example, lab=lab,
                  sources=tuple(data.get("sources", ())), verified=data.get("verified"))


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
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise KBError(f"{path}: cannot read lesson: {exc}") from None
        _check_shape(path, data)
        if m.group(2) != data["id"]:
            raise KBError(f"{path}: file name must end with the lesson id ({data['id']}.yaml)")
        if data["id"] in seen_ids or m.group(1) in seen_prefix:
            raise KBError(f"{path}: duplicate lesson id or number")
        seen_ids.add(data["id"])
        seen_prefix.add(m.group(1))
        lessons.append(lesson_from_data(path, len(lessons) + 1, data))
    if not lessons:
        raise KBError(f"{folder}: no lessons")
    return tuple(lessons)
