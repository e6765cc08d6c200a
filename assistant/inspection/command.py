"""``podtalk inspect FILE|-``: read a manifest, print a report, return the exit code.

The CLI calls :func:`run`, which returns :data:`~assistant.errors.EXIT_OK` or
:data:`~assistant.errors.EXIT_FINDINGS` (a finding at or above ``fail_on``). Input that cannot be
read (missing file, a directory, unreadable, empty stdin, too large, binary) raises
:class:`~assistant.errors.ManifestError` and a wrong option :class:`~assistant.errors.UsageError`;
the CLI's one error boundary turns them into a line on stderr and exit code 2. Colour is used only
when stdout is a terminal and ``NO_COLOR`` is unset.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TextIO

from assistant.errors import EXIT_FINDINGS, EXIT_OK, ManifestError, UsageError

from . import inspect_text
from .catalog import severity_rank
from .parse import Limits
from .report import render_json, render_sarif, render_text
from .view import ReachFilter

__all__ = ["run", "FORMATS", "FAIL_ON", "parse_size", "max_bytes_from_env", "StageBar"]

FORMATS = ("text", "json", "sarif", "dot", "html")
FAIL_ON = ("error", "warning", "info", "never")


_RAISE_HINT = " (raise it with --max-bytes N or PODTALK_MAX_BYTES=N)"
MAX_BYTES_ENV = "PODTALK_MAX_BYTES"


def max_bytes_from_env() -> int:
    """The input size limit: ``$PODTALK_MAX_BYTES`` (plain bytes, or with a K/M/G suffix) or the default."""
    raw = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not raw:
        return Limits().max_bytes
    return parse_size(raw, MAX_BYTES_ENV)


def parse_size(raw: str, what: str = "--max-bytes") -> int:
    """``10485760``, ``10M``, ``512k``, ``1G`` -> bytes; anything else is a usage error naming ``what``."""
    text = str(raw).strip().lower().removesuffix("b").removesuffix("i")
    factor = 1
    if text[-1:] in ("k", "m", "g"):
        factor = 1024 ** ("kmg".index(text[-1]) + 1)
        text = text[:-1]
    try:
        value = int(text) * factor
    except ValueError:
        value = 0
    if value <= 0:
        raise UsageError(f"{what} must be a positive number of bytes (e.g. 20000000 or 20M), not {raw!r}")
    return value


def _read(source: str, stdin: Any, max_bytes: int) -> bytes:
    if source == "-":
        buffer = getattr(stdin, "buffer", None)
        if buffer is not None:
            data = buffer.read(max_bytes + 1)
        else:
            text = stdin.read(max_bytes + 1)
            data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
        if len(data) > max_bytes:
            raise ManifestError(f"stdin is larger than the max_bytes limit of {max_bytes:,} bytes{_RAISE_HINT}")
        if not data or not data.strip():
            raise ManifestError("nothing on stdin: pipe a manifest in, e.g. `kubectl get deploy,svc,netpol -o yaml "
                               "| podtalk inspect -`")
        return data
    path = Path(source)
    if not path.exists():
        raise ManifestError(f"{source}: no such file")
    if path.is_dir():
        raise ManifestError(f"{source}: is a directory; pass a manifest file (or - for stdin)")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ManifestError(f"{source} is {size:,} bytes, over the max_bytes limit of {max_bytes:,} bytes{_RAISE_HINT}")
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as exc:
        raise ManifestError(f"{source}: cannot read ({exc.strerror or exc})") from None


class StageBar:
    """The progress line of a big inspection on a terminal's stderr:
    ``podtalk: inspecting · reach [########......] 4,500/90,000``, redrawn in place and erased when
    the report is written, so the report starts on a clean line.

    Why it waits :data:`SHOW_AFTER_S` before drawing: most bundles take a few milliseconds, and a bar
    flashing on every ``podtalk inspect`` would be noise; only one that keeps you waiting shows it.
    """

    SHOW_AFTER_S = 0.3
    EVERY_S = 0.1
    WIDTH = 30

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.started = clock()
        self.drawn = False
        self._last = 0.0

    @classmethod
    def for_terminal(cls, stream: TextIO | None = None) -> StageBar | None:
        """A bar on ``stream`` (stderr by default) when it is a terminal, else None (pipes, CI logs)."""
        stream = stream if stream is not None else sys.stderr
        try:
            return cls(stream) if stream.isatty() else None
        except (ValueError, OSError, AttributeError):
            return None

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        if now - self.started < self.SHOW_AFTER_S or (now - self._last < self.EVERY_S and 0 < done < total):
            return
        self._last = now
        filled = min(self.WIDTH, int(self.WIDTH * done / total)) if total else self.WIDTH
        self.stream.write(f"\rpodtalk: inspecting · {stage:<5} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                          f"{done:,}/{total:,}\x1b[K")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """Erase the line (if one was drawn)."""
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False


def _wants_color(stdout: Any) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stdout, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):
        return False


def run(source: str, *, fmt: str = "text", fail_on: str = "error", namespace: str = "default",
        cluster_domain: str = "cluster.local", stdin: IO | None = None, stdout: IO | None = None,
        max_bytes: int | None = None, reach_filter: ReachFilter | None = None,
        progress: Callable[[str, int, int], None] | None = None) -> int:
    """Inspect ``source`` (a path or ``-``) and write the report; returns the exit code.

    ``reach_filter`` narrows the reach rows of every format (``--from/--to/--port/--denied``).
    ``progress(stage, done, total)`` follows a big inspection (the CLI passes a :class:`StageBar`,
    which is erased before the report is written).
    Raises :class:`~assistant.errors.PodtalkError` subclasses for bad options and unreadable input.
    """
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    if fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r} (choose {', '.join(FORMATS)})")
    if fail_on not in FAIL_ON:
        raise UsageError(f"unknown --fail-on {fail_on!r} (choose {', '.join(FAIL_ON)})")
    limit = max_bytes if max_bytes is not None else max_bytes_from_env()
    data = _read(source, stdin, limit)
    try:
        report = inspect_text(data, namespace=namespace, cluster_domain=cluster_domain, max_bytes=limit,
                              progress=progress)
    finally:
        close = getattr(progress, "close", None)
        if close is not None:
            close()
    shown = report
    if reach_filter is not None and reach_filter.active and fmt in ("json", "sarif"):
        from dataclasses import replace

        shown = replace(report, reach=reach_filter.apply(report.reach))
    if fmt == "json":
        output = render_json(shown) + "\n"
    elif fmt == "sarif":
        output = render_sarif(shown, uri="stdin" if source == "-" else source) + "\n"
    elif fmt == "dot":
        from .dot import render_dot

        output = render_dot(report, reach_filter)
    elif fmt == "html":
        from .html_page import render_html

        output = render_html(report, reach_filter=reach_filter)
    else:
        output = render_text(report, color=_wants_color(stdout), reach_filter=reach_filter)
    stdout.write(output)
    stdout.flush()
    if fail_on == "never":
        return EXIT_OK
    threshold = severity_rank(fail_on)
    return EXIT_FINDINGS if any(severity_rank(f.severity) >= threshold for f in report.findings) else EXIT_OK
