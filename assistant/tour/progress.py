"""Tour progress on disk: where the learner is, how each step went, and the learner's shuffle seed.

Stored as JSON at ``state_dir()/tour.json`` and written atomically (temporary file in the same
directory, then ``os.replace``), so a crash never leaves half a file. The position is kept by lesson
*id*, so adding or reordering lessons does not move a learner to the wrong lesson. The ``seed``
fixes the order of every option list for this learner, so a resumed tour shows the same letters.
An unreadable or foreign file is treated as no progress rather than an error: losing a tour
position is cheaper than refusing to start.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.atomic import atomic_write_text

__all__ = ["Progress", "STEPS", "load_progress", "save_progress", "default_state_path", "new_seed"]

STEPS = ("explanation", "exercise", "fix", "quiz")
VERSION = 1


def default_state_path() -> Path:
    from assistant.paths import state_dir

    return state_dir() / "tour.json"


def new_seed() -> int:
    """A fresh per-learner seed for the option order."""
    return secrets.randbelow(2**31)


@dataclass
class Progress:
    """The learner's position and results."""

    lesson: str | None = None
    """Id of the current lesson (None: not started)."""
    step: str = "explanation"
    """One of :data:`STEPS`."""
    finished: bool = False
    attempts: int = 0
    """Wrong answers so far on the current step."""
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    """lesson id -> {"exercise"|"fix"|"quiz": {"result": "correct"|"skipped", "attempts": n}}."""
    seed: int | None = None
    found: list[str] = field(default_factory=list)
    """Capstone exercises: the rules named so far on the current step."""
    started: str = ""
    finished_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"version": VERSION, "lesson": self.lesson, "step": self.step, "finished": self.finished,
                "attempts": self.attempts, "results": self.results, "seed": self.seed, "found": self.found,
                "started": self.started, "finished_at": self.finished_at}

    @classmethod
    def from_dict(cls, data: Any) -> "Progress":
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return cls()
        step = data.get("step") if data.get("step") in STEPS else "explanation"
        results = data.get("results") if isinstance(data.get("results"), dict) else {}
        lesson = data.get("lesson") if isinstance(data.get("lesson"), str) else None
        attempts = data.get("attempts") if isinstance(data.get("attempts"), int) else 0
        seed = data.get("seed") if isinstance(data.get("seed"), int) else None
        found = [r for r in data.get("found", []) if isinstance(r, str)] if isinstance(data.get("found"), list) else []
        return cls(lesson=lesson, step=step, finished=bool(data.get("finished")), attempts=max(attempts, 0),
                   results={k: v for k, v in results.items() if isinstance(v, dict)}, seed=seed, found=found,
                   started=str(data.get("started") or ""), finished_at=str(data.get("finished_at") or ""))


def load_progress(path: Path) -> Progress:
    try:
        return Progress.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return Progress()


def save_progress(path: Path, progress: Progress) -> None:
    """Write atomically: temp file in the same directory, fsync, ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(progress.to_dict(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    atomic_write_text(path, text)
