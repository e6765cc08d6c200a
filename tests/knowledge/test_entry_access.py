"""Code reads KB entries through typed accessors: every field of the schema, in every language,
read-only, so no consumer can change the KB another consumer sees."""

from __future__ import annotations

import pytest

from assistant import languages
from assistant.knowledge.loader import COMMAND_NEEDS


def test_every_text_is_reachable_in_every_language(kb):
    for e in kb.entries:
        for lang in languages.codes():
            assert e.title(lang) and e.summary(lang) and e.details(lang), e.id
            assert e.keywords(lang) and e.questions(lang), e.id
            assert all(f.text(lang) for f in e.facts), e.id
            assert all(c.cmd and c.text(lang) for c in e.commands), e.id
            assert all(p.text(lang) for p in e.pitfalls), e.id
            assert all(s.text(lang) for s in e.steps), e.id
            assert all(h.text(lang) for h in e.history), e.id
            if e.table is not None:
                header = e.table.header(lang)
                assert all(len(row) == len(header) for row in e.table.body(lang)), e.id


def test_troubleshooting_entries_have_checkable_steps(kb):
    checklists = [e for e in kb.entries if e.is_troubleshooting]
    assert checklists, "the KB has troubleshooting entries"
    for e in checklists:
        assert e.steps and any(s.cmd for s in e.steps), e.id
    assert all(not e.steps for e in kb.entries if not e.is_troubleshooting)


def test_sources_related_and_verification(kb):
    for e in kb.entries:
        assert e.url == e.sources[0] and all(u.startswith("https://") for u in e.sources), e.id
        assert all(r in kb.by_id for r in e.related), e.id
        assert all(c.needs in (None, *COMMAND_NEEDS) for c in (*e.commands, *e.steps)), e.id
        if e.verified is not None:
            assert e.verified.kubernetes.startswith("1.") and len(e.verified.date) == 10, e.id
    assert any(e.verified for e in kb.entries) and any(e.history for e in kb.entries)
    assert any(e.example for e in kb.entries) and any(e.table for e in kb.entries)


def test_typed_items_are_read_only(kb):
    e = next(e for e in kb.entries if e.commands and e.table)
    with pytest.raises(TypeError):
        e.facts[0].texts["en"] = "changed"  # type: ignore[index]
    with pytest.raises(TypeError):
        e.commands[0].texts["zh"] = "changed"  # type: ignore[index]
    with pytest.raises(TypeError):
        e.table.columns["en"] = ("changed",)  # type: ignore[index, union-attr]
    with pytest.raises(AttributeError):
        e.commands[0].cmd = "rm -rf /"  # type: ignore[misc]
    assert isinstance(e.keywords("en"), tuple) and isinstance(e.related, tuple)


def test_fact_reads_like_its_language_mapping(kb):
    """``fact[lang]`` (the raw mapping's spelling, still used by answering) equals ``fact.text(lang)``."""
    fact = kb.entries[0].facts[0]
    assert fact["zh"] == fact.text("zh") == kb.entries[0].data["facts"][0]["zh"]
