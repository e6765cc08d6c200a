"""``podtalk diagnose FILE|-``: read pasted command output or error text, print the ranked causes.

Input is read like ``podtalk inspect`` reads manifests (same size limit, ``--max-bytes`` /
``PODTALK_MAX_BYTES``): a missing file, a directory, empty, binary or non-UTF-8 input is one line on
stderr and exit code 2. Text output is the diagnosis answer; ``--format json`` is the contract's
``{"clues", "causes", "checks", "answer"}`` object.
"""

from __future__ import annotations

import json
import re
import sys
from typing import IO, Any

from assistant.errors import PodtalkError

FORMATS = ("text", "json")
_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]")


def _json_safe(text: str) -> str:
    """JSON with every character a terminal must not see raw as a ``\\uXXXX`` escape (the same rule as
    ``ask --format json``; this layer may not import the answering package)."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise PodtalkError("input looks binary (it contains NUL bytes), not command output or error text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PodtalkError(f"input is not UTF-8 text (byte {exc.start}); paste command output or error text") from None


def run(source: str, *, fmt: str = "text", lang: str = "auto", stdin: IO | None = None, stdout: IO | None = None,
        stderr: IO | None = None, max_bytes: int | None = None, retriever: Any = None) -> int:
    """Diagnose ``source`` (a path or ``-``) and write the result; returns the exit code."""
    from assistant.inspection.command import _read, max_bytes_from_env

    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    if fmt not in FORMATS:
        print(f"podtalk diagnose: unknown --format {fmt!r} (choose {', '.join(FORMATS)})", file=stderr)
        return 2
    try:
        limit = max_bytes if max_bytes is not None else max_bytes_from_env()
        data = _read(source, stdin, limit)
        text = _decode(data)
    except PodtalkError as exc:
        message = str(exc).replace("pipe a manifest in, e.g. `kubectl get deploy,svc,netpol -o yaml | podtalk inspect -`",
                                   "pipe command output in, e.g. `kubectl describe svc web | podtalk diagnose -`")
        print(f"podtalk diagnose: {message}", file=stderr)
        return 2
    from assistant.diagnosis.ask import clean_paste
    from assistant.diagnosis.compose import compose_diagnosis
    from assistant.diagnosis.diagnose import Diagnoser
    from assistant.knowledge.loader import load_kb
    from assistant.retrieval.text import detect_lang

    text = clean_paste(text)
    if not text:
        print("podtalk diagnose: the input is empty after removing control characters", file=stderr)
        return 2
    q_lang = detect_lang(text)
    out_lang = q_lang if lang in ("auto", "", None) else lang
    kb = load_kb()
    if retriever is None:
        from assistant.retrieval.retriever import Retriever

        retriever = Retriever(kb)
    diagnoser = Diagnoser(retriever=retriever)
    d = diagnoser.diagnose(text, q_lang)
    answer = compose_diagnosis(d, diagnoser.catalog, kb, out_lang, interactive=False) if d.top is not None else ""
    if fmt == "json":
        stdout.write(_json_safe(json.dumps(d.to_dict(answer), ensure_ascii=False, indent=2)) + "\n")
    else:
        if not d.confident:
            from assistant import languages
            from assistant.diagnosis.wording import strings

            stdout.write(strings(languages.resolve(out_lang))["weak_evidence"] + "\n\n")
        stdout.write(answer.rstrip() + "\n")
    stdout.flush()
    return 0
