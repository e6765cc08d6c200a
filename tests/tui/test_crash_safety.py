"""An exception in a handler is shown in the conversation and the app keeps running; the history
is saved after every turn and reloaded on start."""

from __future__ import annotations

import json

from tests.tui.helpers import ask, wait_ready, wait_until


async def test_exception_while_answering_is_shown_and_app_keeps_working(make_app, monkeypatch):
    app = make_app()
    real_ask = app.assistant.ask
    boom = {"on": True}

    def flaky(question, **kwargs):
        if boom["on"]:
            raise RuntimeError("index exploded")
        return real_ask(question, **kwargs)

    monkeypatch.setattr(app.assistant, "ask", flaky)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        app.prompt.text = "what is a service"
        await pilot.press("enter")
        error = await wait_until(pilot, lambda: app.query("ErrorView"))
        assert "index exploded" in error[0].render().plain
        boom["on"] = False
        view = await ask(pilot, "what is a headless service")
        assert "clusterIP" in view.markdown_text
        assert app.is_running


async def test_exception_in_a_sync_handler_is_shown(make_app, monkeypatch):
    from assistant.tui.app import PodtalkApp

    def broken(self, *args):
        raise ValueError("topics are on fire")

    monkeypatch.setattr(PodtalkApp, "command_topics", broken)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        app.prompt.text = "/topics"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.query("ErrorView"))
        await pilot.press("f3")  # bindings still work
        assert app.lang == "en"
        await ask(pilot, "what is kube-proxy")
        assert app.is_running


async def test_history_saved_every_turn_and_restored(make_app, _isolated_state):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        await ask(pilot, "what is a headless service")
        from assistant.tui.store import Store

        saved = Store.load(_isolated_state)  # another window's view of the database, mid-session
        assert [t["role"] for t in saved.turns] == []  # the live window holds its conversation
        listed = saved.conversations()
        assert [c.turns for c in listed if c.title == "what is a headless service"] == [2]
        saved.close()
    again = make_app()
    async with again.run_test(size=(100, 40)) as pilot:
        await wait_until(pilot, lambda: again.query("AnswerView"))
        restored = again.query_one("AnswerView")
        assert "clusterIP" in restored.markdown_text
        assert "2 turn(s)" in again.query("NoticeView").last().markdown_text


async def test_corrupt_legacy_history_file_is_ignored(make_app, _isolated_state):
    _isolated_state.mkdir(parents=True, exist_ok=True)
    (_isolated_state / "conversation.json").write_text("{not json", encoding="utf-8")
    (_isolated_state / "settings.json").write_text("[1, 2]", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert app.is_running and not app.query("AnswerView")


async def test_damaged_database_is_one_line_and_a_fresh_conversation(make_app, _isolated_state):
    _isolated_state.mkdir(parents=True, exist_ok=True)
    (_isolated_state / "podtalk.db").write_bytes(b"this is not a database" * 100)
    app = make_app()
    toasts: list[str] = []
    app.notify = lambda message, **_: toasts.append(message)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        assert any("damaged" in m and "temporary conversation" in m and "\n" not in m for m in toasts), toasts
        view = await ask(pilot, "what is a headless service")
        assert "clusterIP" in view.markdown_text
        assert app.store.in_memory and len(app.store.turns) == 2
    assert (_isolated_state / "podtalk.db").read_bytes().startswith(b"this is not")  # never overwritten
