"""``podtalk inspect FILE|-``: read a manifest, print a report, return the exit code.

The CLI calls :func:`run`; it never raises for bad input. Exit codes follow the contract:
0 clean, 1 when a finding at or above ``fail_on`` is reported, 2 when the input cannot be read
(missing file, a directory, unreadable, empty stdin, too large, binary) or an option is wrong.
Colour is used only when stdout is a terminal and ``NO_COLOR`` is unset.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO, Any

from assistant.errors import ManifestError, PodtalkError

from . import inspect_text
from .catalog import severity_rank
from .parse import Limits
from .report import render_json, render_sarif, render_text

__all__ = ["run", "FORMATS", "FAIL_ON"]

FORMATS = ("text", "json", "sarif")
FAIL_ON = ("error", "warning", "info", "never")


def _read(source: str, stdin: Any, max_bytes: int) -> bytes:
    if source == "-":
        buffer = getattr(stdin, "buffer", None)
        if buffer is not None:
            data = buffer.read(max_bytes + 1)
        else:
            text = stdin.read(max_bytes + 1)
            data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
        if len(data) > max_bytes:
            raise ManifestError(f"stdin is larger than the max_bytes limit of {max_bytes:,} bytes")
        if not data or not data.strip():
            raise PodtalkError("nothing on stdin: pipe a manifest in, e.g. `kubectl get deploy,svc,netpol -o yaml "
                               "| podtalk inspect -`")
        return data
    path = Path(source)
    if not path.exists():
        raise PodtalkError(f"{source}: no such file")
    if path.is_dir():
        raise PodtalkError(f"{source}: is a directory; pass a manifest file (or - for stdin)")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ManifestError(f"{source} is {size:,} bytes, over the max_bytes limit of {max_bytes:,} bytes")
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as exc:
        raise PodtalkError(f"{source}: cannot read ({exc.strerror or exc})") from None


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
        stderr: IO | None = None, max_bytes: int | None = None) -> int:
    """Inspect ``source`` (a path or ``-``) and write the report; returns the exit code."""
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    if fmt not in FORMATS:
        print(f"podtalk inspect: unknown --format {fmt!r} (choose {', '.join(FORMATS)})", file=stderr)
        return 2
    if fail_on not in FAIL_ON:
        print(f"podtalk inspect: unknown --fail-on {fail_on!r} (choose {', '.join(FAIL_ON)})", file=stderr)
        return 2
    limit = max_bytes if max_bytes is not None else Limits().max_bytes
    try:
        data = _read(source, stdin, limit)
        report = inspect_text(data, namespace=namespace, cluster_domain=cluster_domain, max_bytes=limit)
    except PodtalkError as exc:
        print(f"podtalk inspect: {exc}", file=stderr)
        return 2
    if fmt == "json":
        output = render_json(report) + "\n"
    elif fmt == "sarif":
        output = render_sarif(report, uri="stdin" if source == "-" else source) + "\n"
    else:
        output = render_text(report, color=_wants_color(stdout))
    stdout.write(output)
    stdout.flush()
    if fail_on == "never":
        return 0
    threshold = severity_rank(fail_on)
    return 1 if any(severity_rank(f.severity) >= threshold for f in report.findings) else 0


if __name__ == "__main__":  # manual testing: python -m assistant.inspection.command FILE [format] [fail-on]
    args = sys.argv[1:] or ["-"]
    sys.exit(run(args[0], fmt=args[1] if len(args) > 1 else "text",
                 fail_on=args[2] if len(args) > 2 else "error"))
