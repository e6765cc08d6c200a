"""Make a pasted question safe to search and to echo: no control characters or ANSI escapes, bounded length."""

from __future__ import annotations

import re
import unicodedata

MAX_QUESTION_CHARS = 2000
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x9b[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
                   r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)|\x1b[@-Z\\-_]")
# characters that must never reach a terminal raw and that json.dumps leaves alone (it escapes C0
# itself): DEL and C1 controls, format characters (bidi overrides...), lone surrogates (undecodable
# argv bytes) and the Unicode line/paragraph separators
_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
                     "\ufff9-\ufffb\ud800-\udfff]")


def clean_question(text: str) -> str:
    """Strip ANSI escapes and control characters, collapse whitespace, cap the length."""
    text = _ANSI.sub(" ", text)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:MAX_QUESTION_CHARS]


def json_safe(text: str) -> str:
    """``json.dumps(..., ensure_ascii=False)`` output with every unsafe character as a ``\\uXXXX`` escape.

    The decoded JSON is unchanged (a question is reported exactly as asked), but the bytes written to a
    terminal contain no escape sequences, C1 controls, bidi overrides or unencodable surrogates.
    """
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
