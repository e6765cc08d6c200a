"""Chat UI fixtures: each test gets its own state dir and working directory (history, settings and
exports never leak between tests), and a factory for the app around the session's warmed core."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    state = tmp_path / "state"
    monkeypatch.setenv("PODTALK_STATE", str(state))
    monkeypatch.chdir(tmp_path)
    return state


@pytest.fixture
def make_app(assistant):
    """``make_app(**kwargs)``: a PodtalkApp sharing the session's warmed Assistant."""
    from assistant.tui.app import PodtalkApp

    def make(**kwargs):
        kwargs.setdefault("assistant", assistant)
        return PodtalkApp(**kwargs)

    return make


@pytest.fixture(scope="session")
def shop_manifest() -> str:
    return (DATA / "shop.yaml").read_text(encoding="utf-8")
