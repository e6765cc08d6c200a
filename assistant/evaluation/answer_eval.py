"""Answer-level evaluation over ``Assistant.ask``: fact coverage, abstention, causes, latency.

Fact coverage counts only the answer body (issue 14): the "Related:" line lists KB titles and the
"Sources:" block lists URLs, and a fact that appears only there is a fact the answer never states.
Cause hit@k reads ``answer.causes`` (a ranked list of ``{"id": ..., "score": ...}``) when the
assistant provides it; an answer without causes simply misses.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from typing import Any

from assistant.evaluation.datasets import Question
from assistant.evaluation.metrics import facts_present

RELATED_LABELS = ("Related:", "相关主题：", "相关主题:")
"""Labels of the related-topics line (``answering/templates/*/_parts.md.j2``)."""
SOURCES_MARKERS = ("Sources:", "参考文档：", "参考文档:")
"""Headings of the sources block (``answering/compose.py`` ``SOURCES_MARKER``)."""

_SOURCES_LINE = re.compile(r"^\s*(?:\*\*)?(?:" + "|".join(re.escape(m) for m in SOURCES_MARKERS) + r")(?:\*\*)?\s*$")


def answer_body(text: str) -> str:
    """The answer without its related-topics line and without the sources block that ends it."""
    kept: list[str] = []
    for line in text.splitlines():
        if _SOURCES_LINE.match(line):
            break
        if line.lstrip().startswith(RELATED_LABELS):
            continue
        kept.append(line)
    return "\n".join(kept)


def ranked_cause_ids(answer: Any) -> list[str]:
    """Cause ids the answer ranks, best first; [] when the assistant attaches no causes."""
    causes = getattr(answer, "causes", None)
    if causes is None:
        extra = getattr(answer, "extra", None)
        causes = extra.get("causes") if isinstance(extra, dict) else None
    ids: list[str] = []
    for c in causes or []:
        cid = c.get("id") if isinstance(c, dict) else getattr(c, "id", None)
        if cid:
            ids.append(str(cid))
    return ids


def evaluate_answers(assistant: Any, questions: Sequence[Question], mode: str,
                     on_progress: Callable[[], None] | None = None) -> dict[str, dict[str, Any]]:
    """Per-question answer rows keyed by question id."""
    rows: dict[str, dict[str, Any]] = {}
    for q in questions:
        t0 = time.perf_counter()
        ans = assistant.ask(q.question, retriever=mode)
        ms = (time.perf_counter() - t0) * 1000
        found, asked = (0, 0) if q.out_of_scope else facts_present(answer_body(ans.answer), q.must_mention)
        row: dict[str, Any] = {"abstained": bool(ans.abstained), "facts_found": found, "facts_asked": asked,
                               "ms": ms, "answer_top": [s.get("topic") for s in ans.sources[:3]]}
        if q.symptom and q.causes:
            ranked = ranked_cause_ids(ans)
            acceptable = set(q.causes)
            row["cause_hit@1"] = 1.0 if any(c in acceptable for c in ranked[:1]) else 0.0
            row["cause_hit@3"] = 1.0 if any(c in acceptable for c in ranked[:3]) else 0.0
            row["causes_top"] = ranked[:3]
        rows[q.id] = row
        if on_progress:
            on_progress()
    return rows
