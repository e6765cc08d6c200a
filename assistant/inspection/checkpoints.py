"""Progress reports and cancellation points for one inspection.

Why: a 10,000-document bundle takes seconds, and the chat and the CLI show a progress bar and let
the user stop it. The pipeline calls one :class:`Checkpoint` at stage boundaries and every
:data:`EVERY` documents or pairs inside a long stage; it reports ``progress(stage, done, total)``
and raises :class:`~assistant.errors.Cancelled` as soon as ``cancelled()`` says so.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.errors import Cancelled

__all__ = ["Checkpoint", "EVERY", "STAGES"]

STAGES = ("parse", "model", "rules", "reach")
"""The stages an inspection reports, in order."""
EVERY = 50
"""Documents or pairs between two checkpoints inside a stage."""

Progress = Callable[[str, int, int], None]


class Checkpoint:
    """Call at checkpoints: ``checkpoint(stage, done, total)``; does nothing without hooks."""

    def __init__(self, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> None:
        self.progress = progress
        self.cancelled = cancelled
        self.active = progress is not None or cancelled is not None
        """False: no hook, so loops may skip their checkpoint bookkeeping."""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.cancelled is not None and self.cancelled():
            raise Cancelled(f"inspection cancelled during {stage} ({done:,} of {total:,})")
        if self.progress is not None:
            self.progress(stage, done, total)


NONE = Checkpoint()
"""The silent checkpoint (no progress, never cancelled)."""
