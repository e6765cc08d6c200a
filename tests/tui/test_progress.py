"""Progress for long operations: the index build reports as it encodes, the chat shows it and
inspection progress, Esc cancels an inspection, and ``podtalk --version``."""

from __future__ import annotations

import numpy as np

from tests.conftest import run_podtalk
from tests.tui.helpers import wait_until


def test_index_build_reports_progress_and_encodes_the_same(encoder, tmp_path):
    """The build encodes through the embedding store, which reports (done, total) per batch: the
    callback the chat sets as ``retriever.on_build_progress``."""
    from assistant.retrieval.embedding_cache import encode_with_cache

    texts = ["what is a Service", "kube-proxy programs iptables", "CoreDNS answers cluster DNS queries"]
    calls: list[tuple[int, int]] = []
    chunked = encode_with_cache(texts, encoder.encode, tmp_path, "test-model",
                                progress=lambda done, total: calls.append((done, total)), batch=2)
    assert calls == [(0, 3), (2, 3), (3, 3)]
    assert np.allclose(chunked, encoder.encode(texts), atol=1e-5)
    calls.clear()
    encode_with_cache(texts, encoder.encode, tmp_path, "test-model", progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 0)]  # remembered: nothing left to encode


async def test_chat_status_shows_progress_and_clears_it(make_app):
    from assistant.tui.app import Progress

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.post_message(Progress("index", 128, 800))
        await wait_until(pilot, lambda: "128/800" in app.status.render().plain)
        assert "search index" in app.status.render().plain
        app.post_message(Progress("index", 0, 0))
        await wait_until(pilot, lambda: "128/800" not in app.status.render().plain)


async def test_escape_cancels_an_inspection(make_app, shop_manifest, monkeypatch):
    import threading

    app = make_app()
    started, release = threading.Event(), threading.Event()
    real_inspect = app.controller.inspect

    def slow(text, cancelled=lambda: False):
        started.set()
        release.wait(10)
        return real_inspect(text, cancelled)

    monkeypatch.setattr(app.controller, "inspect", slow)
    async with app.run_test(size=(100, 30)) as pilot:
        app.prompt.text = shop_manifest
        await pilot.press("enter")
        await wait_until(pilot, lambda: started.is_set() and "Esc" in app.status.render().plain)
        await pilot.press("escape")
        release.set()
        await wait_until(pilot, lambda: not app.status.progress, what="progress cleared")
        await pilot.pause(0.2)
        assert not app.query("InspectionView") and not app.query("ErrorView")


def test_version():
    out = run_podtalk("--version")
    assert out.returncode == 0 and out.stdout.startswith("podtalk ")
