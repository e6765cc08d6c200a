"""Session fixtures: the real KB, the real bundled model, a real faiss index built once per session.

The index cache lives in a per-session temporary directory (``PODTALK_CACHE``) so the suite never
touches the user's cache and always exercises the build path once. ``make test`` runs the suite in
pytest-xdist workers (one per core): they share that cache, as several podtalk processes of one user
do, and the first worker to need the index builds it while the others wait for it (a file lock), so it
is built once per run, not once per worker. Each worker keeps its own ``PODTALK_STATE``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This test run's temporary root: shared by all xdist workers (each has its own basetemp under
    it), or the basetemp itself without xdist."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session", autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory):
    cache = _run_dir(tmp_path_factory) / "cache"
    cache.mkdir(exist_ok=True)
    state = tmp_path_factory.mktemp("state")
    old = {k: os.environ.get(k) for k in ("PODTALK_CACHE", "PODTALK_STATE", "PODTALK_KB", "NO_COLOR")}
    os.environ["PODTALK_CACHE"] = str(cache)
    os.environ["PODTALK_STATE"] = str(state)
    yield
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def kb():
    from assistant.knowledge import load_kb

    return load_kb()  # $PODTALK_KB if set, else the repository's kb/


@pytest.fixture(scope="session")
def encoder():
    from assistant.retrieval.numpy_encoder import NumpyEncoder

    return NumpyEncoder()


@pytest.fixture(scope="session")
def retriever(kb, encoder):
    """The session's retriever, with what ``podtalk index`` builds into the session cache: the index
    and the diagnosis's phrase vectors (built here, in-process, with the encoder that built the index;
    otherwise the first subprocess that diagnoses encodes them itself, or several at once)."""
    from filelock import FileLock

    from assistant.diagnosis.diagnose import diagnoser_for
    from assistant.retrieval.retriever import Retriever

    r = Retriever(kb, encoder=encoder)
    with FileLock(Path(os.environ["PODTALK_CACHE"]) / "session-index.lock"):  # one build per run
        r.warm_up()
        diagnoser_for(r).matcher.warm()
    return r


@pytest.fixture(scope="session")
def assistant(kb, retriever):
    from assistant.engine import Assistant

    return Assistant(kb, retriever=retriever)


def run_podtalk(*args: str, input: str | None = None, env: dict[str, str] | None = None, timeout: float = 60):
    """Run the real CLI in a subprocess (as a user would) and return the CompletedProcess."""
    import subprocess

    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=input, capture_output=True,
                          text=True, timeout=timeout, env=full_env, cwd=REPO)
