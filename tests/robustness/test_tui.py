"""The chat UI with hostile questions and pastes (Pilot), and its history surviving ``kill -9``."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO
from tests.tui.helpers import answers, ask, wait_ready, wait_until

RAW = ["\x1b", "\x07", "\x08", "\x7f", "\x9b", "\x9d", "\u202e"]


def _assert_clean(text: str) -> None:
    for ch in RAW:
        assert ch not in text, repr(ch)


async def test_hostile_questions_are_answered_and_never_rendered_raw(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        for blank in ("", "   ", "\n\t\n", "\x1b[0m\x07"):
            app.prompt.text = blank
            await pilot.press("enter")
            await pilot.pause()
        assert not app.query("QuestionView") and not answers(app)  # nothing to ask: nothing happens
        questions = [
            "?!?!...;;,,--",
            "🚀🔥 pods? 🐳👩‍💻",
            "what is 无头服务 и сервис وخدمة",
            "\x1b[31mwhat is\x1b[0m a \x1b]8;;file:///etc/passwd\x07headless\x07\x08 service \x9b2J \u202eevil\u202c\x7f",
            "what is a headless service " + "x" * 100_000,
        ]
        for n, question in enumerate(questions, start=1):
            view = await ask(pilot, question, n=n)
            assert view.answer and view.answer.get("answer")
        shown = [q.render().plain for q in app.query("QuestionView")]
        assert len(shown) == len(questions)
        for text in shown + [a.markdown_text for a in answers(app)]:
            _assert_clean(text)
        assert "headless service" in shown[3] and "/etc/passwd" not in shown[3]
        assert answers(app)[3].answer["sources"][0]["topic"] == "headless-service"
        for turn in app.store.turns:
            _assert_clean(json.dumps(turn, ensure_ascii=False))
        assert app.is_running


@pytest.mark.parametrize("text, expect", [
    ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n"
     + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'.replace("a:", "  a:", 1)
     + "".join(f"  {chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9)),
     "alias bomb"),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: " + "[" * 50_000 + "]" * 50_000 + "\n",
     "max_depth"),
    ("apiVersion: v1\nkind: Service\nmetadata:\n\tname: web\n", "tabs for indentation"),
    ("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: 80\n", "schema-invalid"),
    ("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n", "Widget"),
    ("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n", "yaml-duplicate-key"),
], ids=["alias-bomb", "deep-nesting", "tabs", "ports-80", "crd", "duplicate-keys"])
async def test_hostile_pastes_become_findings(make_app, text, expect):
    app = make_app()
    async with app.run_test(size=(110, 48)) as pilot:
        await app.submit_manifest(text)
        view = await wait_until(pilot, lambda: app.query("InspectionView"))
        assert expect in view[0].markdown_text + json.dumps(view[0].report)
        assert app.is_running


@pytest.mark.parametrize("text, expect", [
    ("apiVersion: v1\nkind: ConfigMap\n" + "# filler\n" * 1_200_000, "max_bytes limit"),
], ids=["11-MB"])
async def test_oversize_paste_is_an_error_turn_and_the_app_keeps_running(make_app, text, expect):
    app = make_app()
    async with app.run_test(size=(110, 48)) as pilot:
        await app.submit_manifest(text)
        error = await wait_until(pilot, lambda: app.query("ErrorView"))
        assert expect in error[0].render().plain
        await app.submit_manifest("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n")
        await wait_until(pilot, lambda: app.query("InspectionView"))
        assert app.is_running


async def test_paste_size_limit_follows_podtalk_max_bytes(make_app, monkeypatch):
    monkeypatch.setenv("PODTALK_MAX_BYTES", "100")
    app = make_app()
    async with app.run_test(size=(110, 48)) as pilot:
        await app.submit_manifest("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: '" + "y" * 200 + "'}\n")
        error = await wait_until(pilot, lambda: app.query("ErrorView"))
        assert "max_bytes limit of 100 bytes" in error[0].render().plain and "PODTALK_MAX_BYTES" in error[0].render().plain
        assert app.is_running


CHILD = r"""
import asyncio, sys
from assistant.tui.app import PodtalkApp
from tests.tui.helpers import ask, wait_ready

async def main():
    app = PodtalkApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        await ask(pilot, "what is CoreDNS")
        print("SAVED", flush=True)
        app.prompt.text = "and how do pods find it"
        await pilot.press("enter")   # killed while (or after) answering this one
        await asyncio.sleep(120)

asyncio.run(main())
"""


def test_history_saved_before_a_kill_9_is_kept(tiny_kb, tmp_path):
    """End to end: the turns saved before the chat is killed are there on restart. The kill lands
    after the first answer was saved, so this cannot tell an atomic writer from a plain one; the
    kill-in-the-middle-of-a-write case is tests/robustness/test_atomic.py."""
    from assistant.tui.store import Store

    state = tmp_path / "state"
    env = {**os.environ, "PODTALK_STATE": str(state), "PODTALK_KB": str(tiny_kb),
           "PODTALK_CACHE": str(tmp_path / "cache"), "PODTALK_ENCODER": "numpy"}
    child = subprocess.Popen([sys.executable, "-c", CHILD], cwd=REPO, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        line = b""
        while b"SAVED" not in line and time.monotonic() < deadline:
            ready, _, _ = select.select([child.stdout], [], [], 1)
            if ready:
                line = child.stdout.readline()
                if not line and child.poll() is not None:
                    break
        assert b"SAVED" in line, child.stderr.read().decode() if child.poll() is not None else "timeout"
        time.sleep(0.3)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    store = Store.load(state)
    roles = [t["role"] for t in store.turns]
    assert roles[:2] == ["question", "answer"] and store.turns[0]["text"] == "what is CoreDNS"
    assert "CoreDNS" in store.turns[1]["text"]
    assert "what is CoreDNS" in store.history
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"  # the database is intact
