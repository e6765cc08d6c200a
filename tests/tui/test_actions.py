"""Actions on answers (copy a message, copy a code block, re-ask, numbered choices), questions about
the bundle just inspected, Ctrl+O reopening it, conversations, and two windows on one database."""

from __future__ import annotations

from textual.widgets import TextArea

from tests.tui.helpers import answers, ask, wait_ready, wait_until


async def test_focused_message_copy_code_reask_and_choose(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        view = await ask(pilot, "what is a headless service")
        assert view.choices, "Related topics are offered as numbered choices"
        await pilot.press("shift+tab")  # from the prompt to the conversation's last message
        app.action_focus_message(-1)
        await pilot.pause()
        assert app.focused is view
        await pilot.press("c")
        await wait_until(pilot, lambda: app.clipboard == view.markdown_text, what="message copied")
        await pilot.press("r")
        again = await wait_until(pilot, lambda: len(answers(app)) == 2 and answers(app), what="re-asked")
        assert again[-1].question == view.question
        first_title = view.choices[0][0]
        view.focus()
        await pilot.pause()
        await pilot.press("1")
        await wait_until(pilot, lambda: len(answers(app)) == 3, what="choice asked")
        assert app.query("QuestionView").last().markdown_text == first_title


async def test_copy_one_code_block_of_a_message(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        view = await ask(pilot, "how do I check the endpoints of a service")
        from assistant.tui import render

        blocks = render.code_blocks(view.markdown_text)
        view.focus()
        await pilot.pause()
        await pilot.press("k")
        if blocks:
            await wait_until(pilot, lambda: app.clipboard == blocks[0], what="first code block")
        else:
            await pilot.pause()
            assert app.clipboard != view.markdown_text


async def test_questions_about_the_inspected_bundle_and_ctrl_o_reopens_it(make_app, shop_manifest):
    app = make_app()
    async with app.run_test(size=(110, 48)) as pilot:
        await wait_ready(pilot)
        app.prompt.text = shop_manifest
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.query("InspectionView"), what="inspection")
        app.prompt.text = "why can't api reach api?"
        await pilot.press("enter")
        reply = await wait_until(pilot, lambda: app.query("NoticeView.bundle"), what="bundle answer")
        text = reply[-1].markdown_text
        assert "denied" in text and "api-ingress" in text  # the reach verdict's own reason
        app.prompt.text = "what DNS name does api get?"
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app.query("NoticeView.bundle")) == 2)
        assert "api.shop.svc.cluster.local" in app.query("NoticeView.bundle").last().markdown_text
        assert not app.query_one("#new-marker").display  # a reply to what you sent is shown, not flagged
        assert not answers(app)  # answered from the bundle, not the KB
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "ManifestScreen")
        editor = app.screen.query_one("#manifest-text", TextArea)
        assert editor.text == shop_manifest and editor.language == "yaml"
        editor.text = shop_manifest.replace("targetPort: metrics", "targetPort: http")
        assert editor.text != shop_manifest
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: len(app.query("InspectionView")) == 2, what="re-inspected")
        rules = [f["rule"] for f in app.query("InspectionView").last().report["findings"]]
        assert "service-target-port-mismatch" not in rules


async def test_new_switch_and_delete_conversations(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        await ask(pilot, "what is a headless service")
        first = app.store.conversation_id
        app.prompt.text = "/new"
        await pilot.press("enter")
        await wait_until(pilot, lambda: not answers(app), what="empty conversation")
        await ask(pilot, "what is kube-proxy")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "ConversationsScreen")
        await pilot.press(*"headless", "enter")
        await wait_until(pilot, lambda: app.store.conversation_id == first and answers(app), what="switched")
        assert "clusterIP" in answers(app)[0].markdown_text
        app.prompt.text = "/delete"
        await pilot.press("enter")
        await wait_until(pilot, lambda: not answers(app), what="deleted")
        assert first not in [c.id for c in app.store.conversations()]
        app.prompt.text = "/undo"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.store.conversation_id == first and answers(app), what="undone")


async def test_two_windows_on_one_database(make_app, _isolated_state):
    """Two app instances ask at once; each keeps its conversation and a third sees both prompts."""
    left, right = make_app(), make_app()
    async with left.run_test(size=(100, 30)) as lp, right.run_test(size=(100, 30)) as rp:
        await wait_ready(lp)
        await wait_ready(rp)
        assert left.store.conversation_id != right.store.conversation_id
        left.prompt.text = "what is a headless service"
        right.prompt.text = "what is kube-proxy"
        await lp.press("enter")
        await rp.press("enter")
        await wait_until(lp, lambda: answers(left), what="left answered")
        await wait_until(rp, lambda: answers(right), what="right answered")
        assert [t["text"] for t in left.store.turns][0] == "what is a headless service"
        assert [t["text"] for t in right.store.turns][0] == "what is kube-proxy"
        third = make_app()
        async with third.run_test(size=(100, 30)) as tp:
            await tp.press("up")
            first = third.prompt.text
            await tp.press("up")
            assert {first, third.prompt.text} == {"what is a headless service", "what is kube-proxy"}


async def test_topics_are_numbered_and_selectable(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_ready(pilot)
        app.prompt.text = "/topics"
        await pilot.press("enter")
        notice = await wait_until(pilot, lambda: [n for n in app.query("NoticeView") if len(n.choices) > 3])
        title = notice[-1].choices[1][0]
        notice[-1].focus()
        await pilot.pause()
        await pilot.press("2")
        view = await wait_until(pilot, lambda: answers(app), what="topic asked")
        assert app.query("QuestionView").last().markdown_text == title
        assert view[-1].answer["sources"]
