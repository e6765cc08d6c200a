"""Tour progress on disk: where the learner is and how each step went.

Stored as JSON at ``state_dir()/tour.json`` and written atomically (temporary file in the same
directory, then ``os.replace``), so a crash never leaves half a file. The position is kept by lesson
*id*, so adding or reordering lessons does not move a learner to the wrong lesson. An unreadable
or foreign file is treated as no progress rather than an error: losing a tour position is cheaper
than refusing to start.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.atomic import atomic_write_text

__all__ = ["Progress", "STEPS", "load_progress", "save_progress", "default_state_path"]

STEPS = ("explanation", "exercise", "quiz")
VERSION = 1


def default_state_path() -> Path:
    from assistant.paths import state_dir

    return state_dir() / "tour.json"


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
    """lesson id -> {"exercise": {"result": "correct"|"skipped", "attempts": n}, "quiz": {...}}."""

    def to_dict(self) -> dict[str, Any]:
        return {"version": VERSION, "lesson": self.lesson, "step": self.step, "finished": self.finished,
                "attempts": self.attempts, "results": self.results}

    @classmethod
    def from_dict(cls, data: Any) -> "Progress":
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return cls()
        step = data.get("step") if data.get("step") in STEPS else "explanation"
        results = data.get("results") if isinstance(data.get("results"), dict) else {}
        lesson = data.get("lesson") if isinstance(data.get("lesson"), str) else None
        attempts = data.get("attempts") if isinstance(data.get("attempts"), int) else 0
        return cls(lesson=lesson, step=step, finished=bool(data.get("finished")), attempts=max(attempts, 0),
                   results={k: v for k, v in results.items() if isinstance(v, dict)})


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
