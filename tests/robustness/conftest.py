"""Robustness fixtures: run many real ``python -m assistant`` processes at once, a tiny KB for index
builds that take a second, and the chat UI around the session's warmed core."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO


@dataclass
class Run:
    returncode: int
    stdout: bytes
    stderr: bytes
    seconds: float

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")


def podtalk(*args: str | bytes, input: bytes | None = None, env: dict[str, str] | None = None,
            timeout: float = 90, prefix: tuple[str, ...] = ()) -> Run:
    """One real CLI process (bytes in, bytes out, so nothing is decoded on the way)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    t0 = time.perf_counter()
    proc = subprocess.run([*prefix, sys.executable, "-m", "assistant", *args], input=input,
                          stdin=None if input is not None else subprocess.DEVNULL, capture_output=True,
                          timeout=timeout, env=full_env, cwd=REPO)
    return Run(proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - t0)


def run_all(jobs: dict[str, dict]) -> dict[str, Run]:
    """Run several ``podtalk(**kwargs)`` at once (the suite's time budget is tight)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {name: pool.submit(podtalk, *job.pop("args"), **job) for name, job in jobs.items()}
        return {name: f.result() for name, f in futures.items()}


def assert_clean_failure(run: Run, code: int = 2) -> str:
    """Exit ``code``, exactly one line on stderr starting with ``podtalk``, no traceback."""
    assert run.returncode == code, (run.returncode, run.err)
    assert "Traceback" not in run.err
    lines = [ln for ln in run.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("podtalk"), run.err
    return lines[0]


@pytest.fixture(scope="session")
def tiny_kb(tmp_path_factory) -> Path:
    """A one-entry KB with five dense texts: a full index build takes about a second."""
    root = tmp_path_factory.mktemp("tiny-kb")
    for name in ("glossary.yaml", "rules.yaml", "scope.yaml"):
        (root / name).write_bytes((REPO / "kb" / name).read_bytes())
    source = REPO / "kb" / "entries" / "dns" / "coredns-cluster-dns.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["questions"] = {lang: items[:1] for lang, items in data["questions"].items()}
    data["facts"] = [{**fact, "en": fact["en"][:60]} for fact in data["facts"][:2]]  # short texts: fast to embed
    data["summary"]["en"] = data["summary"]["en"][:80]
    data["keywords"]["en"] = data["keywords"]["en"][:4]
    (root / "entries" / "dns").mkdir(parents=True)
    (root / "entries" / "dns" / source.name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


@pytest.fixture
def make_app(assistant, tmp_path, monkeypatch):
    """A PodtalkApp around the session's warmed Assistant, with its own state dir."""
    from assistant.tui.app import PodtalkApp

    monkeypatch.setenv("PODTALK_STATE", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)

    def make(**kwargs):
        kwargs.setdefault("assistant", assistant)
        return PodtalkApp(**kwargs)

    return make
