"""A diagnosis conversation without any UI: the last diagnosis and the narrowing question it asked.

The chat keeps one :class:`DiagnosisSession` (``podtalk ask`` keeps it on the chat's ``Context``):
``start(text)`` diagnoses a report; when the answer ends with a narrowing question, a following
message that is just a choice ("2", "(2)", or text close to a choice) goes to ``answer(text)``, which
adds that choice's clues and ranks again. Anything else is a new question.
"""

from __future__ import annotations

from assistant import languages
from assistant.diagnosis.catalog import Narrowing
from assistant.diagnosis.clues import ClueHit
from assistant.diagnosis.diagnose import Diagnoser, Diagnosis
from assistant.diagnosis.narrowing import read_choice


class DiagnosisSession:
    """State of one diagnosis thread: ``start`` a report, then ``answer`` its narrowing question."""

    def __init__(self, diagnoser: Diagnoser | None = None) -> None:
        self.diagnoser = diagnoser or Diagnoser()
        self.current: Diagnosis | None = None
        """The latest diagnosis (None before the first report)."""

    @property
    def pending(self) -> Narrowing | None:
        """The narrowing question waiting for a reply, if any."""
        return self.current.narrowing if self.current is not None else None

    def start(self, text: str, lang: str | None = None) -> Diagnosis:
        """Diagnose a new report; any earlier narrowing question is dropped."""
        self.current = self.diagnoser.diagnose(text, lang)
        return self.current

    def is_reply(self, text: str) -> bool:
        """Whether ``text`` answers the pending narrowing question."""
        q = self.pending
        return q is not None and read_choice(q, text, self.current.lang if self.current else languages.DEFAULT) is not None

    def answer(self, text: str) -> Diagnosis | None:
        """Apply a reply to the pending question: the refined diagnosis, or None if ``text`` picks no choice."""
        q = self.pending
        if q is None or self.current is None:
            return None
        choice = read_choice(q, text, self.current.lang)
        if choice is None:
            return None
        kinds = {c.id: c.kind for c in self.diagnoser.catalog.clues}
        label = choice.label[languages.resolve(self.current.lang)]
        hits = [ClueHit(cid, kinds.get(cid, "observation"), label, origin="answer") for cid in choice.clues]
        self.current = self.diagnoser.refine(self.current, hits)
        return self.current

    def clear(self) -> None:
        self.current = None
