"""The onboarding tour: lessons as data (``kb/tour/``), answer checking, resumable progress.

>>> from assistant.tour import TourSession
>>> s = TourSession(lang="en")              # progress in state_dir()/tour.json
>>> markdown = s.start_or_resume()           # the current step; s.active is now True
>>> reply = s.handle("next")                 # an answer ("b", "2", a rule id, a DNS name) or a command

Commands: next, skip, hint, repeat, status, restart, help, quit/exit (Chinese aliases accepted).
No Textual here: the chat UI and ``python -m assistant.tour`` are thin shells over :class:`TourSession`.
"""

from __future__ import annotations

from assistant.tour.lessons import Lesson, audit_lessons, load_lessons
from assistant.tour.session import TourSession

__all__ = ["TourSession", "Lesson", "load_lessons", "audit_lessons"]
