"""Find clues in a question or pasted output: every clue whose patterns match (and whose ``unless``
patterns do not), with the text that matched, so the answer can quote what the asker reported.

Pure and fast (compiled regexes from ``kb/clues/*.yaml``); structured readings of pasted tables and
logs live in :mod:`assistant.diagnosis.pasted` and arrive here as extra hits.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.diagnosis.catalog import Catalog, Clue

MAX_QUOTE = 80


@dataclass(frozen=True)
class ClueHit:
    """One clue found in the text."""

    id: str
    kind: str
    text: str
    """What matched (trimmed), or the reading of a pasted table/log that produced it."""
    origin: str = "text"
    """``text`` (a pattern matched), ``pasted`` (read from a table or log), ``answer`` (a narrowing choice)."""

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text, "value": self.id}


def _match(clue: Clue, text: str) -> str | None:
    for unless in clue.unless:
        if unless.search(text):
            return None
    for pat in clue.patterns:
        m = pat.search(text)
        if m:
            quote = " ".join(m.group(0).split())
            return quote if len(quote) <= MAX_QUOTE else quote[: MAX_QUOTE - 1] + "…"
    return None


REPORT_CLUES = frozenset({"obs-failure-reported"})
"""Observations that on their own make a question a symptom report (with every signature)."""


def reports_failure(text: str, catalog: Catalog) -> bool:
    """Whether ``text`` quotes an error signature or says something fails: the cheap first test of a
    symptom report, which compiles only those clues' patterns (most questions stop here)."""
    return any(_match(clue, text) is not None for clue in catalog.clues
               if clue.kind == "signature" or clue.id in REPORT_CLUES)


def extract_clues(text: str, catalog: Catalog) -> list[ClueHit]:
    """Clues whose patterns match ``text``, in catalog order (signatures, observations, environment)."""
    hits: list[ClueHit] = []
    for clue in catalog.clues:
        quote = _match(clue, text)
        if quote is not None:
            hits.append(ClueHit(clue.id, clue.kind, quote))
    order = {"signature": 0, "observation": 1, "environment": 2}
    return sorted(hits, key=lambda h: order.get(h.kind, 3))


def merge(*groups: list[ClueHit]) -> list[ClueHit]:
    """Clue hits without duplicate ids (the first hit of an id wins)."""
    seen: set[str] = set()
    out: list[ClueHit] = []
    for group in groups:
        for h in group:
            if h.id not in seen:
                seen.add(h.id)
                out.append(h)
    return out
