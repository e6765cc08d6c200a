"""What may reach a terminal: one table of unsafe characters and the functions that remove or escape
them, for every text podtalk prints (answers, questions echoed back, manifest strings, JSON).

A KB text, a pasted question or a manifest value can carry ANSI escapes, C0/C1 controls, bidi
overrides (U+202E, U+200F, U+061C), invisible separators (U+2028, U+FEFF) or lone surrogates: raw on a
terminal they move the cursor, recolour the screen or reorder what the reader sees. As ``rich/control.py``
does for Rich, this module is the single definition; the question cleaner, the CLI and the chat use it.

>>> strip_unsafe("ok\\x1b[31mred\\u202e\\u200f")
'okred'
>>> clean_question("  what\\u2028is\\tDNS\\ufeff ")
'what is DNS'
"""

from __future__ import annotations

import re
import unicodedata

MAX_QUESTION_CHARS = 2000

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x9b[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
                         r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)|\x1b[@-Z\\-_]")
"""CSI, OSC and two-character escape sequences, in their 7-bit and 8-bit (C1) forms."""

UNSAFE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
                          "\ufff9-\ufffb\ud800-\udfff]")
"""Characters never printed raw: C0 controls except tab and newline, DEL and C1 controls, format
characters (zero-width, bidi marks and overrides, U+061C), the line/paragraph separators U+2028/U+2029,
the BOM U+FEFF, interlinear annotation controls and lone surrogates."""

_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]")
# json.dumps escapes C0 itself; the rest of UNSAFE_CHARS survives it


def strip_unsafe(text: str) -> str:
    """``text`` without escape sequences and unsafe characters; tabs and newlines are kept."""
    return UNSAFE_CHARS.sub("", ANSI_ESCAPE.sub("", text))


def clean_question(text: str) -> str:
    """A pasted question made safe to search and echo: escapes and every control/format character
    become spaces, whitespace collapses, the length is capped."""
    text = ANSI_ESCAPE.sub(" ", text)
    text = UNSAFE_CHARS.sub(" ", text)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:MAX_QUESTION_CHARS]


def json_safe(text: str) -> str:
    """``json.dumps(..., ensure_ascii=False)`` output with every unsafe character as a ``\\uXXXX`` escape.

    The decoded JSON is unchanged (a question is reported exactly as asked), but the bytes written to a
    terminal contain no escape sequences, C1 controls, bidi overrides or unencodable surrogates.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
