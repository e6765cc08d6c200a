"""The chat interface's words, one catalogue per language (``strings/<lang>.yaml``).

Why a catalogue: ``/lang zh`` must change every word the interface says (placeholder, footer,
status bar, toasts, help, list screens), not only the answers; and a third language should be one
more file, not edits in every widget. A key missing from a catalogue falls back to English, so a
partial translation never shows a raw key.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from assistant import languages as registry

STRINGS_DIR = Path(__file__).resolve().parent / "strings"
FALLBACK = registry.DEFAULT


@cache
def catalogue(lang: str) -> dict[str, str]:
    name = registry.get(lang).strings if lang in registry.codes() else lang
    path = STRINGS_DIR / f"{name}.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in data.items()}


def ui_lang(answer_lang: str) -> str:
    """The interface language for an answer-language setting (``auto`` shows English)."""
    return answer_lang if answer_lang in languages() else FALLBACK


@cache
def languages() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in STRINGS_DIR.glob("*.yaml")))


def t(lang: str, key: str, /, **values: Any) -> str:
    """The string ``key`` in ``lang`` (English if missing), formatted with ``values``."""
    text = catalogue(lang).get(key) or catalogue(FALLBACK).get(key) or key
    return text.format(**values) if values else text
