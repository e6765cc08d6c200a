"""Asking in the chat UI: English and Chinese, sources, readiness, lexical answers while loading."""

from __future__ import annotations

from textual.widgets import Collapsible

from tests.tui.helpers import ask, wait_ready, wait_until


async def test_english_question_gets_markdown_answer_with_sources(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        view = await ask(pilot, "what is a headless service")
        assert "clusterIP" in view.markdown_text
        assert app.prompt.text == ""
        sources = view.query_one(Collapsible)
        assert sources.collapsed and sources.title.startswith("Sources (")
        assert view.answer["sources"][0]["url"].startswith("https://")
        assert [q.render().plain for q in app.query("QuestionView")] == ["❯ what is a headless service"]


async def test_chinese_question_gets_chinese_answer(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        view = await ask(pilot, "Pod 之间如何通信？")
        assert view.answer["lang"] == "zh"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in view.markdown_text)
        assert view.query_one(Collapsible).title.startswith("来源")


async def test_follow_up_uses_the_same_context(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        await ask(pilot, "what is a headless service")
        first = app.context
        assert first is not None and first.topic == "headless-service"
        view = await ask(pilot, "how do I debug it")
        # "it" resolves to the previous topic: without the context this question abstains
        assert app.context is first
        assert not view.answer["abstained"]
        assert "headless-service" in [s["topic"] for s in view.answer["sources"]]


async def test_status_bar_shows_readiness(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        assert "ready" in app.status.readiness
        assert app.dense_ready


async def test_question_before_model_is_ready_is_answered_lexically_and_marked(make_app, monkeypatch):
    from assistant.tui.app import PodtalkApp

    def lexical_only(self):  # the model "never finishes loading"
        self.controller.core_ready.set()

    monkeypatch.setattr(PodtalkApp, "load_core", lexical_only)
    calls = []
    app = make_app()
    real_ask = app.assistant.ask

    def spy(question, **kwargs):
        calls.append(kwargs["allow_dense"])
        return real_ask(question, **kwargs)

    monkeypatch.setattr(app.assistant, "ask", spy)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(pilot, "what is kube-proxy")
        assert calls == [False]
        assert "lexical retriever while the model loads" in view.query_one(".note").render().plain
        assert not app.status.ready


async def test_control_characters_and_ansi_never_rendered_raw(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        await ask(pilot, "what is \x1b[31ma service\x1b[0m\x07 port")
        shown = app.query_one("QuestionView").render().plain
        assert "\x1b" not in shown and "\x07" not in shown
        assert "a service" in shown
        assert all("\x1b" not in t.get("text", "") for t in app.store.turns)
