"""YAML data files (KB entries, glossary, scope, rules, lessons) parsed once, remembered by content.

Why: a cold ``podtalk ask`` spent ~0.14 s parsing the same ~100 YAML files it parsed last time. Reading
the bytes and hashing them costs a few milliseconds, so the parsed value is stored in one binary file
in the cache directory under the BLAKE2 digest of the file's bytes: a changed file has a new digest and
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

_MAGIC = b"podtalk-yaml-2\n"
_KEEP = 4000  # digests kept across processes (the KB has ~200 files; old versions age out)
_lock = threading.Lock()
_store: dict[str, str] | None = None
_path: Path | None = None  # fixed when the store is first read: the exit flush writes where it read
_used: set[str] = set()
_dirty = False


def _store_path() -> Path:
    from assistant.paths import cache_dir

    return cache_dir() / "parsed-yaml.bin"


def _load_store() -> dict[str, str]:
    global _store, _path
    if _store is None:
        _store = {}
        _path = _store_path()
        try:
            raw = _path.read_bytes()
            if raw.startswith(_MAGIC):
                digest, payload = raw[len(_MAGIC):len(_MAGIC) + 32], raw[len(_MAGIC) + 32:]
                if hashlib.sha256(payload).digest() == digest:
                    data = json.loads(payload)
                    if isinstance(data, dict):
                        _store = data
        except (OSError, ValueError, TypeError):
            _store = {}
    return _store


def _flush() -> None:
    """Write the store if this process parsed something new (called at exit)."""
    if not _dirty or _store is None or _path is None:
        return
    keep = {k: _store[k] for k in _used if k in _store}
    for k, v in _store.items():
        if len(keep) >= _KEEP:
            break
        keep.setdefault(k, v)
    payload = json.dumps(keep, ensure_ascii=False).encode("utf-8")
    from assistant.atomic import atomic_write_bytes

    try:
        atomic_write_bytes(_path, _MAGIC + hashlib.sha256(payload).digest() + payload)
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
        blob = _load_store().get(key)
        _used.add(key)
    if blob is not None:
        try:
            return json.loads(blob)
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
            _load_store()[key] = json.dumps(data, ensure_ascii=False)
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
