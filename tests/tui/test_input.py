"""The prompt: Enter sends, Shift+Enter / Ctrl+J add newlines, paste never submits, Up/Down recall."""

from __future__ import annotations

from textual import events

from tests.tui.helpers import ask, wait_ready, wait_until


async def test_ctrl_j_inserts_newline_and_enter_sends(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        await pilot.press(*"what is", "ctrl+j", *"a service")
        assert app.prompt.text == "what is\na service"
        assert not app.query("AnswerView")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.query("AnswerView"))
        assert app.prompt.text == ""


async def test_bracketed_paste_never_submits(make_app, shop_manifest):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        app.post_message(events.Paste("first line\nsecond line\n"))
        await pilot.pause()
        assert app.prompt.text == "first line\nsecond line\n"
        assert not app.query("QuestionView")
        app.prompt.clear()
        app.post_message(events.Paste(shop_manifest))
        await pilot.pause()
        assert not app.query("QuestionView, InspectionView")
        assert "manifest recognised" in app.status.hint


async def test_up_recalls_earlier_questions_and_history_persists(make_app, _isolated_state):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        await ask(pilot, "what is a headless service")
        await ask(pilot, "what is kube-proxy")
        await pilot.press("up")
        assert app.prompt.text == "what is kube-proxy"
        await pilot.press("up")
        assert app.prompt.text == "what is a headless service"
        await pilot.press("down")
        assert app.prompt.text == "what is kube-proxy"
        await pilot.press("down")
        assert app.prompt.text == ""
    assert (_isolated_state / "podtalk.db").exists()

    again = make_app()
    async with again.run_test(size=(100, 40)) as pilot:
        await pilot.press("up")
        assert again.prompt.text == "what is kube-proxy"


async def test_page_keys_scroll_the_conversation(make_app):
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_ready(pilot)
        for q in ("what is a headless service", "what is kube-proxy", "what is a NodePort service"):
            await ask(pilot, q)
        conv = app.conversation
        await wait_until(pilot, lambda: conv.max_scroll_y > 0)
        await pilot.pause()
        bottom = conv.scroll_y
        await pilot.press("pageup")
        await wait_until(pilot, lambda: conv.scroll_y < bottom, what="scrolled up")
        await pilot.press("ctrl+home")
        await wait_until(pilot, lambda: conv.scroll_y == 0, what="at top")
        await pilot.press("ctrl+end")
        await wait_until(pilot, lambda: conv.scroll_y == conv.max_scroll_y, what="at bottom")


async def test_enter_in_the_same_burst_as_the_text_sends_all_of_it(make_app):
    """A terminal may deliver "question\\r" in one read: the characters are still queued for the
    prompt when the (priority) Enter binding runs. The whole question must be sent, not '' or 'w'."""
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        for ch in "what is kube-proxy":
            app.prompt.post_message(events.Key(ch, ch))
        app.prompt.action_submit()  # runs before the queued keys, as the binding does
        question = await wait_until(pilot, lambda: app.query("QuestionView"), what="question sent")
        assert str(question[0].render()).endswith("what is kube-proxy")
        assert app.prompt.text == ""
