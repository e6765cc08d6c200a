"""The UI's pure parts: the store's atomic writes and the Markdown rendering (no Textual needed)."""

from __future__ import annotations

import json

from assistant.tui import render
from assistant.atomic import atomic_write_text
from assistant.tui.store import Store


def test_atomic_write_and_store_roundtrip(tmp_path):
    store = Store.load(tmp_path)
    store.add_turn({"role": "question", "text": "什么是 Service？"})
    store.remember_prompt("什么是 Service？")
    store.set_setting("theme", "textual-light")
    again = Store.load(tmp_path)
    assert again.turns[0]["text"] == "什么是 Service？"
    assert again.history == ["什么是 Service？"]
    assert again.settings["theme"] == "textual-light"
    atomic_write_text(tmp_path / "x.json", "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["conversation.json", "prompt-history.json",
                                                          "settings.json", "x.json"]


def test_unwritable_state_dir_is_reported_not_raised(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = Store.load(blocker / "state")
    store.add_turn({"role": "question", "text": "q"})
    assert store.last_error and "could not save" in store.last_error


def test_manifest_detection():
    assert render.looks_like_manifest("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n")
    assert render.looks_like_manifest('{"apiVersion": "v1", "kind": "Pod"}')
    assert not render.looks_like_manifest("what kind of Service do I need?")
    assert not render.looks_like_manifest("kind: Service")


def test_clean_strips_escapes_and_controls():
    assert render.clean("a\x1b[31mred\x1b[0m\x07b\x1b]0;title\x07") == "aredb"
    assert render.md_escape("*x* [y](z)") == r"\*x\* \[y\](z)"


def test_report_markdown_groups_by_severity_and_lists_reach():
    report = {
        "objects": [{"kind": "Service"}],
        "findings": [
            {"rule": "ingress-class-missing", "severity": "info", "object": "Ingress/a/b", "line": 3,
             "message": "m1", "hint": "h1", "doc": "https://kubernetes.io/x"},
            {"rule": "service-target-port-mismatch", "severity": "error", "object": "Service/a/b", "line": 1,
             "message": "m2", "hint": "h2", "doc": "https://kubernetes.io/y"},
        ],
        "dns": ["b.a.svc.cluster.local"], "cname": {}, "env": {"a/b": ["B_SERVICE_HOST"]},
        "reach": [{"from": "a/x", "to": "a/y", "port": 80, "protocol": "TCP", "allowed": True, "reason": "r"}],
    }
    md = render.report_markdown(report, reach_table=True)
    assert md.index("### Errors") < md.index("### Info")
    assert "hint: h2" in md and "`b.a.svc.cluster.local`" in md and "`B_SERVICE_HOST`" in md
    assert "| a/x | a/y | 80/TCP | allow | r |" in md


def test_transcript_exports_are_utf8_with_sources():
    turns = [{"role": "question", "text": "什么是 DNS"},
             {"role": "answer", "text": "x", "answer": {"answer": "**DNS** 答案",
              "sources": [{"id": "dns", "title": "DNS", "score": 0.5, "url": "https://kubernetes.io/dns"}]}}]
    md = render.transcript_markdown(turns)
    assert "什么是 DNS" in md and "[DNS](https://kubernetes.io/dns)" in md and "`dns`" in md
    assert json.loads(render.transcript_json(turns))["turns"][1]["answer"]["sources"][0]["id"] == "dns"
