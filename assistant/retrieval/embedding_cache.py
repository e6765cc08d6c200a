"""Embeddings remembered per text, so rebuilding the index after a KB edit re-encodes only what changed.

Why: encoding the whole KB (~1,800 texts) is most of an index build (tens of seconds on this machine);
a typical edit changes a few entries. The store maps the BLAKE2 digest of each text to its vector, one
``.npz`` per model fingerprint in the cache directory, written atomically. It is only a speed-up: a
missing, damaged or unwritable store means encoding everything, never an error.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from assistant.errors import Cancelled


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _path(root: Path, model_id: str) -> Path:
    tag = hashlib.sha256(model_id.encode()).hexdigest()[:16]
    return root / f"embeddings-{tag}.npz"


def _read(path: Path) -> dict[bytes, np.ndarray]:
    try:
        with np.load(path) as data:
            keys, vectors = data["keys"], data["vectors"]
        if keys.ndim != 2 or keys.shape[1] != 16 or vectors.shape[0] != keys.shape[0]:
            return {}
        return {bytes(k): v for k, v in zip(keys, vectors)}
    except (OSError, ValueError, KeyError, EOFError):
        return {}


def _write(path: Path, store: dict[bytes, np.ndarray]) -> None:
    if not store:
        return
    keys = np.frombuffer(b"".join(store), dtype=np.uint8).reshape(len(store), 16)
    vectors = np.stack(list(store.values())).astype(np.float32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".embeddings.", suffix=".npz", dir=path.parent)
        os.close(fd)
        try:
            np.savez(tmp, keys=keys, vectors=vectors)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        pass


def encode_with_cache(texts: list[str], encode: Callable[[list[str]], np.ndarray], root: Path,
                      model_id: str, progress: Callable[[int, int], None] | None = None,
                      batch: int = 128, cancelled: Callable[[], bool] | None = None) -> np.ndarray:
    """Vectors of ``texts``: remembered ones from the store, the rest from ``encode`` in batches
    (``progress(encoded, to_encode)`` before the first and after each), then the store is rewritten with exactly these texts.

    ``cancelled()`` is asked before each batch: when it returns True, what was encoded so far is added
    to the store (so the next build encodes only the rest) and :class:`~assistant.errors.Cancelled` is raised."""
    path = _path(root, model_id)
    known = _read(path)
    keys = [_digest(t) for t in texts]
    first: dict[bytes, int] = {}
    for i, k in enumerate(keys):
        if k not in known:
            first.setdefault(k, i)  # a text that repeats is encoded once
    # by length: each batch then holds texts of similar length, so an encoder pads little (the whole
    # KB in 128-text batches of mixed lengths cost ~1.7x the forward passes)
    missing = sorted(first.values(), key=lambda i: len(texts[i]))
    done = 0
    if progress:
        progress(0, len(missing))
    fresh: dict[bytes, np.ndarray] = {}
    for start in range(0, len(missing), batch):
        if cancelled is not None and cancelled():
            if fresh:
                _write(path, {**known, **fresh})
            raise Cancelled(f"index build cancelled after {done:,} of {len(missing):,} texts (kept for the next build)")
        chunk = missing[start:start + batch]
        vectors = encode([texts[i] for i in chunk])
        for i, v in zip(chunk, vectors):
            fresh[keys[i]] = np.asarray(v, dtype=np.float32)
        done += len(chunk)
        if progress:
            progress(done, len(missing))
    out = np.stack([known.get(k, fresh.get(k)) for k in keys]).astype(np.float32) if texts else \
        np.zeros((0, 384), np.float32)
    if fresh:
        _write(path, {k: out[i] for i, k in enumerate(keys)})
    return out
