"""Where podtalk reads its data and keeps its generated files.

The KB ships in the repository (``kb/``); generated artefacts (index, ONNX-free embedding caches)
live in the cache directory, never in tracked files; conversation history and tour progress live in
the XDG state directory. Each location can be overridden by an environment variable so tests and
read-only installs can point elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def kb_dir() -> Path:
    """The knowledge-base directory (``$PODTALK_KB`` or the repository's ``kb/``)."""
    return Path(os.environ.get("PODTALK_KB") or REPO_DIR / "kb")


def eval_dir() -> Path:
    """The evaluation sets (``eval/`` next to ``kb/``)."""
    return REPO_DIR / "eval"


def cache_dir() -> Path:
    """Generated files: ``$PODTALK_CACHE``, else ``$XDG_CACHE_HOME/podtalk``, else ``~/.cache/podtalk``."""
    if os.environ.get("PODTALK_CACHE"):
        return Path(os.environ["PODTALK_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "podtalk"


def state_dir() -> Path:
    """History and progress: ``$PODTALK_STATE``, else ``$XDG_STATE_HOME/podtalk``, else ``~/.local/state/podtalk``."""
    if os.environ.get("PODTALK_STATE"):
        return Path(os.environ["PODTALK_STATE"])
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "podtalk"


def template_cache_dir() -> Path | None:
    """Where Jinja2 keeps compiled answer templates (``<cache>/templates``), or None when it cannot be
    created: compiling ~100 templates to Python costs ~50 ms of every cold answer otherwise."""
    path = cache_dir() / "templates"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    # Jinja2 creates its temporary file outside any try: a directory it cannot write to must not be
    # handed to it (the answer would fail instead of just compiling the templates again)
    return path if os.access(path, os.W_OK | os.X_OK) else None
