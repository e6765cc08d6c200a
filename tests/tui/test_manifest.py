"""A pasted manifest is inspected, not searched: findings by severity, DNS, env vars, reach table."""

from __future__ import annotations

from textual import events
from rich.console import Console
from rich.table import Table
from textual.widgets import Static, TextArea

from tests.tui.helpers import wait_until


def _plain(renderable) -> str:
    console = Console(width=120, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def _inspection(app):
    views = list(app.query("InspectionView"))
    return views[-1] if views else None


async def test_pasted_manifest_is_inspected(make_app, shop_manifest):
    app = make_app()
    calls = []
    real_ask = app.assistant.ask
    app.assistant.ask = lambda *a, **k: calls.append(a) or real_ask(*a, **k)
    try:
        async with app.run_test(size=(110, 48)) as pilot:
            app.post_message(events.Paste(shop_manifest))
            await pilot.pause()
            await pilot.press("enter")
            view = await wait_until(pilot, lambda: _inspection(app), what="inspection")
            await pilot.pause()
            md = view.markdown_text
            assert "### Errors" in md and "service-target-port-mismatch" in md
            assert "hint" in md
            assert "api.shop.svc.cluster.local" in md
            assert "API_SERVICE_HOST" in md
            matrix = view.query_one(".reach", Static).content
            assert isinstance(matrix, Table)  # the inspector's colour matrix, not a second renderer
            text = _plain(matrix)
            assert "shop/web" in text and "shop/api" in text
            cells = [str(c) for col in matrix.columns[1:] for c in col._cells]
            assert cells.count("✓") == 3 and cells.count("✗") == 1  # api->api denied, the rest allowed
            styles = {str(c): c.style for col in matrix.columns[1:] for c in col._cells}
            assert "green" in str(styles["✓"]) and "red" in str(styles["✗"])
            assert "| shop/api | shop/api | 8080/TCP | ❌ denied" in md  # the rows, as the inspector writes them
            assert "📄 manifest" in app.query_one("QuestionView").render().plain
            assert not calls  # never sent to the retriever
    finally:
        app.assistant.ask = real_ask


async def test_manifest_findings_in_chinese(make_app, shop_manifest):
    app = make_app(lang="zh")
    async with app.run_test(size=(110, 48)) as pilot:
        app.prompt.text = shop_manifest
        await pilot.press("enter")
        view = await wait_until(pilot, lambda: _inspection(app))
        assert "### 错误" in view.markdown_text and "建议" in view.markdown_text


async def test_piped_manifest_is_inspected_on_start(make_app, shop_manifest):
    app = make_app(manifest=shop_manifest)
    async with app.run_test(size=(110, 48)) as pilot:
        view = await wait_until(pilot, lambda: _inspection(app))
        assert view.report["dns"] == ["api.shop.svc.cluster.local"]


async def test_manifest_screen_inspects_its_text(make_app, shop_manifest):
    app = make_app()
    async with app.run_test(size=(110, 48)) as pilot:
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "ManifestScreen")
        app.screen.query_one("#manifest-text", TextArea).text = shop_manifest
        await pilot.press("ctrl+r")
        view = await wait_until(pilot, lambda: _inspection(app))
        assert app.screen is app.screen_stack[0]
        assert view.report["findings"]


async def test_unreadable_manifest_is_an_error_turn(make_app):
    app = make_app()
    async with app.run_test(size=(110, 48)) as pilot:
        app.prompt.text = "apiVersion: v1\nkind: Service\nmetadata: {name: [unclosed\n"
        await pilot.press("enter")
        view = await wait_until(pilot, lambda: _inspection(app) or app.query("ErrorView"))
        assert view  # yaml-invalid finding or an error, never a crash
        assert app.is_running


async def test_a_reloaded_inspection_shows_the_same_report_and_matrix_and_exports_it(make_app, shop_manifest, tmp_path):
    app = make_app()
    async with app.run_test(size=(110, 48)) as pilot:
        app.prompt.text = shop_manifest
        await pilot.press("enter")
        live = await wait_until(pilot, lambda: _inspection(app))
        live_md = live.markdown_text
    again = make_app()
    async with again.run_test(size=(110, 48)) as pilot:
        view = await wait_until(pilot, lambda: _inspection(again), what="restored inspection")
        assert view.markdown_text == live_md  # the inspector's Markdown, as the live turn showed it
        assert isinstance(view.query_one(".reach", Static).content, Table)  # re-inspected: the matrix is back
        again.prompt.text = "/export md"
        await pilot.press("enter")
        files = await wait_until(pilot, lambda: sorted(tmp_path.glob("podtalk-conversation-*.md")))
    exported = files[0].read_text(encoding="utf-8")
    assert live_md.strip() in exported  # one renderer: the export carries the same Markdown


async def test_a_manifest_pasted_during_the_tour_exercise_goes_to_the_tour(make_app, shop_manifest):
    app = make_app()
    async with app.run_test(size=(110, 48)) as pilot:
        app.prompt.text = "/tour"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.status.tour, what="tour status")
        app.prompt.text = "next"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.controller.tour.wants_manifest, what="exercise step")
        notices = len(app.query("NoticeView"))
        app.prompt.text = shop_manifest
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app.query("NoticeView")) > notices, what="tour feedback")
        await pilot.pause(0.3)
        assert not app.query("InspectionView")  # graded by the tour, not inspected
        assert "📄 manifest" in app.query("QuestionView").last().render().plain  # echoed as a summary, not the YAML
