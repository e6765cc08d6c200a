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

from assistant.errors import ManifestError, PodtalkError, UsageError

from . import inspect_text
from .catalog import severity_rank
from .parse import Limits
from .report import render_json, render_sarif, render_text

__all__ = ["run", "FORMATS", "FAIL_ON", "parse_size", "max_bytes_from_env"]

FORMATS = ("text", "json", "sarif")
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
            raise ManifestError(f"{source} is {size:,} bytes, over the max_bytes limit of {max_bytes:,} bytes{_RAISE_HINT}")
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
    try:
        limit = max_bytes if max_bytes is not None else max_bytes_from_env()
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
