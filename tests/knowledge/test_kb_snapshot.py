"""The remembered KB: the same entries as a full load, never stale after an edit, never an error when
the snapshot is damaged, and never kept for files written moments ago."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from assistant.knowledge import kb_snapshot, load_kb
from assistant.knowledge import loader

REPO = Path(__file__).resolve().parents[2]


def _copy_kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(REPO / "kb" / "entries" / "dns", root / "entries" / "dns")
    shutil.copy(REPO / "kb" / "glossary.yaml", root / "glossary.yaml")
    shutil.copy(REPO / "kb" / "topics.yaml", root / "topics.yaml")
    return root


def _full_loads_only(monkeypatch) -> None:
    """Make a full load fail: a load that still succeeds came from the snapshot."""
    def refuse(*args, **kwargs):
        raise AssertionError("full load")
    monkeypatch.setattr(loader, "load_entry", refuse)


def test_a_snapshot_gives_the_same_kb_and_an_edit_is_seen(tmp_path, monkeypatch):
    monkeypatch.setattr(kb_snapshot, "SETTLE_NS", 0)
    root = _copy_kb(tmp_path)
    full = load_kb(root)
    with monkeypatch.context() as m:
        _full_loads_only(m)
        again = load_kb(root)
    assert [(e.id, e.path, e.data) for e in again.entries] == [(e.id, e.path, e.data) for e in full.entries]
    assert (again.glossary, again.topic_titles, again.content_hash) == \
        (full.glossary, full.topic_titles, full.content_hash)
    assert again.content_hash == loader.KnowledgeBase(full.entries, full.glossary).content_hash

    # the same size and the same modification time: the status-change time still tells
    path = root / "entries" / "dns" / "dns-records-for-services.yaml"
    text = path.read_text(encoding="utf-8")
    st = path.stat()
    time.sleep(0.05)
    edited = text.replace("Service", "Servicf", 1)
    assert len(edited) == len(text) and edited != text
    path.write_text(edited, encoding="utf-8")
    import os

    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    kb = load_kb(root)
    assert kb.content_hash != full.content_hash
    assert "Servicf" in str(kb.by_id["dns-records-for-services"].data)


def test_files_written_moments_ago_are_not_snapshotted(tmp_path, monkeypatch):
    root = _copy_kb(tmp_path)  # just written: not settled
    load_kb(root)
    with monkeypatch.context() as m:
        _full_loads_only(m)
        with pytest.raises(AssertionError, match="full load"):
            load_kb(root)


def test_a_damaged_or_foreign_snapshot_means_a_full_load(tmp_path, monkeypatch):
    monkeypatch.setattr(kb_snapshot, "SETTLE_NS", 0)
    root = _copy_kb(tmp_path)
    first = load_kb(root)
    snap = kb_snapshot._path_for(root)
    raw = snap.read_bytes()
    snap.write_bytes(raw[:-10] + b"0123456789")  # checksum no longer matches
    assert load_kb(root).content_hash == first.content_hash
    snap.write_bytes(b"garbage")
    assert load_kb(root).content_hash == first.content_hash
    (root / "entries" / "dns" / "dns-records-for-services.yaml").unlink()  # a file gone: a new key
    assert "dns-records-for-services" not in load_kb(root).by_id


def test_the_kb_dictionary_digest_remembered_by_stat_is_the_one_its_text_gives(tmp_path, monkeypatch):
    from assistant.retrieval import zh_dictionary

    monkeypatch.setattr(kb_snapshot, "SETTLE_NS", 0)
    root = _copy_kb(tmp_path)
    tok = zh_dictionary._tokenizer_for(load_kb(root))            # computed from the text, remembered
    with monkeypatch.context() as m:
        m.setattr(zh_dictionary, "kb_texts", lambda root: (_ for _ in ()).throw(AssertionError("read")))
        assert zh_dictionary._tokenizer_for(load_kb(root)).fingerprint == tok.fingerprint  # from the memo
    path = root / "entries" / "dns" / "pod-dns-records.yaml"
    time.sleep(0.05)
    path.write_text(path.read_text(encoding="utf-8") + "\n# 新的注释\n", encoding="utf-8")
    assert zh_dictionary._tokenizer_for(load_kb(root)).fingerprint != tok.fingerprint


def test_the_diagnosis_catalog_snapshot_equals_a_full_load_and_sees_edits(tmp_path, monkeypatch):
    from assistant.diagnosis import catalog as catalog_mod

    monkeypatch.setattr(kb_snapshot, "SETTLE_NS", 0)
    root = tmp_path / "kb"
    for name in ("clues", "causes"):
        shutil.copytree(REPO / "kb" / name, root / name)
    shutil.copy(REPO / "kb" / "narrowing.yaml", root / "narrowing.yaml")
    full = catalog_mod.load_catalog(root)
    with monkeypatch.context() as m:
        m.setattr(catalog_mod, "load_cause", lambda path: (_ for _ in ()).throw(AssertionError("full load")))
        again = catalog_mod.load_catalog(root)
    assert (again.clues, again.causes, again.narrowing) == (full.clues, full.causes, full.narrowing)
    assert [c.patterns for c in again.clues[:5]] == [c.patterns for c in full.clues[:5]]
    cause = full.causes[0].path
    time.sleep(0.05)
    cause.write_text(cause.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    monkeypatch.setattr(catalog_mod, "load_cause", lambda path: (_ for _ in ()).throw(AssertionError("full load")))
    with pytest.raises(AssertionError, match="full load"):
        catalog_mod.load_catalog(root)
