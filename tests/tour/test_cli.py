"""``python -m assistant.tour``: the plain-terminal loop (pasted manifests included), ``--practice``, ``--check``,
``podtalk tour --practice``, and import hygiene (no Textual, no model)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _run(args, input_text, tmp_path, module="assistant.tour", **env):
    full_env = dict(os.environ, PODTALK_STATE=str(tmp_path), **env)
    return subprocess.run([sys.executable, "-m", module, *args], input=input_text, capture_output=True,
                          text=True, timeout=60, cwd=REPO, env=full_env)


def test_plain_loop_runs_reads_a_pasted_fix_and_saves(tmp_path, lessons):
    fix = lessons[0].exercise.fix
    proc = _run(["--lang", "en"], "next\nhost-network\n" + fix + "\nquit\n", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "## Lesson 1/17 · The pod network model and CNI" in proc.stdout
    assert "**Correct:** `host-network`." in proc.stdout
    assert "**Now fixed:** `host-network` no longer fires." in proc.stdout
    assert "### Quiz 1/17" in proc.stdout
    assert "Tour paused" in proc.stdout and "python -m assistant.tour" in proc.stdout and "**/tour**" not in proc.stdout
    proc = _run(["--lang", "zh"], "", tmp_path)  # EOF pauses cleanly
    assert proc.returncode == 0 and "**欢迎回来**" in proc.stdout and "### 测验 1/17" in proc.stdout
    proc = _run(["--lang", "en", "--reset"], "quit\n", tmp_path)
    assert "**Welcome to the podtalk tour.**" in proc.stdout


def test_export_flag_writes_the_record(tmp_path):
    proc = _run(["--lang", "en", "--export"], "", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Completion record saved" in proc.stdout
    assert list(tmp_path.glob("tour-record-*.json")) and list(tmp_path.glob("tour-record-*.md"))


def test_check_passes():
    proc = subprocess.run([sys.executable, "-m", "assistant.tour", "--check"], capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "17 lessons, 0 problems" in proc.stdout


BROKEN = """apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
  ports:
    - port: 80
      targetPort: 9000
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      hostNetwork: true
      containers:
        - name: api
          image: example/api:1.0
          ports:
            - containerPort: 8080
"""


def test_podtalk_tour_practice_turns_findings_into_exercises(tmp_path):
    team = tmp_path / "team.yaml"
    team.write_text(BROKEN, encoding="utf-8")
    fixed = BROKEN.replace("targetPort: 9000", "targetPort: 8080")
    proc = _run(["tour", "--practice", str(team), "--lang", "en"], "next\nservice-target-port-mismatch\n" + fixed +
                "\nquit\n", tmp_path, module="assistant")
    assert proc.returncode == 0, proc.stderr
    assert "**Practice on your own manifest.**" in proc.stdout and "team.yaml" in proc.stdout
    assert "**Correct:** `service-target-port-mismatch`." in proc.stdout
    assert "**Now fixed:** `service-target-port-mismatch` no longer fires." in proc.stdout


def test_practice_on_a_missing_file_is_one_line(tmp_path):
    proc = _run(["--practice", str(tmp_path / "nope.yaml")], "", tmp_path)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "no such file" in proc.stderr


def test_tour_does_not_import_textual(tmp_path):
    code = ("import sys\nfrom assistant.tour import TourSession\n"
            f"s = TourSession(state_path={str(tmp_path / 't.json')!r})\ns.start_or_resume(); s.handle('next'); s.handle('b')\n"
            "assert 'textual' not in sys.modules, 'textual imported'\n"
            "assert 'torch' not in sys.modules and 'faiss' not in sys.modules\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.returncode == 0, proc.stderr


def test_tour_modules_import_in_one_direction():
    """No import cycle inside assistant/tour (issue 18: checking <-> lessons): every module-level
    ``from assistant.tour.X import`` points to a module lower in the layer list."""
    import ast

    layers = ["model", "checking", "inspecting", "shuffle", "progress", "lessons", "render", "record", "audit",
              "practice", "session"]
    folder = REPO / "assistant" / "tour"
    for name in layers:
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        for node in tree.body:  # module level only: lazy imports inside functions do not form cycles at import time
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant.tour."):
                target = node.module.split(".")[2]
                assert layers.index(target) < layers.index(name), f"{name} imports {target}"
            if isinstance(node, ast.ImportFrom) and node.module == "assistant.tour":
                assert [a.name for a in node.names] in (["render"],), f"{name} imports the package facade"
