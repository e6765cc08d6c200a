"""The languages podtalk answers in: one registry, so a new language is data plus this module.

Every bilingual text in the KB, the tour and the rule catalogue is a mapping keyed by a language
``code``; the answer and diagnosis templates live in a folder named by ``templates``; UI string
catalogues (``assistant/tour/strings.yaml``) are keyed by ``strings``. Code that needs "every language"
iterates :func:`codes` (read at call time, so a test can register a made-up language), and code that
needs "the language of this text" calls :func:`detect`.

This module sits at the bottom layer (it imports nothing from podtalk) so the loader, retrieval,
the shells and the answering layers can all use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Language", "LANGUAGES", "DEFAULT", "codes", "get", "resolve", "detect", "normalize",
           "joins_without_spaces", "unspaced"]


@dataclass(frozen=True)
class Language:
    """One supported language and the names its data goes by."""

    code: str
    """The key of this language in every bilingual text (``title: {en: ..., zh: ...}``)."""
    name: str
    """Display name in English (``--help``, reports)."""
    native_name: str
    """Display name in the language itself (a language switcher)."""
    script: re.Pattern[str] | None
    """Characters that mark a text as written in this language; ``None`` for the fallback language,
    which is chosen when no other language's script occurs (engineers mix English terms into
    Chinese questions, so any Chinese character makes a question Chinese)."""
    templates: str
    """Folder of this language under ``answering/templates`` and ``diagnosis/templates``."""
    strings: str
    """Key of this language in UI string catalogues (``tour/strings.yaml``)."""
    list_separator: str = ", "
    """Between items of an inline list (``a, b`` / ``a、b``)."""
    spaced: bool = True
    """Whether words are separated by spaces; if not, the spaces YAML folding leaves between two
    characters of a line break are removed on load (``在每个节点 上`` -> ``在每个节点上``)."""
    chars_per_word: int = 1
    """For a language written without spaces: how many of its script's characters count as one word
    (the definition-length budget of ``answering/compose.py``)."""
    segmenter: str = "words"
    """How BM25 splits this language's text (``assistant/retrieval/text.py`` ``SEGMENTERS``): ``words``
    for a spaced language (stemmed words), ``jieba`` for Chinese (dictionary segmentation of the
    script's runs). Retrieval tokenises a text with the segmenter of the fallback language and of
    every language whose script it contains."""

    def detects(self, text: str) -> bool:
        """Whether ``text`` contains this language's script (always False for the fallback)."""
        return bool(self.script and self.script.search(text))


ENGLISH = Language(code="en", name="English", native_name="English", script=None,
                   templates="en", strings="en")
CHINESE = Language(code="zh", name="Chinese", native_name="中文",
                   script=re.compile(r"[\u3400-\u9fff\uf900-\ufaff]"),
                   templates="zh", strings="zh", list_separator="、", spaced=False, chars_per_word=2,
                   segmenter="jieba")

LANGUAGES: tuple[Language, ...] = (ENGLISH, CHINESE)
"""Every supported language, the fallback (default) first."""
DEFAULT = "en"
"""The language of a text in no other language's script, and of anything unspecified."""


def codes() -> tuple[str, ...]:
    """Every supported language code, in registry order (``("en", "zh")``)."""
    return tuple(lang.code for lang in LANGUAGES)


def get(code: str) -> Language:
    """The registered language ``code``; ``KeyError`` naming the known codes if there is none."""
    for lang in LANGUAGES:
        if lang.code == code:
            return lang
    raise KeyError(f"unknown language {code!r} (known: {', '.join(codes())})")


def resolve(code: str | None) -> str:
    """``code`` if it is a registered language, else ``DEFAULT`` (``auto``, empty, unknown)."""
    return code if code and any(lang.code == code for lang in LANGUAGES) else DEFAULT


def detect(text: str) -> str:
    """The code of the first registered language whose script ``text`` contains, else ``DEFAULT``."""
    for lang in LANGUAGES:
        if lang.detects(text):
            return lang.code
    return DEFAULT


def normalize(value: str | None) -> str:
    """A registered code for a locale-ish value (``zh_CN.UTF-8``, ``zh-Hans``, ``EN``); ``DEFAULT``
    for anything else."""
    value = str(value or "").strip().lower()
    for lang in LANGUAGES:
        if value.startswith(lang.code):
            return lang.code
    return DEFAULT


def joins_without_spaces(code: str) -> bool:
    """Whether ``code`` is a registered language written without spaces between words."""
    return any(lang.code == code and not lang.spaced for lang in LANGUAGES)


def unspaced() -> tuple[Language, ...]:
    """The registered languages written without spaces that have a script (words counted by character)."""
    return tuple(lang for lang in LANGUAGES if not lang.spaced and lang.script is not None)
