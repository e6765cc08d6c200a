"""``python -m assistant.tour``: the plain-terminal loop, and import hygiene (no Textual)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _run(args, input_text, tmp_path, **env):
    full_env = dict(os.environ, PODTALK_STATE=str(tmp_path), **env)
    return subprocess.run([sys.executable, "-m", "assistant.tour", *args], input=input_text, capture_output=True,
                          text=True, timeout=60, cwd=REPO, env=full_env)


def test_plain_loop_runs_and_saves(tmp_path):
    proc = _run(["--lang", "en"], "next\nb\nquit\n", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "## Lesson 1/12 · The pod network model and CNI" in proc.stdout
    assert "**Correct:** `host-network`." in proc.stdout
    assert "Tour paused" in proc.stdout
    proc = _run(["--lang", "zh"], "", tmp_path)  # EOF pauses cleanly
    assert proc.returncode == 0 and "**欢迎回来。**" in proc.stdout and "### 测验 1/12" in proc.stdout
    proc = _run(["--lang", "en", "--reset"], "quit\n", tmp_path)
    assert "**Welcome to the podtalk tour.**" in proc.stdout


def test_check_passes():
    proc = subprocess.run([sys.executable, "-m", "assistant.tour", "--check"], capture_output=True, text=True,
                          timeout=60, cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "12 lessons, 0 problems" in proc.stdout


def test_tour_does_not_import_textual(tmp_path):
    code = ("import sys\nfrom assistant.tour import TourSession\n"
            f"s = TourSession(state_path={str(tmp_path / 't.json')!r})\ns.start_or_resume(); s.handle('next'); s.handle('b')\n"
            "assert 'textual' not in sys.modules, 'textual imported'\n"
            "assert 'torch' not in sys.modules and 'faiss' not in sys.modules\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
