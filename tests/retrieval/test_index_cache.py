"""The index cache: keyed, verified, rebuilt when damaged, atomic, and optional."""

from __future__ import annotations

import os

import pytest

from assistant.retrieval.index_cache import load_or_build
from assistant.retrieval.retriever import Retriever


@pytest.fixture(scope="module")
def small_kb(kb):
    """A four-entry KB: cache behaviour does not depend on size, and builds stay fast."""
    from assistant.knowledge.loader import KnowledgeBase

    return KnowledgeBase(entries=kb.entries[:4], glossary=kb.glossary)


@pytest.fixture(scope="module")
def tokenizer(kb):
    """The session KB's tokenizer (its jieba dictionary is built once per session, not per small KB)."""
    from assistant.retrieval.zh_dictionary import knowledge_tokenizer

    return knowledge_tokenizer(kb)


def _build(small_kb, encoder, tokenizer, tmp_path):
    r = Retriever(small_kb, encoder=encoder, tokenizer=tokenizer)
    return load_or_build(small_kb, "test-model", r._build, root=tmp_path)


def test_second_load_is_cached_and_identical(small_kb, encoder, tokenizer, tmp_path):
    first, status1 = _build(small_kb, encoder, tokenizer, tmp_path)
    second, status2 = _build(small_kb, encoder, tokenizer, tmp_path)
    assert (status1, status2) == ("built", "cached")
    assert (first.vectors == second.vectors).all()
    assert first.bm25.vocab == second.bm25.vocab
    assert (first.bm25.data == second.bm25.data).all() and (first.bm25.indptr == second.bm25.indptr).all()


def test_corrupted_index_is_detected_and_rebuilt(small_kb, encoder, tokenizer, tmp_path):
    data, _ = _build(small_kb, encoder, tokenizer, tmp_path)
    target = data.path / "dense.npy"
    raw = bytearray(target.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    target.write_bytes(bytes(raw))
    with pytest.warns(UserWarning, match="damaged"):
        again, status = _build(small_kb, encoder, tokenizer, tmp_path)
    assert status == "rebuilt"
    assert again.vectors.shape == data.vectors.shape


def test_a_file_damaged_after_it_was_verified_is_still_caught(small_kb, encoder, tokenizer, tmp_path, monkeypatch):
    """Verified files are remembered by their stat; a later write (same size, mtime put back) is seen."""
    import time

    from assistant.knowledge import kb_snapshot

    monkeypatch.setattr(kb_snapshot, "SETTLE_NS", 0)
    data, _ = _build(small_kb, encoder, tokenizer, tmp_path)
    assert _build(small_kb, encoder, tokenizer, tmp_path)[1] == "cached"     # verified and remembered
    target = data.path / "dense.npy"
    st = target.stat()
    raw = bytearray(target.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    time.sleep(0.05)
    target.write_bytes(bytes(raw))
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.warns(UserWarning, match="damaged"):
        _, status = _build(small_kb, encoder, tokenizer, tmp_path)
    assert status == "rebuilt"


def test_truncated_index_is_rebuilt(small_kb, encoder, tokenizer, tmp_path):
    data, _ = _build(small_kb, encoder, tokenizer, tmp_path)
    (data.path / "meta.json").write_text('{"key": ')
    with pytest.warns(UserWarning, match="damaged"):
        _, status = _build(small_kb, encoder, tokenizer, tmp_path)
    assert status == "rebuilt"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_cache_falls_back_to_memory(small_kb, encoder, tokenizer, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.warns(UserWarning, match="in-memory"):
            data, status = _build(small_kb, encoder, tokenizer, ro)
        assert status == "memory" and data.path is None
    finally:
        ro.chmod(0o700)


def test_unwritable_cache_path_falls_back_to_memory(small_kb, encoder, tokenizer, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.warns(UserWarning, match="in-memory"):
        data, status = _build(small_kb, encoder, tokenizer, blocker / "cache")
    assert status == "memory" and data.vectors is not None


def test_kb_change_changes_key(small_kb):
    from assistant.retrieval.index_cache import cache_key

    assert cache_key(small_kb, "m1") != cache_key(small_kb, "m2")


def test_rebuild_after_an_edit_encodes_only_the_changed_texts(tmp_path, encoder):
    """The embedding store: a second build with one text changed encodes one text, and every vector
    equals a fresh encoding."""
    import numpy as np

    from assistant.retrieval.embedding_cache import encode_with_cache

    calls: list[list[str]] = []

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return encoder.encode(texts)

    texts = ["what is a headless service", "pod to pod traffic", "NodePort range", "pod to pod traffic"]
    first = encode_with_cache(texts, counting, tmp_path, "model-a")
    assert [len(c) for c in calls] == [3]  # the repeated text is encoded once
    calls.clear()
    edited = texts[:2] + ["NodePort port range"] + texts[3:]
    second = encode_with_cache(edited, counting, tmp_path, "model-a")
    assert calls == [["NodePort port range"]]
    assert np.allclose(second, encoder.encode(edited), atol=1e-6)
    assert np.allclose(first[:2], second[:2])
    calls.clear()
    encode_with_cache(edited, counting, tmp_path, "model-b")  # another model never reuses vectors
    assert [len(c) for c in calls] == [3]
    from assistant.retrieval import embedding_cache

    embedding_cache._path(tmp_path, "model-a").write_bytes(b"garbage")
    calls.clear()
    encode_with_cache(edited, counting, tmp_path, "model-a")  # a damaged store: encode again, no error
    assert sum(len(c) for c in calls) == 3


def test_a_cancelled_build_keeps_what_it_encoded_and_the_next_build_encodes_only_the_rest(tmp_path, encoder):
    import numpy as np

    from assistant.errors import Cancelled
    from assistant.retrieval.embedding_cache import encode_with_cache

    texts = [f"how does pod {i} reach service {i}" for i in range(7)]
    calls: list[list[str]] = []

    def counting(batch: list[str]) -> np.ndarray:
        calls.append(list(batch))
        return encoder.encode(batch)

    with pytest.raises(Cancelled):  # cancelled after the second batch of two
        encode_with_cache(texts, counting, tmp_path, "model-a", batch=2, cancelled=lambda: len(calls) >= 2)
    assert [len(c) for c in calls] == [2, 2]
    calls.clear()
    progress: list[tuple[int, int]] = []
    vectors = encode_with_cache(texts, counting, tmp_path, "model-a", batch=2, progress=lambda *p: progress.append(p))
    assert sorted(t for c in calls for t in c) == sorted(texts[4:])  # only the three not yet encoded
    assert progress[0] == (0, 3) and progress[-1] == (3, 3)
    assert np.allclose(vectors, encoder.encode(texts), atol=1e-6)


def test_retriever_build_cancelled_stops_the_build_and_a_later_build_completes(small_kb, encoder, tokenizer):
    from assistant.paths import cache_dir
    from assistant.retrieval import embedding_cache

    from assistant.errors import Cancelled

    r = Retriever(small_kb, encoder=encoder, tokenizer=tokenizer, rebuild=True)
    embedding_cache._path(cache_dir(), r._model_id()).unlink(missing_ok=True)  # nothing remembered: it must encode
    r.build_cancelled = lambda: True
    with pytest.raises(Cancelled):
        r.data()
    assert r.index_status is None
    r.build_cancelled = None
    assert r.data().vectors is not None and r.index_status == "built"
