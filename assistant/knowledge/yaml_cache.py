"""YAML data files (KB entries, glossary, scope, rules, lessons) parsed once, remembered by content.

Why: a cold ``podtalk ask`` spent ~0.14 s parsing the same ~100 YAML files it parsed last time. Reading
the bytes and hashing them costs a few milliseconds, so the parsed value is stored in one binary file
in the cache directory under the BLAKE2 digest of the file's bytes (records are decoded one at a time,
when used, each checked against its own checksum): a changed file has a new digest and
is parsed again (the cache can never serve stale data), an unchanged one is read back as JSON (no code
runs on load). Values JSON cannot hold exactly (dates, non-string keys) are simply not stored. The
store carries its own checksum; a damaged, unreadable or unwritable store just means parsing, never an
error. Only safe YAML loaders are used; the store is written at exit, atomically, at most once per process.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import threading
from pathlib import Path
from typing import Any


class YAMLDataError(ValueError):
    """A data file is not valid YAML (the parser's message, with line and column)."""

_MAGIC = b"podtalk-yaml-3\n"
_KEEP = 4000  # digests kept across processes (the KB has ~200 files; old versions age out)
_lock = threading.Lock()
_path: Path | None = None  # fixed when the store is first read: the exit flush writes where it read
_index: dict[str, list[Any]] | None = None  # digest -> [offset, length, record checksum] in _blob
_blob: bytes = b""
_new: dict[str, bytes] = {}  # parsed by this process, as JSON text
_used: set[str] = set()
_dirty = False


def _store_path() -> Path:
    from assistant.paths import cache_dir

    return cache_dir() / "parsed-yaml.bin"


def _record_sum(record: bytes) -> str:
    return hashlib.blake2b(record, digest_size=8).hexdigest()


def _load_index() -> dict[str, list[Any]]:
    """The store's table of contents. Records are decoded one by one, on use: the store holds every
    YAML file podtalk reads (and older versions), and decoding all of it cost ~10 ms per process."""
    global _index, _blob, _path
    if _index is None:
        _index, _blob = {}, b""
        _path = _store_path()
        try:
            raw = _path.read_bytes()
            if raw.startswith(_MAGIC):
                body = raw[len(_MAGIC):]
                head_len = int.from_bytes(body[32:36], "little")
                head = body[36:36 + head_len]
                if hashlib.sha256(head).digest() == body[:32]:
                    index = json.loads(head)
                    if isinstance(index, dict):
                        _index, _blob = index, body[36 + head_len:]
        except (OSError, ValueError, TypeError):
            _index, _blob = {}, b""
    return _index


def _record(key: str) -> bytes | None:
    """The stored JSON text of ``key`` (checked against its own checksum), or None."""
    if key in _new:
        return _new[key]
    where = _load_index().get(key)
    if not (isinstance(where, list) and len(where) == 3):
        return None
    offset, length, checksum = where
    record = _blob[offset:offset + length] if isinstance(offset, int) and isinstance(length, int) else b""
    return record if len(record) == length and _record_sum(record) == checksum else None


def _flush() -> None:
    """Write the store if this process parsed something new (called at exit)."""
    if not _dirty or _index is None or _path is None:
        return
    keys = [k for k in _used if _record(k) is not None]
    keys += [k for k in (*_new, *_index) if k not in _used][: max(0, _KEEP - len(keys))]
    index: dict[str, list[Any]] = {}
    parts: list[bytes] = []
    offset = 0
    for k in dict.fromkeys(keys):
        record = _record(k)
        if record is None:
            continue
        index[k] = [offset, len(record), _record_sum(record)]
        parts.append(record)
        offset += len(record)
    head = json.dumps(index).encode("utf-8")
    from assistant.atomic import atomic_write_bytes

    try:
        atomic_write_bytes(_path, _MAGIC + hashlib.sha256(head).digest() + len(head).to_bytes(4, "little") + head
                           + b"".join(parts))
    except OSError:
        pass  # an unwritable cache: parse again next time


atexit.register(_flush)


def parse_yaml(raw: bytes) -> Any:
    """The value of one YAML document given as bytes (UTF-8), from the store when seen before.

    Raises ``UnicodeDecodeError``, or ``YAMLDataError`` with the parser's message. PyYAML is imported
    only here, when something must really be parsed (its import compiles a large regex: ~30 ms)."""
    global _dirty
    key = hashlib.blake2b(raw, digest_size=16).hexdigest()
    with _lock:
        record = _record(key)
        _used.add(key)
    if record is not None:
        try:
            return json.loads(record)
        except ValueError:  # a bad record: parse instead
            pass
    import yaml

    try:
        data = yaml.load(raw.decode("utf-8"),  # noqa: S506 - a safe loader (C or Python)
                         Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise YAMLDataError(str(exc)) from None
    if _plain(data):
        with _lock:
            _load_index()
            _new[key] = json.dumps(data, ensure_ascii=False).encode("utf-8")
            _dirty = True
    return data


def is_plain_json(value: Any) -> bool:
    """Whether JSON holds ``value`` exactly (str keys; str, int, float, bool, None, lists and dicts)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return True
    if isinstance(value, list):
        return all(is_plain_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_plain_json(v) for k, v in value.items())
    return False


_plain = is_plain_json


def read_yaml(path: Path | str) -> Any:
    """``parse_yaml`` of a file's bytes (``OSError`` when it cannot be read)."""
    return parse_yaml(Path(path).read_bytes())
