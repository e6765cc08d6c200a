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


def _stored_conversation(state, n: int) -> None:
    """A conversation of ``n`` one-line questions, as an earlier session left it."""
    from assistant.tui.store import Store, Turn

    store = Store.load(state)
    for i in range(n):
        store.add_turn(Turn(role="question", text=f"question {i}"))
    store.close()


def _questions(app) -> list[str]:
    return [v.markdown_text for v in app.conversation.children if type(v).__name__ == "QuestionView"]


async def test_a_restored_page_shorter_than_the_screen_loads_older_turns_by_itself(make_app, _isolated_state):
    """Eight one-line turns do not fill a tall window, so there is nothing to scroll up with: older
    turns must come by themselves until the window can scroll, or the reader could never reach them."""
    _stored_conversation(_isolated_state, 40)
    app = make_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await wait_until(pilot, lambda: "question 39" in _questions(app), what="last page shown")
        await wait_until(pilot, lambda: len(_questions(app)) > 8, what="an older page loaded")
        await wait_until(pilot, lambda: app.conversation.max_scroll_y > 0, what="the window can scroll up")
        shown = _questions(app)
        assert shown == [f"question {i}" for i in range(40 - len(shown), 40)]


async def test_scrolling_to_the_top_loads_the_previous_page_in_order(make_app, _isolated_state):
    _stored_conversation(_isolated_state, 40)
    app = make_app()
    async with app.run_test(size=(100, 12)) as pilot:
        await wait_until(pilot, lambda: "question 39" in _questions(app), what="last page shown")
        await pilot.pause(0.6)  # past the short-page check, which a loaded machine may still run once
        first_page = _questions(app)
        assert "question 0" not in first_page
        await pilot.press("ctrl+home")
        await wait_until(pilot, lambda: len(_questions(app)) > len(first_page), what="previous page loaded")
        shown = _questions(app)
        assert shown == [f"question {i}" for i in range(40 - len(shown), 40)]


async def test_the_fill_check_dies_with_the_conversation_it_was_for(make_app, _isolated_state):
    """The check for a short first page runs 0.5 s after the page is shown. A window closing inside
    that half second removed the conversation first, and the check then failed on a missing widget
    (seen once in CI). Removing the widget here stands in for that teardown, deterministically."""
    _stored_conversation(_isolated_state, 40)
    app = make_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await wait_until(pilot, lambda: "question 39" in _questions(app), what="last page shown")
        await app.conversation.remove()
        await pilot.pause(0.7)
    # leaving run_test re-raises any exception the app hit
