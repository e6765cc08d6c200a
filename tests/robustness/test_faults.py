"""Broken caches, concurrent builds, read-only caches and a missing or broken model, through the real
CLI. Index builds use a one-entry KB (``tiny_kb``) and the NumPy encoder so each takes about a second."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.robustness.conftest import run_all

pytestmark = pytest.mark.slow  # see pyproject.toml: make test runs it, -m 'not slow' skips it

NUMPY = {"PODTALK_ENCODER": "numpy"}


def _env(kb: Path, cache: Path | str, **extra: str) -> dict[str, str]:
    return {"PODTALK_KB": str(kb), "PODTALK_CACHE": str(cache), **NUMPY, **extra}


def _ok(run):
    assert run.returncode == 0, run.err
    assert "Traceback" not in run.err
    return run


def _warnings(run) -> list[str]:
    lines = [ln for ln in run.err.splitlines() if ln.strip()]
    assert all(ln.startswith("podtalk: warning: ") for ln in lines), run.err  # one line each, no source excerpt
    return lines


@pytest.fixture(scope="module")
def built(tiny_kb, tmp_path_factory):
    """Two ``podtalk index --rebuild`` racing into one empty cache directory."""
    cache = tmp_path_factory.mktemp("race-cache")
    runs = run_all({f"build{i}": {"args": ["index", "--rebuild"], "env": _env(tiny_kb, cache)} for i in range(2)})
    return cache, runs


def test_two_processes_building_the_index_at_once(built, tiny_kb):
    from assistant.retrieval.index_cache import read_index

    cache, runs = built
    for run in runs.values():
        assert "index built: 1 entries, 5 vectors" in _ok(run).out
    dirs = sorted(p.name for p in cache.iterdir() if "index" in p.name)
    assert len(dirs) == 1 and dirs[0].startswith("index-"), dirs  # no temporary or half-renamed leftovers
    data = read_index(cache / dirs[0], dirs[0].removeprefix("index-"))  # checksums verified
    assert data.vectors.shape == (5, 384) and data.bm25.n_docs == 1
    again = run_all({"index": {"args": ["index"], "env": _env(tiny_kb, cache)}})["index"]
    assert _ok(again).out.startswith("index cached:")


def _copy(cache: Path, tmp_path: Path) -> tuple[Path, Path]:
    target = tmp_path / "cache"
    shutil.copytree(cache, target)
    return target, next(target.glob("index-*"))


def test_corrupted_then_truncated_cache_detected_and_rebuilt_with_a_warning(built, tiny_kb, tmp_path):
    cache, index = _copy(built[0], tmp_path)
    faiss_file = index / "dense.npy"
    raw = bytearray(faiss_file.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    faiss_file.write_bytes(bytes(raw))
    meta = index / "meta.json"
    run = run_all({"index": {"args": ["index"], "env": _env(tiny_kb, cache)}})["index"]
    assert _ok(run).out.startswith("index rebuilt:")
    (warning,) = _warnings(run)
    assert "is damaged (dense.npy checksum mismatch); rebuilding it" in warning

    meta.write_bytes(meta.read_bytes()[:40])  # truncated mid-write
    run = run_all({"ask": {"args": ["ask", "what is CoreDNS", "--format", "json"], "env": _env(tiny_kb, cache)}})["ask"]
    answer = json.loads(_ok(run).out)
    assert answer["sources"][0]["id"] == "coredns-cluster-dns" and not answer.get("degraded")
    assert any("meta.json unreadable" in w and "rebuilding it" in w for w in _warnings(run))


def test_read_only_cache_falls_back_to_memory(tiny_kb, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    runs = run_all({
        "under-a-file": {"args": ["ask", "what is CoreDNS", "--format", "json"],
                         "env": _env(tiny_kb, blocker / "cache")},
        "proc": {"args": ["index"], "env": _env(tiny_kb, "/proc/self/podtalk-cache")},
    })
    answer = json.loads(_ok(runs["under-a-file"]).out)
    assert answer["sources"][0]["id"] == "coredns-cluster-dns" and not answer.get("degraded")
    for run in runs.values():
        assert any("using an in-memory index" in w for w in _warnings(run))
    assert "at memory (cache directory not writable)" in _ok(runs["proc"]).out
    assert not (Path("/proc/self") / "podtalk-cache").exists()


@pytest.fixture
def broken_model(tmp_path) -> Path:
    """The real model's files, except weights that are garbage."""
    from assistant.retrieval.model_files import model_dir

    target = tmp_path / "model"
    target.mkdir()
    for item in model_dir().iterdir():
        os.symlink(item, target / item.name)
    (target / "model.safetensors").unlink()
    (target / "model.safetensors").write_bytes(b"garbage, not safetensors" * 100)
    return target


def test_missing_or_broken_model_degrades_to_lexical_and_says_so(retriever, tiny_kb, broken_model, tmp_path):
    batch = b"what is a headless service\nNodePort \xe7\xab\xaf\xe5\x8f\xa3\xe8\x8c\x83\xe5\x9b\xb4\n"
    missing = {"PODTALK_MODEL_DIR": "/nonexistent"}
    runs = run_all({
        "jsonl": {"args": ["ask", "-", "--format", "jsonl"], "input": batch, "env": missing},
        "text": {"args": ["ask", "what is a headless service"], "env": missing},
        "index": {"args": ["index"], "env": _env(tiny_kb, tmp_path / "c1", PODTALK_MODEL_DIR="/nonexistent")},
        "broken": {"args": ["ask", "what is CoreDNS", "--format", "json"],
                   "env": _env(tiny_kb, tmp_path / "c2", PODTALK_MODEL_DIR=str(broken_model))},
    })
    first, second = (json.loads(line) for line in _ok(runs["jsonl"]).out.splitlines())
    for answer in (first, second):
        assert answer["degraded"] is True and answer["retriever"] == "lexical"
        assert "embedding model files are missing under /nonexistent" in answer["degraded_reason"]
    assert first["sources"][0]["topic"] == "headless-service" and not first["abstained"]
    assert second["sources"][0]["topic"] == "service-nodeport"
    text = _ok(runs["text"]).out
    assert text.startswith("(degraded: lexical retrieval only; the embedding model files are missing")
    assert "clusterIP" in text
    assert "warning: dense retrieval unavailable" in _ok(runs["index"]).err
    broken = json.loads(_ok(runs["broken"]).out)
    assert broken["degraded"] is True and "the embedding model failed to load" in broken["degraded_reason"]
    assert broken["sources"][0]["id"] == "coredns-cluster-dns"
