"""``atomic_write_text`` under the failures it exists for: SIGKILL in the middle of a write, and an
error from fsync or os.replace (issue 18: the chat kill -9 test killed the process only after the
history was saved, so it could not tell an atomic writer from a plain ``open(path, "w")``).
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import time

import pytest

from assistant.atomic import atomic_write_text
from tests.conftest import REPO

WRITER = r"""
import sys
from pathlib import Path
from assistant.atomic import atomic_write_text

target = Path(sys.argv[1])
payloads = ['{"v": "%s"}' % (c * 1_000_000) for c in "AB"]
print("READY", flush=True)
i = 0
while True:                      # rewrite the same file as fast as possible until killed
    atomic_write_text(target, payloads[i % 2])
    i += 1
"""


def _kill_while_writing(target, delay: float) -> None:
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        ready, _, _ = select.select([child.stdout], [], [], 30)
        assert ready and child.stdout.readline().strip() == b"READY", child.stderr.read().decode()
        time.sleep(delay)
        assert child.poll() is None, child.stderr.read().decode()
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL


def test_sigkill_mid_write_leaves_the_old_or_the_new_file_never_a_torn_one(tmp_path):
    """A plain open-and-write fails this within a round or two: the file is truncated or half
    written at the moment of the kill. Checked by swapping in such a writer once."""
    target = tmp_path / "conversation.json"
    target.write_text('{"v": "start"}', encoding="utf-8")
    rng = random.Random(18)
    for _ in range(4):
        _kill_while_writing(target, rng.uniform(0.05, 0.25))
        value = json.loads(target.read_text(encoding="utf-8"))["v"]  # never torn JSON
        assert value == "start" or value in ("A" * 1_000_000, "B" * 1_000_000)


@pytest.mark.parametrize("fails", ["fsync", "replace"])
def test_a_failed_write_keeps_the_old_file_and_no_temp_file(tmp_path, monkeypatch, fails):
    target = tmp_path / "settings.json"
    target.write_text('{"old": true}', encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, fails, boom)
    with pytest.raises(OSError):
        atomic_write_text(target, '{"new": true}')
    monkeypatch.undo()
    assert json.loads(target.read_text(encoding="utf-8")) == {"old": True}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]


def test_a_successful_write_replaces_the_file_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "nested" / "tour.json"
    atomic_write_text(target, "一\n")
    atomic_write_text(target, "二\n")
    assert target.read_text(encoding="utf-8") == "二\n"
    assert [p.name for p in target.parent.iterdir()] == ["tour.json"]
