"""The answering layer's view of :mod:`assistant.terminal_safety` (the one sanitiser): a pasted
question is cleaned before it is searched and echoed; JSON output escapes what a terminal must not see."""

from __future__ import annotations

from assistant.terminal_safety import MAX_QUESTION_CHARS, clean_question, json_safe, strip_unsafe

__all__ = ["MAX_QUESTION_CHARS", "clean_question", "json_safe", "strip_unsafe"]
