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
