"""Import hygiene: the inspector is pure and light; it never pulls in the UI or the model stack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("textual", "torch", "sentence_transformers", "faiss")


def test_inspection_imports_nothing_heavy():
    code = ("import sys, assistant.inspection, assistant.inspection.command as c;"
            "from assistant.inspection import inspect_text; inspect_text('kind: Service\\nmetadata: {name: a}\\n');"
            f"print([m for m in {HEAVY!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_no_heavy_import_statements_in_the_package():
    for path in (REPO / "assistant" / "inspection").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name in HEAVY:
            assert f"import {name}" not in text and f"from {name}" not in text, path
