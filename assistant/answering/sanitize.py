"""Make a pasted question safe to search and to echo: no control characters or ANSI escapes, bounded length."""

from __future__ import annotations

import re
import unicodedata

MAX_QUESTION_CHARS = 2000
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


def clean_question(text: str) -> str:
    """Strip ANSI escapes and control characters, collapse whitespace, cap the length."""
    text = _ANSI.sub(" ", text)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:MAX_QUESTION_CHARS]
