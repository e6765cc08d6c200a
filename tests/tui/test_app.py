"""The chat UI answers a typed question (real app, real core, driven by Pilot)."""

from __future__ import annotations

from textual.widgets import Input


async def _wait_for_answers(app, pilot, n: int, timeout: float = 20.0) -> list[str]:
    import asyncio

    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        answers = [str(m.source) for m in app.query(".answer")]
        if len(answers) >= n:
            return answers
        await pilot.pause(0.05)
    raise AssertionError("no answer appeared")


async def test_type_question_and_see_answer(assistant):
    from assistant.tui.app import PodtalkApp

    app = PodtalkApp(assistant=assistant)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.click("#question")
        app.query_one("#question", Input).value = "what is a headless service"
        await pilot.press("enter")
        answers = await _wait_for_answers(app, pilot, 1)
        assert "clusterIP" in answers[0]
        assert app.query_one("#question", Input).value == ""
