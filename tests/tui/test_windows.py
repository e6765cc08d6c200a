"""Windows sharing one database: two windows on one conversation show each answer under its own
question (in both windows, as they happen), and ``/undo`` of a ``/clear`` works from any window,
the one that cleared following along."""

from __future__ import annotations

import threading

import pytest

from tests.tui.helpers import answers, ask, wait_ready, wait_until


def shown(app) -> list[str]:
    """The conversation as the window shows it: ``Q text`` for a question, ``A question`` for an answer."""
    out = []
    for view in app.conversation.children:
        name = type(view).__name__
        if name == "QuestionView":
            out.append("Q " + view.markdown_text)
        elif name == "AnswerView" and view.answer is not None:
            out.append("A " + view.question)
    return out


@pytest.mark.slow
async def test_two_windows_on_one_conversation_show_each_answer_under_its_question(make_app):
    left, right = make_app(), make_app()
    async with left.run_test(size=(100, 40)) as lp, right.run_test(size=(100, 40)) as rp:
        await wait_ready(lp)
        await wait_ready(rp)
        await ask(lp, "what is a headless service")
        await rp.press("ctrl+n")
        await wait_until(rp, lambda: right.screen.__class__.__name__ == "ConversationsScreen")
        await rp.press(*"headless", "enter")
        await wait_until(rp, lambda: right.store.conversation_id == left.store.conversation_id and answers(right),
                         what="right switched to left's conversation")

        # left's answer is written only after right has asked: the two questions are stored one after
        # the other and the answers after both, the order that used to show Q Q A A
        right_asked = threading.Event()
        real_answer = left.controller.answer

        def answer_after_right(question):
            right_asked.wait(20)
            return real_answer(question)

        left.controller.answer = answer_after_right
        left.prompt.text = "what is kube-proxy"
        await lp.press("enter")
        right.prompt.text = "what does CoreDNS do"
        await rp.press("enter")
        right_asked.set()

        expected = ["Q what is a headless service", "A what is a headless service", "Q what is kube-proxy",
                    "A what is kube-proxy", "Q what does CoreDNS do", "A what does CoreDNS do"]
        await wait_until(lp, lambda: shown(left) == expected, what=f"left shows {expected}")
        await wait_until(rp, lambda: shown(right) == expected, what=f"right shows {expected}")
        stored = [t.text for t in left.store.recent_turns(10) if t.role == "question"]
        assert stored == ["what is a headless service", "what is kube-proxy", "what does CoreDNS do"]

    third = make_app()  # a window opened later reads the same order from the database
    async with third.run_test(size=(100, 40)) as tp:
        await wait_until(tp, lambda: third.query("#conversation"), what="the third window's conversation mounted")
        third.store.switch(left.store.conversation_id)
        await third._switched()
        await tp.pause()
        assert shown(third) == expected


async def test_undo_of_clear_works_from_another_window(make_app):
    left, right = make_app(), make_app()
    async with left.run_test(size=(100, 40)) as lp, right.run_test(size=(100, 40)) as rp:
        await wait_ready(lp)
        await ask(lp, "what is a headless service")
        cleared = left.store.conversation_id
        left.prompt.text = "/clear"
        await lp.press("enter")
        await wait_until(lp, lambda: not answers(left), what="cleared")
        right.prompt.text = "/undo"
        await rp.press("enter")
        await wait_until(rp, lambda: right.store.conversation_id == cleared and answers(right),
                         what="right brought the cleared turns back")
        assert shown(right) == ["Q what is a headless service", "A what is a headless service"]
        # the window that cleared shows them again too, without being touched
        await wait_until(lp, lambda: shown(left) == shown(right), what="left follows the undo")
