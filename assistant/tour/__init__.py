"""The onboarding tour: lessons as data (``kb/tour/``), answer checking, fixes re-inspected, resumable progress.

>>> from assistant.tour import TourSession
>>> s = TourSession(lang="en")              # progress in state_dir()/tour.json
>>> markdown = s.start_or_resume()           # the current step; s.active is now True
>>> reply = s.handle("next")                 # an answer ("b", "2", a rule id, a DNS name), a pasted manifest or a command

Commands: next, skip, hint, check, back, menu, lesson N, lab, repeat, status, export, restart, help,
quit/exit (Chinese aliases accepted). No Textual here: the chat UI and ``python -m assistant.tour``
are thin shells over :class:`TourSession`.

Module layers (imports only go downwards): ``model`` <- ``checking``, ``inspecting``, ``shuffle``,
``progress`` <- ``lessons``, ``render``, ``record`` <- ``audit``, ``practice``, ``session``.
"""

from __future__ import annotations

from assistant.tour.audit import audit_lessons
from assistant.tour.lessons import load_lessons
from assistant.tour.model import Lesson
from assistant.tour.session import TourSession

__all__ = ["TourSession", "Lesson", "load_lessons", "audit_lessons"]
