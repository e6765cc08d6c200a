"""No traps: Esc leaves every screen, help scrolls with the keyboard, typing reaches the prompt wherever
the focus is, Ctrl+L never deletes anything, Ctrl+C clears the line, the tour shows its mode and
lets you ask questions; and scroll discipline (your question is shown, answers open at the top)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from tests.tui.helpers import answers, ask, wait_ready, wait_until


def _screen(app) -> str:
    return app.screen.__class__.__name__


@pytest.mark.parametrize("key, screen", [("ctrl+o", "ManifestScreen"), ("f1", "HelpScreen"),
                                         ("ctrl+n", "ConversationsScreen"), ("ctrl+r", "HistorySearchScreen"),
                                         ("ctrl+p", "CommandPalette")])
async def test_escape_leaves_every_screen(make_app, key, screen):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(key)
        await wait_until(pilot, lambda: _screen(app) == screen, what=screen)
        if screen == "ManifestScreen":  # the editor has the focus and would swallow Esc
            assert isinstance(app.focused, TextArea)
            await pilot.press(*"kind: x")
        await pilot.press("escape")
        await wait_until(pilot, lambda: _screen(app) == "Screen", what="back to the chat")
        assert app.focused is app.prompt or screen == "CommandPalette"


async def test_help_scrolls_with_the_keyboard_at_once(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await wait_until(pilot, lambda: _screen(app) == "HelpScreen")
        body = app.screen.query_one("#help-body")
        await wait_until(pilot, lambda: body.max_scroll_y > 0, what="help taller than the screen")
        await pilot.press("pagedown", "down")
        await wait_until(pilot, lambda: body.scroll_y > 0, what="scrolled without Tab")


async def test_typing_while_the_conversation_has_focus_goes_to_the_prompt(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await ask(pilot, "what is kube-proxy")
        await pilot.click("#conversation")
        app.conversation.focus()
        await pilot.pause()
        await pilot.press(*"what is")
        assert app.focused is app.prompt and app.prompt.text == "what is"
        answers(app)[-1].focus()  # a focused message: its own keys act, others still type
        await pilot.pause()
        await pilot.press("w", "h", "y")
        assert app.focused is app.prompt and app.prompt.text == "what iswhy"


async def test_ctrl_l_redraws_and_clear_is_undone(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await ask(pilot, "what is kube-proxy")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert len(app.store.turns) == 2 and answers(app)
        app.prompt.text = "/clear"
        await pilot.press("enter")
        await wait_until(pilot, lambda: not answers(app), what="cleared")
        assert app.store.turns == []
        app.prompt.text = "/undo"
        await pilot.press("enter")
        await wait_until(pilot, lambda: answers(app), what="restored")
        assert [t["role"] for t in app.store.turns] == ["question", "answer"]


async def test_ctrl_c_clears_the_line_and_does_not_quit(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"half a question")
        await pilot.press("ctrl+c")
        assert app.prompt.text == "" and app.is_running
        await pilot.press("ctrl+c")  # empty: a hint, still running
        await pilot.pause()
        assert app.is_running


async def test_tour_shows_its_mode_and_answers_questions_in_the_middle(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        app.prompt.text = "/tour"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.status.tour, what="tour mode")
        assert "TOUR" in app.status.render().plain
        view = await ask(pilot, "what is kube-proxy?")
        assert "kube-proxy" in view.markdown_text
        assert app.controller.tour_active and app.status.tour  # the tour waits where it was
        asked = len(answers(app))
        app.prompt.text = "next"
        await pilot.press("enter")
        await pilot.pause()
        assert len(answers(app)) == asked  # a tour answer, not a question


async def test_sending_while_scrolled_up_shows_the_question_and_the_answer_opens_at_its_top(make_app):
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_ready(pilot)
        for q in ("what is a headless service", "how does kube-proxy work"):
            await ask(pilot, q)
        conv = app.conversation
        conv.scroll_home(animate=False)
        await pilot.pause()
        view = await ask(pilot, "how do I debug a service that does not answer")
        question = app.query("QuestionView").last()
        await pilot.pause(0.1)
        top, bottom = conv.scroll_y, conv.scroll_y + conv.scrollable_content_region.height
        assert top <= view.virtual_region.y < bottom, "the answer's first line is on screen"
        if view.outer_size.height < conv.scrollable_content_region.height:
            assert question.virtual_region.y >= top


async def test_new_marker_when_an_answer_arrives_while_reading_above(make_app, monkeypatch):
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_ready(pilot)
        for q in ("what is a headless service", "how does kube-proxy work", "what is a NodePort service"):
            await ask(pilot, q)
        conv = app.conversation
        real_answer = app.controller.answer
        gate = {"open": False}

        def slow(question):
            while not gate["open"]:
                import time
                time.sleep(0.01)
            return real_answer(question)

        monkeypatch.setattr(app.controller, "answer", slow)
        app.prompt.text = "what is a ClusterIP"
        await pilot.press("enter")
        await pilot.pause()
        conv.scroll_home(animate=False)
        await pilot.pause()
        gate["open"] = True
        await wait_until(pilot, lambda: len(answers(app)) == 4, what="answer")
        await pilot.pause()
        marker = app.query_one("#new-marker")
        assert marker.display and conv.scroll_y < conv.max_scroll_y
        await pilot.press("ctrl+end")
        await wait_until(pilot, lambda: not marker.display, what="marker gone at the bottom")


async def test_history_search_puts_an_earlier_prompt_in_the_prompt(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_ready(pilot)
        await ask(pilot, "what is a headless service")
        await ask(pilot, "what is kube-proxy")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: _screen(app) == "HistorySearchScreen")
        assert isinstance(app.focused, Input)
        await pilot.press(*"headless", "enter")
        await wait_until(pilot, lambda: _screen(app) == "Screen")
        assert app.prompt.text == "what is a headless service" and app.focused is app.prompt
