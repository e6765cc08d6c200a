"""Read evaluation sets in the contract's formats, with clear errors for malformed files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import UsageError

OUT_OF_SCOPE = "out-of-scope"


@dataclass
class Question:
    id: str
    lang: str
    question: str
    topics: list[str]
    must_mention: list[list[str]]
    source: str = ""

    @property
    def out_of_scope(self) -> bool:
        return self.topics == [OUT_OF_SCOPE]


@dataclass
class ManifestCase:
    name: str
    text: str
    expect: list[str]
    forbid: list[str]
    reach: list[dict[str, Any]] = field(default_factory=list)
    dns: list[str] = field(default_factory=list)
    description: str = ""


def load_questions(path: Path) -> list[Question]:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read questions file {path}: {exc}") from None
    if not isinstance(raw, list):
        raise UsageError(f"{path}: expected a list of questions")
    out = []
    for i, item in enumerate(raw, start=1):
        try:
            mm = item.get("must_mention") or []
            out.append(Question(
                id=str(item["id"]), lang=str(item["lang"]), question=str(item["question"]),
                topics=[str(t) for t in item["topics"]],
                must_mention=[[str(a) for a in (alts if isinstance(alts, list) else [alts])] for alts in mm],
                source=str(item.get("source") or ""),
            ))
        except (KeyError, TypeError, AttributeError) as exc:
            raise UsageError(f"{path}: question #{i} is malformed ({exc})") from None
    return out


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
