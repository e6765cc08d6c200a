"""SVG snapshots of the main screen, an answer and an inspection result, in the dark and light themes.

Fixed terminal size, no cursor blink, workers awaited. The answer comes from a fixed ``Answer``
(the core's output changes as the KB grows; the Pilot tests cover the real answers), the inspection
from the real inspector on ``data/shop.yaml``. Update with ``pytest tests/tui --snapshot-update``
after reviewing the report.
"""

from __future__ import annotations

import pytest

from tests.tui.helpers import wait_ready, wait_until

SIZE = (100, 34)
THEMES = ["textual-dark", "textual-light"]


def _fixed_answer(question: str, **_: object):
    from assistant.engine import Answer

    return Answer(
        question=question, lang="en", intent="definition", abstained=False,
        answer=("**Headless Service (clusterIP: None)**\n\n"
                "A headless Service has no cluster IP: its DNS name resolves straight to the IPs of the "
                "ready pods it selects, so clients connect to pods directly.\n\n"
                "```yaml\nspec:\n  clusterIP: None\n```\n\n"
                "| record | points to |\n|---|---|\n| `db.shop.svc.cluster.local` | every ready pod IP |\n"),
        sources=[{"id": "headless-service", "topic": "headless-service", "title": "Headless Service (clusterIP None)",
                  "score": 0.8312, "url": "https://kubernetes.io/docs/concepts/services-networking/service/#headless-services"},
                 {"id": "dns-records", "topic": "dns", "title": "DNS records for Services", "score": 0.61,
                  "url": "https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/"}],
        timing_ms={"total": 1.0})


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()


@pytest.mark.parametrize("theme", THEMES)
def test_main_screen(snap_compare, make_app, theme):
    app = make_app()

    async def run_before(pilot):
        pilot.app.theme = theme
        await wait_ready(pilot)
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
def test_answer(snap_compare, make_app, monkeypatch, theme):
    app = make_app()
    monkeypatch.setattr(app.assistant, "ask", _fixed_answer)

    async def run_before(pilot):
        pilot.app.theme = theme
        await wait_ready(pilot)
        pilot.app.prompt.text = "what is a headless service"
        await pilot.press("enter")
        await wait_until(pilot, lambda: [v for v in pilot.app.query("AnswerView") if v.answer])
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
def test_inspection(snap_compare, make_app, shop_manifest, theme):
    app = make_app()

    async def run_before(pilot):
        pilot.app.theme = theme
        await wait_ready(pilot)
        pilot.app.prompt.text = shop_manifest
        await pilot.press("enter")
        await wait_until(pilot, lambda: pilot.app.query("InspectionView"))
        await _settle(pilot)
        pilot.app.conversation.scroll_end(animate=False)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
