"""Rule metadata (severity, title, hint, doc link; English and Chinese) loaded from ``kb/rules.yaml``.

Metadata is data so that the chat UI can show a rule in Chinese and a new rule's wording can
be reviewed without reading code; the functions in ``rules/`` only decide *when* a rule fires.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.errors import KBError

__all__ = ["RuleInfo", "SEVERITIES", "severity_rank", "load_catalog", "rules_path"]

SEVERITIES = ("error", "warning", "info")


def severity_rank(severity: str) -> int:
    """Higher is more severe: error 3, warning 2, info 1."""
    return {"error": 3, "warning": 2, "info": 1}.get(severity, 0)


@dataclass(frozen=True)
class RuleInfo:
    id: str
    severity: str
    title: dict[str, str]
    hint: dict[str, str]
    doc: str

    def text(self, field: str, lang: str = "en") -> str:
        values = getattr(self, field)
        return values.get(lang) or values.get("en", "")


def rules_path() -> Path:
    """``$PODTALK_KB/rules.yaml`` if set, else the repository's ``kb/rules.yaml``."""
    root = os.environ.get("PODTALK_KB")
    return Path(root) / "rules.yaml" if root else Path(__file__).resolve().parents[2] / "kb" / "rules.yaml"


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, RuleInfo]:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KBError(f"cannot read rule metadata {path}: {exc}") from None
    catalog: dict[str, RuleInfo] = {}
    for entry in raw or []:
        try:
            info = RuleInfo(entry["id"], entry["severity"], dict(entry["title"]), dict(entry["hint"]),
                            entry["doc"])
        except (KeyError, TypeError) as exc:
            raise KBError(f"{path}: rule entry {entry!r} lacks {exc}") from None
        if info.severity not in SEVERITIES:
            raise KBError(f"{path}: rule {info.id} has unknown severity {info.severity!r}")
        catalog[info.id] = info
    return catalog


def load_catalog() -> dict[str, RuleInfo]:
    """Rule id -> metadata, in file order."""
    return _load(str(rules_path()))
