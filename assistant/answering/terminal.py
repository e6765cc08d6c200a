"""Print an answer in a terminal: Markdown via Rich on a TTY (never colour with NO_COLOR), plain text otherwise.

Everything printed goes through :func:`assistant.terminal_safety.strip_unsafe` first. On a TTY the answer
is Markdown, where ``<pending>``, ``<svc>.<ns>`` or ``<none>`` would be read as inline HTML and vanish, so
angle brackets outside code are escaped before Rich sees them.
"""

from __future__ import annotations

import os
import re
from typing import Any, TextIO

from assistant.terminal_safety import strip_unsafe

_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.S)


def escape_markup(markdown: str) -> str:
    """``markdown`` with every ``<`` outside code spans and fences backslash-escaped, so Markdown
    renders it as text (``<pending>`` stays visible) instead of dropping it as an HTML tag."""
    parts = _CODE.split(markdown)
    return "".join(part if i % 2 else part.replace("<", "\\<") for i, part in enumerate(parts))


def render_answer(ans: Any, out: TextIO) -> None:
    tty = hasattr(out, "isatty") and out.isatty()
    notes = []
    if ans.degraded:
        notes.append("(degraded: lexical retrieval only; " + (ans.degraded_reason or "model unavailable") + ")")
    text = strip_unsafe(ans.answer)
    if tty and not os.environ.get("NO_COLOR"):
        from rich.console import Console
        from rich.markdown import Markdown

        console = Console(file=out)
        for n in notes:
            console.print(strip_unsafe(n), style="yellow", markup=False)
        console.print(Markdown(escape_markup(text)))
        return
    for n in notes:
        out.write(strip_unsafe(n) + "\n")
    out.write(text.rstrip() + "\n\n")
