"""The diagnosis code's words in each language (``templates/<folder>/strings.yaml``).

Why a file per language: the sources heading, the weak-evidence note and the names of pasted command
outputs are wording, and a language is a registry row (:mod:`assistant.languages`) plus its folder of
templates and strings, not edits in the modules that print them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant import languages
from assistant.knowledge.yaml_cache import read_yaml

TEMPLATE_DIR = Path(__file__).with_name("templates")


@lru_cache(maxsize=8)
def _strings(folder: str) -> dict[str, Any]:
    return read_yaml(TEMPLATE_DIR / folder / "strings.yaml")


def strings(lang: str) -> dict[str, Any]:
    """The diagnosis words in ``lang`` (a registered code)."""
    return _strings(languages.get(lang).templates)


def every_language(key: str, item: str) -> dict[str, str]:
    """``strings(code)[key][item]`` for every registered language: a bilingual label."""
    return {code: strings(code)[key][item] for code in languages.codes()}
