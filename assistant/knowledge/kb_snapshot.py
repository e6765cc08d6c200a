"""The loaded KB remembered as one file, keyed by the identity of its source files, so a cold answer
reads one JSON document instead of ~95 YAML files.

Why: loading the KB the ordinary way reads and hashes every entry file, looks each up in the YAML
cache, validates it (or finds its validation digest), joins the spaces YAML folding leaves in Chinese
text, and then hashes all of it again for the index cache key: ~30 ms of every cold ``podtalk ask``.
All of that is a function of the files' bytes and of the loader's code.

The key is :func:`files_stamp`: each file's path, size, inode, modification and status-change times
(``st_ctime_ns``: the kernel sets it on every write and no tool can set it back, so an edited file
always gets a new key even if its size and mtime were restored), plus the schema and the loader's
own source. A snapshot is written only after a load that passed every check and only of files that changed
more than two seconds before (see ``SETTLE_NS``), carries its own checksum, and anything wrong with it (missing, damaged, unwritable) only means loading the ordinary way.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_MAGIC = b"podtalk-kb-snapshot-1\n"
SETTLE_NS = 2_000_000_000
"""A file changed less than this long ago is not trusted to a snapshot: file times have the kernel
tick's resolution, so two same-size writes within one tick could share every time stamp (git calls
such files "racily clean" and re-reads them the same way)."""


def files_stamp(paths: Iterable[Path], *parts: str) -> str:
    """A digest of the files' identities and metadata (not their bytes: a ``stat`` each) and ``parts``.

    Any write to a file changes its ``st_ctime_ns``, so a changed file changes the stamp; a missing
    file is recorded as missing."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    for path in paths:
        h.update(str(path).encode("utf-8", "surrogateescape"))
        try:
            st = os.stat(path)
            h.update(f"|{st.st_size}|{st.st_mtime_ns}|{st.st_ctime_ns}|{st.st_ino}|{st.st_dev}\n".encode())
        except OSError:
            h.update(b"|missing\n")
    return h.hexdigest()[:32]


def settled(paths: Iterable[Path]) -> bool:
    """Whether every file last changed at least ``SETTLE_NS`` ago (a snapshot of them may be kept)."""
    import time

    now = time.time_ns()
    try:
        return all(now - os.stat(p).st_ctime_ns >= SETTLE_NS for p in paths if os.path.exists(p))
    except OSError:
        return False


def code_digest(*files: Path) -> str:
    """The bytes of the source files whose code shapes the snapshot (a code change is a new key)."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _path_for(root: Path, kind: str = "kb") -> Path:
    from assistant.paths import cache_dir

    where = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return cache_dir() / f"{kind}-snapshot-{where}.bin"


def read(root: Path, key: str, kind: str = "kb") -> dict[str, Any] | None:
    """The snapshot ``kind`` (``kb``, ``catalog``) of the data under ``root`` if it was written under
    ``key``, else None."""
    try:
        raw = _path_for(root, kind).read_bytes()
    except OSError:
        return None
    if not raw.startswith(_MAGIC):
        return None
    digest, payload = raw[len(_MAGIC):len(_MAGIC) + 32], raw[len(_MAGIC) + 32:]
    stored_key = payload[:32].decode("ascii", "replace")
    if stored_key != key or hashlib.sha256(payload).digest() != digest:
        return None
    try:
        data = json.loads(payload[32:])
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def write(root: Path, key: str, data: dict[str, Any], kind: str = "kb") -> None:
    """Remember ``data`` (plain JSON values) for ``root`` under ``key`` (a :func:`files_stamp`),
    atomically; an unwritable cache is fine."""
    from assistant.atomic import atomic_write_bytes

    if len(key) != 32:
        raise ValueError("a snapshot key is a files_stamp (32 characters)")
    payload = key.encode("ascii") + json.dumps(data, ensure_ascii=False).encode("utf-8")
    try:
        atomic_write_bytes(_path_for(root, kind), _MAGIC + hashlib.sha256(payload).digest() + payload)
    except OSError:
        pass


_MEMO_KEEP = 16


def _memo_path(name: str) -> Path:
    from assistant.paths import cache_dir

    return cache_dir() / f"stamps-{name}.json"


def remembered(name: str, stamp: str) -> str | None:
    """The value remembered under ``stamp`` in the small memo ``name`` (see :func:`remember`), or None."""
    try:
        memo = json.loads(_memo_path(name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = memo.get(stamp) if isinstance(memo, dict) else None
    return value if isinstance(value, str) else None


def remember(name: str, stamp: str, value: str, paths: Iterable[Path]) -> None:
    """Remember ``value`` (a digest of the files' content, say) under their ``stamp``, if every one of
    ``paths`` has settled (see ``SETTLE_NS``); the last few stamps are kept."""
    if not settled(paths):
        return
    try:
        memo = json.loads(_memo_path(name).read_text(encoding="utf-8"))
        memo = memo if isinstance(memo, dict) else {}
    except (OSError, ValueError):
        memo = {}
    memo.pop(stamp, None)
    memo[stamp] = value
    from assistant.atomic import atomic_write_text

    try:
        atomic_write_text(_memo_path(name), json.dumps(dict(list(memo.items())[-_MEMO_KEEP:])))
    except OSError:
        pass
