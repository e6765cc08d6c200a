"""Polling helpers for Pilot tests: wait for a condition instead of sleeping a fixed time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot


async def wait_until(pilot: Pilot, predicate: Callable[[], Any], timeout: float = 20.0, what: str = "") -> Any:
    """Poll ``predicate`` until it returns something truthy (returned) or fail after ``timeout`` s."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await pilot.pause(0.02)


async def wait_ready(pilot: Pilot) -> None:
    """Until the core is fully loaded (status bar says ready)."""
    await wait_until(pilot, lambda: pilot.app.status.ready, what="core ready")


def answers(app) -> list:
    return [v for v in app.query("AnswerView") if v.answer is not None]


async def ask(pilot: Pilot, text: str, n: int | None = None) -> Any:
    """Type ``text`` into the prompt, press Enter, return the new AnswerView once answered."""
    app = pilot.app
    before = len(answers(app)) if n is None else n - 1
    app.prompt.text = text
    await pilot.press("enter")
    got = await wait_until(pilot, lambda: len(answers(app)) > before and answers(app), what=f"answer to {text!r}")
    await pilot.pause()
    return got[-1]
