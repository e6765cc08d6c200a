"""Answer a Traditional Chinese question in Traditional characters (the conversion and why:
``assistant.retrieval.chinese_script``)."""

from __future__ import annotations

from typing import Any

from assistant.retrieval.chinese_script import convert_strings, to_traditional


def answer_in_traditional(answer: Any) -> None:
    """Convert what the asker reads of an answer: its text, source titles and the diagnosis's
    causes, clues and narrowing question (ids, commands and URLs have no Chinese characters)."""
    answer.answer = to_traditional(answer.answer)
    answer.sources = convert_strings(answer.sources)
    for key in ("causes", "clues", "narrowing"):
        if key in answer.extra:
            answer.extra[key] = convert_strings(answer.extra[key])
