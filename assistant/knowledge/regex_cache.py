"""Regular expressions compiled once per Python build and remembered across processes (beside the
YAML cache: both keep the answer path from redoing pure-Python work every run).

Why: a cold ``podtalk ask`` compiles ~600 patterns (entities, diagnosis clues, intents, scope...), and
Python's regex compiler is written in Python: ~60 ms of every cold answer, more than any other single
cost above the numpy/faiss import floor. The compiler's output is a list of integers that the C engine
(``_sre``) turns into a pattern object in microseconds, so the output is stored in the cache directory
and handed straight to ``_sre.compile`` next time.

Correctness guards:
- the store's file name carries a digest of everything the compiled form depends on (the exact Python
  build, the engine's ``MAGIC`` and code size, the Unicode range), so another Python never reads it;
- the store carries its own checksum, and the C engine validates every code list it is given (a
  corrupt one raises, and the pattern is compiled again the ordinary way);
- any failure of the private compiler entry points means the plain ``re.compile``: never an error, and
  the result is always the same pattern object ``re.compile(pattern, flags)`` returns (tested).
Like the other caches, a missing, damaged or unwritable store only costs the compile. The store is
written at exit, atomically, only when this process compiled something new.
"""

from __future__ import annotations

import array
import atexit
import hashlib
import json
import re
import sys
import threading
from pathlib import Path

try:  # the engine and the compiler's two stages (CPython); absent or changed: plain re.compile
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - other Pythons
    _sre = None  # type: ignore[assignment]

_MAGIC = b"podtalk-regex-1\n"
_KEEP = 5000  # patterns kept across processes (podtalk compiles ~600; edited ones age out)
_CODE = "I"  # the engine's code unit (CODESIZE 4 bytes), checked before use
_lock = threading.Lock()
_store: dict[tuple[str, int], tuple[int, int, dict[str, int], list[int] | array.array]] | None = None
_path: Path | None = None
_used: set[tuple[str, int]] = set()
_dirty = False


def _usable() -> bool:
    return (_sre is not None and getattr(_sre, "CODESIZE", 0) == array.array(_CODE).itemsize
            and hasattr(_parser, "parse") and hasattr(_compiler, "_code"))


def _build_id() -> str:
    """What the compiled form depends on: the exact interpreter build and the engine's version."""
    ident = f"{sys.version}|{sys.implementation.cache_tag}|{_sre.MAGIC}|{_sre.CODESIZE}|{sys.maxunicode}"
    return hashlib.blake2b(ident.encode(), digest_size=8).hexdigest()


def _store_path() -> Path:
    from assistant.paths import cache_dir

    return cache_dir() / f"regex-{_build_id()}.bin"


def _load_store() -> dict[tuple[str, int], tuple[int, int, dict[str, int], list[int] | array.array]]:
    """The remembered patterns: (pattern, flags) -> (engine flags, groups, group index, code)."""
    global _store, _path
    if _store is None:
        _store = {}
        _path = _store_path()
        try:
            raw = _path.read_bytes()
            if raw.startswith(_MAGIC):
                digest, payload = raw[len(_MAGIC):len(_MAGIC) + 32], raw[len(_MAGIC) + 32:]
                if hashlib.sha256(payload).digest() == digest:
                    _store = _decode(payload)
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            _store = {}
    return _store


def _decode(payload: bytes) -> dict[tuple[str, int], tuple[int, int, dict[str, int], list[int] | array.array]]:
    head_len = int.from_bytes(payload[:4], "little")
    head = json.loads(payload[4:4 + head_len])
    codes = array.array(_CODE)
    codes.frombytes(payload[4 + head_len:])
    out = {}
    for pattern, flags, engine_flags, groups, groupindex, start, length in head:
        # each code stays a compact array until its pattern is used (most processes use a few hundred)
        out[(pattern, flags)] = (engine_flags, groups, groupindex, codes[start:start + length])
    return out


def _encode(store: dict[tuple[str, int], tuple[int, int, dict[str, int], list[int] | array.array]]) -> bytes:
    head, codes = [], array.array(_CODE)
    for (pattern, flags), (engine_flags, groups, groupindex, code) in store.items():
        head.append([pattern, flags, engine_flags, groups, groupindex, len(codes), len(code)])
        codes.extend(code)
    head_bytes = json.dumps(head, ensure_ascii=False).encode("utf-8")
    return len(head_bytes).to_bytes(4, "little") + head_bytes + codes.tobytes()


def _flush() -> None:
    """Write the store if this process compiled something new (called at exit)."""
    if not _dirty or _store is None or _path is None:
        return
    keep = {k: _store[k] for k in _used if k in _store}
    for k, v in _store.items():
        if len(keep) >= _KEEP:
            break
        keep.setdefault(k, v)
    payload = _encode(keep)
    from assistant.atomic import atomic_write_bytes

    try:
        atomic_write_bytes(_path, _MAGIC + hashlib.sha256(payload).digest() + payload)
    except OSError:
        pass  # an unwritable cache: compile again next time


atexit.register(_flush)


def _engine_pattern(pattern: str, record: tuple[int, int, dict[str, int], list[int] | array.array]) -> re.Pattern[str]:
    engine_flags, groups, groupindex, code = record
    indexgroup: list[str | None] = [None] * (groups + 1)
    for name, i in groupindex.items():
        indexgroup[i] = name
    return _sre.compile(pattern, engine_flags, code if isinstance(code, list) else code.tolist(), groups,
                        groupindex, tuple(indexgroup))


def compile(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:  # noqa: A001 - re.compile's name
    """``re.compile(pattern, flags)``, from the store when this Python compiled it before."""
    global _dirty
    flags = int(flags)
    if not isinstance(pattern, str) or flags & re.DEBUG or not _usable():
        return re.compile(pattern, flags)
    key = (pattern, flags)
    with _lock:
        record = _load_store().get(key)
        _used.add(key)
    if record is not None:
        try:
            return _engine_pattern(pattern, record)
        except (RuntimeError, TypeError, ValueError, OverflowError):  # the engine refused the code
            pass
    try:
        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        record = (flags | parsed.state.flags, parsed.state.groups - 1, dict(parsed.state.groupdict), list(code))
        compiled = _engine_pattern(pattern, record)
    except re.error:
        raise
    except Exception:  # noqa: BLE001 - the private compiler changed: the public one still works
        return re.compile(pattern, flags)
    with _lock:
        _load_store()[key] = record
        _dirty = True
    return compiled


def compile_all(patterns: list[str], flags: int | re.RegexFlag = 0) -> list[re.Pattern[str]]:
    """``compile`` of each pattern, in order."""
    return [compile(p, flags) for p in patterns]

