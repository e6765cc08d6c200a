"""The on-disk index cache: built once, keyed by KB content + model, verified on every load.

Layout: ``<cache>/index-<key>/`` with ``dense.npy`` (the embedding matrix, loaded into a faiss
IndexFlatIP), ``bm25-{data,indices,indptr}.npy`` (the BM25 weight matrix, see ``bm25``), ``meta.json``
(row to entry mapping, the BM25 vocabulary, the tokenizer fingerprint and the SHA-256 of every file). A build writes into a
private temporary directory and renames it into place, so two processes building at once never
leave a half-written index; a checksum mismatch (truncated or corrupted file) is reported and the
index rebuilt; a read-only cache directory falls back to an in-memory index.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.knowledge.loader import KnowledgeBase
from assistant.paths import cache_dir
from assistant.retrieval.bm25 import BM25Weights

_BM25_FILES = {name: f"bm25-{name}.npy" for name in ("data", "indices", "indptr")}

FORMAT_VERSION = "5"
_INDEXING_CODE = ("corpus.py", "text.py", "bm25.py")


@dataclass
class IndexData:
    """What retrieval needs at run time, whether read from disk or built in memory."""

    vectors: np.ndarray | None      # (n_texts, dim) float32, None when the model is unavailable
    rows: list[int]                 # entry index of each vector row
    bm25: BM25Weights               # BM25 weights of every entry
    key: str
    path: Path | None               # None: in memory only


def cache_key(kb: KnowledgeBase, model_id: str, tokenizer_fingerprint: str = "") -> str:
    h = hashlib.sha256()
    h.update(FORMAT_VERSION.encode())
    h.update(tokenizer_fingerprint.encode())
    for name in _INDEXING_CODE:  # what gets indexed and how it is tokenised: a change there is a new index
        h.update((Path(__file__).parent / name).read_bytes())
    h.update(kb.content_hash.encode())
    h.update(model_id.encode())
    return h.hexdigest()[:20]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _payload_digest(meta: dict[str, Any]) -> str:
    """SHA-256 of meta.json's own content (rows, tokens, checksums), so a flipped byte there is caught too."""
    body = {k: meta[k] for k in ("key", "rows", "vocab", "n_docs", "has_vectors", "checksums") if k in meta}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


class IndexCorrupt(Exception):
    """The cached files do not match their recorded checksums."""


def read_index(path: Path, key: str) -> IndexData:
    """Load and verify a cached index directory; raise ``IndexCorrupt`` or ``FileNotFoundError``."""
    meta_path = path / "meta.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise IndexCorrupt(f"meta.json unreadable: {exc}") from None
    if meta.get("key") != key:
        raise IndexCorrupt("cache key mismatch")
    _verify(path, meta)
    vectors = np.load(path / "dense.npy") if meta.get("has_vectors") else None
    arrays = {name: np.load(path / file) for name, file in _BM25_FILES.items()}
    bm25 = BM25Weights.from_arrays(meta["vocab"], arrays, meta["n_docs"])
    return IndexData(vectors=vectors, rows=meta["rows"], bm25=bm25, key=key, path=path)


def _verify(path: Path, meta: dict[str, Any]) -> None:
    """Check meta.json's own digest and every file's SHA-256 (~8 ms), unless these very files (same
    stat: size, times, inode) were verified before: index files are written once and renamed into
    place, and any later write to one changes its status-change time, so it is checked again."""
    from assistant.knowledge import kb_snapshot

    files = [path / "meta.json", *(path / name for name in sorted(meta["checksums"]))]
    stamp = kb_snapshot.files_stamp(files, FORMAT_VERSION, str(meta.get("payload")))
    if kb_snapshot.remembered("index-verified", stamp) == "ok":
        return
    if "payload" in meta and _payload_digest(meta) != meta["payload"]:
        raise IndexCorrupt("meta.json checksum mismatch")
    for name, digest in meta["checksums"].items():
        if _sha256(path / name) != digest:
            raise IndexCorrupt(f"{name} checksum mismatch")
    kb_snapshot.remember("index-verified", stamp, "ok", files)


def write_index(data: IndexData, root: Path) -> Path:
    """Write ``data`` under ``root/index-<key>`` atomically; return the final directory."""
    root.mkdir(parents=True, exist_ok=True)
    final = root / f"index-{data.key}"
    tmp = Path(tempfile.mkdtemp(prefix=f".index-{data.key}-", dir=root))
    try:
        checksums: dict[str, str] = {}
        files = {file: data.bm25.arrays()[name] for name, file in _BM25_FILES.items()}
        if data.vectors is not None:
            files["dense.npy"] = np.ascontiguousarray(data.vectors, dtype=np.float32)
        for file, array in files.items():
            np.save(tmp / file, array)
            checksums[file] = _sha256(tmp / file)
        meta: dict[str, Any] = {
            "key": data.key, "rows": data.rows, "vocab": data.bm25.vocab_list(), "n_docs": data.bm25.n_docs,
            "has_vectors": data.vectors is not None, "checksums": checksums,
        }
        meta["payload"] = _payload_digest(meta)
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        if final.exists():
            # move the old index aside in one atomic step (a reader never sees a half-deleted one)
            trash = tmp.with_name(tmp.name + ".old")
            try:
                os.replace(final, trash)
            except OSError:
                pass
            shutil.rmtree(trash, ignore_errors=True)
        try:
            os.replace(tmp, final)
        except OSError:
            # another process won the race with an identical index: keep theirs
            if not (final / "meta.json").exists():
                raise
            shutil.rmtree(tmp, ignore_errors=True)
        return final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def load_or_build(kb: KnowledgeBase, model_id: str, build, *, rebuild: bool = False,
                  root: Path | None = None, tokenizer_fingerprint: str = "") -> tuple[IndexData, str]:
    """Return the index for ``kb`` and a status word: 'cached', 'built', 'rebuilt' or 'memory'.

    ``build()`` makes a fresh ``IndexData`` (it embeds the KB). Problems with the cache never stop an
    answer: a corrupt cache is rebuilt with a warning, an unwritable one means an in-memory index.
    """
    root = root or cache_dir()
    key = cache_key(kb, model_id, tokenizer_fingerprint)
    path = root / f"index-{key}"
    status = "built"
    if not rebuild and path.exists():
        try:
            return read_index(path, key), "cached"
        except (IndexCorrupt, OSError, KeyError, RuntimeError, ValueError) as exc:
            warnings.warn(f"index cache at {path} is damaged ({exc}); rebuilding it", stacklevel=2)
            status = "rebuilt"
    data = build(key)
    try:
        data.path = write_index(data, root)
    except OSError as exc:
        warnings.warn(f"cannot write the index cache under {root} ({exc.strerror or exc}); using an in-memory index",
                      stacklevel=2)
        data.path = None
        status = "memory"
    return data, status
