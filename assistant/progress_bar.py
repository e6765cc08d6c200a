"""One self-updating progress line on a terminal, shared by the shells (``podtalk ask``/``index`` while
the index builds, ``podtalk eval``). A bottom-layer module so the CLI and the eval runner can both use
it without importing each other."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO


def progress_bar(label: str, stream: TextIO | None = None) -> Callable[[int, int], None] | None:
    """A ``(done, total)`` callback drawing one line on a terminal, or None when ``stream`` is not one."""
    stream = stream if stream is not None else sys.stderr
    if not stream.isatty():
        return None

    def report(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return report
