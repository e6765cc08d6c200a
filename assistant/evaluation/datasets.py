"""Read evaluation sets in the contract's formats, with clear errors for malformed files.

A question set is a YAML list of questions (``eval/questions.yaml`` and the others in ``eval/``).
Besides the contract's fields a question may carry, for evaluation only:

- ``url``: the public thread a real question was copied from (``eval/real.yaml``);
- ``symptom: true`` and ``causes: [cause-id, ...]``: a symptom report and its acceptable causes,
  scored as cause hit@1/hit@3 against the answer's ranked causes;
- ``entries: [entry-id, ...]``: acceptable KB entries, scored as entry-level retrieval metrics.

Named sets let ``podtalk eval --questions real`` mean ``eval/real.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant import languages
from assistant.errors import UsageError

OUT_OF_SCOPE = "out-of-scope"

NAMED_SETS: dict[str, str] = {
    "dev": "questions.yaml",
    "heldout": "heldout.yaml",
    "real": "real.yaml",
    "fresh": "fresh.yaml",
}
"""Set name -> file in ``eval/``. ``dev`` is the default and the only one the system is tuned on
(``heldout`` was used for two decisions, see its header)."""


@dataclass
class Question:
    id: str
    lang: str
    question: str
    topics: list[str]
    must_mention: list[list[str]]
    source: str = ""
    url: str = ""
    symptom: bool = False
    causes: list[str] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)

    @property
    def out_of_scope(self) -> bool:
        return self.topics == [OUT_OF_SCOPE]


@dataclass
class QuestionSet:
    name: str
    path: Path
    questions: list[Question]


@dataclass
class ManifestCase:
    name: str
    text: str
    expect: list[str]
    forbid: list[str]
    reach: list[dict[str, Any]] = field(default_factory=list)
    dns: list[str] = field(default_factory=list)
    description: str = ""


def _str_list(value: Any, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError(f"{what} must be a list")
    return [str(v) for v in value]


def _question(item: Any) -> Question:
    if not isinstance(item, dict):
        raise TypeError("expected a mapping")
    mm = item.get("must_mention") or []
    if not isinstance(mm, list):
        raise TypeError("must_mention must be a list")
    lang = str(item["lang"])
    if lang not in languages.codes():
        raise ValueError(f"lang must be one of {', '.join(languages.codes())}, not {lang!r}")
    topics = _str_list(item["topics"], "topics")
    if not topics:
        raise ValueError("topics is empty")
    return Question(
        id=str(item["id"]), lang=lang, question=str(item["question"]), topics=topics,
        must_mention=[[str(a) for a in (alts if isinstance(alts, list) else [alts])] for alts in mm],
        source=str(item.get("source") or ""), url=str(item.get("url") or ""),
        symptom=bool(item.get("symptom", False)), causes=_str_list(item.get("causes"), "causes"),
        entries=_str_list(item.get("entries"), "entries"),
    )


def read_yaml_list(path: Path, what: str = "questions file", not_a_list: str = "expected a list of questions") -> list[Any]:
    """The top-level YAML list of an eval file; unreadable or not a list: a one-line :class:`UsageError`
    (``cannot read <what> <path>: ...`` or ``<path>: <not_a_list>``)."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read {what} {path}: {exc}") from None
    if not isinstance(raw, list):
        raise UsageError(f"{path}: {not_a_list}")
    return raw


def load_questions(path: Path) -> list[Question]:
    raw = read_yaml_list(path)
    out = []
    for i, item in enumerate(raw, start=1):
        try:
            out.append(_question(item))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise UsageError(f"{path}: question #{i} is malformed ({exc})") from None
    ids = [q.id for q in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise UsageError(f"{path}: duplicate question ids {', '.join(dupes[:5])}")
    return out


def resolve_question_sets(specs: list[str] | None, eval_root: Path) -> list[tuple[str, Path]]:
    """``--questions`` values -> (set name, file). Each value is a set name (``dev``, ``real``...),
    a path, or a comma-separated list of either. No value means the dev set."""
    items = [s.strip() for spec in (specs or []) for s in str(spec).split(",") if s.strip()]
    if not items:
        items = ["dev"]
    out: list[tuple[str, Path]] = []
    for item in items:
        if item in NAMED_SETS:
            out.append((item, eval_root / NAMED_SETS[item]))
            continue
        path = Path(item)
        if not path.is_file():
            names = ", ".join(NAMED_SETS)
            raise UsageError(f"questions file not found: {item} (or use a set name: {names})")
        stem = path.stem
        name = next((n for n, f in NAMED_SETS.items() if f == path.name and path.parent.resolve() == eval_root.resolve()),
                    "dev" if stem == "questions" and path.parent.resolve() == eval_root.resolve() else stem)
        out.append((name, path))
    seen: set[str] = set()
    for name, _ in out:
        if name in seen:
            raise UsageError(f"question set {name!r} given twice")
        seen.add(name)
    return out


def load_question_sets(specs: list[str] | None, eval_root: Path) -> list[QuestionSet]:
    return [QuestionSet(name, path, load_questions(path)) for name, path in resolve_question_sets(specs, eval_root)]


def load_manifest_cases(directory: Path) -> list[ManifestCase]:
    directory = Path(directory)
    if not directory.is_dir():
        raise UsageError(f"manifest case directory not found: {directory}")
    cases = []
    for expect_path in sorted(directory.glob("*.expect.yaml")):
        name = expect_path.name[: -len(".expect.yaml")]
        manifest = directory / f"{name}.yaml"
        try:
            spec = yaml.safe_load(expect_path.read_text(encoding="utf-8")) or {}
            text = manifest.read_text(encoding="utf-8", errors="replace")
        except (OSError, yaml.YAMLError) as exc:
            raise UsageError(f"cannot read manifest case {name}: {exc}") from None
        cases.append(ManifestCase(
            name=name, text=text, expect=list(spec.get("expect") or []), forbid=list(spec.get("forbid") or []),
            reach=list(spec.get("reach") or []), dns=list(spec.get("dns") or []),
            description=str(spec.get("description") or ""),
        ))
    return cases
