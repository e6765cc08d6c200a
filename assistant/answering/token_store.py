"""The answer ranking's token table on disk, read one text at a time.

Why: ranking an answer's facts needs the tokens of a few KB texts and the IDF of fact tokens over the
whole KB. The table of every ranked KB text (~2,400 texts, 1.1 MB of JSON) was decoded whole on every
cold answer (~7 ms), and the IDF recomputed from all of it (~6 ms). This file keeps the IDF as computed
when the table was built, and each text's tokens as a record decoded when asked for (by a digest of
the text), behind a checksummed table of contents. A damaged file reads as missing: the caller
rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
import types
from pathlib import Path
from typing import Any

_MAGIC = b"podtalk-answer-tokens-1\n"


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


class TokenTable:
    """``tokenize(text)`` for the KB texts it was built from (``get`` returns None for any other)."""

    def __init__(self, index: dict[str, list[int]], blob: bytes, idf: dict[str, float] | None) -> None:
        self._index = index
        self._blob = blob
        self._decoded: dict[str, list[str] | None] = {}
        self.idf = idf
        """IDF of fact tokens over the KB, as computed when the table was built (None: not stored)."""

    def get(self, text: str) -> list[str] | None:
        hit = self._decoded.get(text)
        if hit is not None or text in self._decoded:
            return hit
        where = self._index.get(_digest(text))
        tokens = None
        if where is not None:
            start, length = where
            try:
                value = json.loads(self._blob[start:start + length])
                tokens = value if isinstance(value, list) else None
            except ValueError:
                tokens = None
        self._decoded[text] = tokens
        return tokens


def read(path: Path) -> TokenTable | None:
    """The table stored at ``path``, or None when it is missing or damaged."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if not raw.startswith(_MAGIC):
        return None
    body = raw[len(_MAGIC):]
    if hashlib.sha256(body[32:]).digest() != body[:32]:
        return None
    head_len = int.from_bytes(body[32:36], "little")
    try:
        head = json.loads(body[36:36 + head_len])
        index, idf = head["index"], head["idf"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(index, dict) or not (idf is None or isinstance(idf, dict)):
        return None
    return TokenTable(index, body[36 + head_len:], idf)


def write(path: Path, table: dict[str, list[str]], idf: dict[str, float] | None) -> None:
    """Store ``table`` (text -> tokens) and ``idf`` at ``path`` atomically (an unwritable cache is fine)."""
    from assistant.atomic import atomic_write_bytes

    index: dict[str, list[int]] = {}
    parts: list[bytes] = []
    offset = 0
    for text, tokens in table.items():
        record = json.dumps(tokens, ensure_ascii=False).encode("utf-8")
        index[_digest(text)] = [offset, len(record)]
        parts.append(record)
        offset += len(record)
    head = json.dumps({"index": index, "idf": idf}, ensure_ascii=False).encode("utf-8")
    body = len(head).to_bytes(4, "little") + head + b"".join(parts)
    try:
        atomic_write_bytes(path, _MAGIC + hashlib.sha256(body).digest() + body)
    except OSError:
        pass


def code_identity(*functions: Any) -> str:
    """A digest of what the functions compute (their bytecode, names and constants, nested code
    included; not their line numbers): stored results of code that changed are not reused."""
    h = hashlib.sha256()

    def feed(code: types.CodeType) -> None:
        h.update(code.co_code)
        h.update(repr((code.co_names, code.co_varnames, code.co_freevars)).encode())
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                feed(const)
            else:
                h.update(repr(const).encode())

    for f in functions:
        feed(f.__code__)
    return h.hexdigest()[:16]
