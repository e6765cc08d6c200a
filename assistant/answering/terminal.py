"""Print an answer in a terminal: Markdown via Rich on a TTY (never colour with NO_COLOR), plain text otherwise."""

from __future__ import annotations

import os
from typing import Any, TextIO


def render_answer(ans: Any, out: TextIO) -> None:
    tty = hasattr(out, "isatty") and out.isatty()
    notes = []
    if ans.degraded:
        notes.append("(degraded: lexical retrieval only; " + (ans.degraded_reason or "model unavailable") + ")")
    if tty and not os.environ.get("NO_COLOR"):
        from rich.console import Console
        from rich.markdown import Markdown

        console = Console(file=out)
        for n in notes:
            console.print(n, style="yellow")
        console.print(Markdown(ans.answer))
        return
    for n in notes:
        out.write(n + "\n")
    out.write(ans.answer.rstrip() + "\n\n")
