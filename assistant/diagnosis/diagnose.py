"""The diagnosis flow: text -> clues (patterns + pasted structure) -> ranked causes -> narrowing question.

:class:`Diagnoser` is created once per process (it holds the catalog and the symptom matcher) and is
pure apart from the lazily loaded phrase vectors; :class:`Diagnosis` is one result, ready to be
composed (:mod:`assistant.diagnosis.compose`) or serialised in the contract's ``diagnose --format
json`` shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from assistant import languages
from assistant.diagnosis import narrowing as narrowing_mod
from assistant.diagnosis.catalog import Catalog, Narrowing, cached_catalog
from assistant.diagnosis.clues import ClueHit, extract_clues, merge
from assistant.diagnosis.pasted import PastedKind, read_structure, recognise
from assistant.diagnosis.ranking import RankedCause, rank
from assistant.diagnosis.similarity import SymptomMatcher
from assistant.retrieval.text import detect_lang

MIN_EVIDENCE = 2.2
"""Raw evidence the leading cause needs before the diagnosis answers instead of the KB alone."""
TOP_K = 5


@dataclass
class Diagnosis:
    """Clues, ranked causes and (maybe) a narrowing question for one text."""

    text: str
    lang: str
    clues: list[ClueHit]
    pasted: list[PastedKind]
    ranked: list[RankedCause]
    narrowing: Narrowing | None = None
    asked: tuple[str, ...] = ()
    lexical: np.ndarray | None = field(default=None, repr=False)
    dense: np.ndarray | None = field(default=None, repr=False)

    @property
    def live(self) -> list[RankedCause]:
        """Causes nothing the asker said excludes, best first."""
        return [r for r in self.ranked if not r.ruled_out_by]

    @property
    def top(self) -> RankedCause | None:
        live = self.live
        return live[0] if live else None

    @property
    def confident(self) -> bool:
        """Enough evidence to lead with a cause (a clue or a close symptom match, not noise)."""
        top = self.top
        return top is not None and top.raw >= MIN_EVIDENCE

    @property
    def clue_ids(self) -> set[str]:
        return {h.id for h in self.clues}

    def causes_brief(self, k: int = TOP_K) -> list[dict[str, Any]]:
        """``[{"id", "score"}]`` of the best ``k`` live causes (what ``answer.causes`` exposes)."""
        return [{"id": r.id, "score": round(r.score, 4)} for r in self.live[:k]]

    def to_dict(self, answer: str = "", k: int = TOP_K) -> dict[str, Any]:
        """The contract's ``diagnose --format json`` object."""
        lang = languages.resolve(self.lang)
        causes = []
        shown = self.live[:k] + [r for r in self.ranked if r.ruled_out_by and r.evidence][:3]
        for r in shown:
            c = r.cause
            causes.append({
                "id": c.id, "title": c.title(lang), "score": round(r.score, 4), "topic": c.topic,
                "check": c.check_cmd, "fix": c.text("fix", lang), "evidence": r.evidence,
                "ruled_out_by": r.ruled_out_by, "sources": c.sources,
            })
        out: dict[str, Any] = {
            "clues": [h.to_dict() for h in self.clues],
            "pasted": [p.id for p in self.pasted],
            "causes": causes,
            "checks": [{"cause": r.id, "cmd": r.cause.check_cmd} for r in self.live[:3]],
            "answer": answer,
        }
        if self.narrowing is not None:
            out["narrowing"] = {"id": self.narrowing.id, "question": self.narrowing.text[lang],
                                "choices": [ch.label[lang] for ch in self.narrowing.choices]}
        return out


class Diagnoser:
    """Diagnoses texts against the cause catalog. Create once; ``diagnose`` many times."""

    def __init__(self, catalog: Catalog | None = None, retriever: Any = None) -> None:
        self.catalog = catalog or cached_catalog()
        self.matcher = SymptomMatcher(self.catalog, retriever)

    def clues(self, text: str) -> tuple[list[ClueHit], list[PastedKind]]:
        """The clues and pasted-output kinds of ``text`` (cheap: regexes only)."""
        found = merge(extract_clues(text, self.catalog), read_structure(text),
                      narrowing_mod.quoted_choices(self.catalog, text))
        return found, recognise(text)

    def diagnose(self, text: str, lang: str | None = None, *, use_dense: bool = True,
                 found: tuple[list[ClueHit], list[PastedKind]] | None = None) -> Diagnosis:
        """Clues and ranked causes for a question or pasted output (``found``: clues already extracted)."""
        lang = lang or detect_lang(text)
        clues, pasted = found if found is not None else self.clues(text)
        lexical = self.matcher.lexical(text, lang)
        dense = self.matcher.dense(text, lang) if use_dense else None
        ranked = rank(self.catalog, clues, lexical=lexical, dense=dense)
        d = Diagnosis(text=text, lang=lang, clues=clues, pasted=pasted, ranked=ranked, lexical=lexical, dense=dense)
        d.narrowing = narrowing_mod.choose(self.catalog, ranked, d.clue_ids, set())
        return d

    def refine(self, previous: Diagnosis, new_clues: list[ClueHit]) -> Diagnosis:
        """Re-rank with clues the asker added (a narrowing reply); the asked question is not asked again."""
        asked = previous.asked + ((previous.narrowing.id,) if previous.narrowing else ())
        clues = merge(previous.clues, new_clues)
        ranked = rank(self.catalog, clues, lexical=previous.lexical, dense=previous.dense)
        d = replace(previous, clues=clues, ranked=ranked, asked=asked, narrowing=None)
        d.narrowing = narrowing_mod.choose(self.catalog, ranked, d.clue_ids, set(asked))
        return d


_DIAGNOSERS: dict[tuple[int, str], tuple[Any, Diagnoser]] = {}


def diagnoser_for(retriever: Any = None) -> Diagnoser:
    """One diagnoser per retriever (the engine's) and KB directory, so phrase vectors load once per process."""
    from assistant.paths import kb_dir

    key = (id(retriever), str(kb_dir()))
    held = _DIAGNOSERS.get(key)
    if held is None or held[0] is not retriever:  # the retriever is held, so its id cannot be reused
        held = (retriever, Diagnoser(catalog=cached_catalog(), retriever=retriever))
        _DIAGNOSERS[key] = held
    return held[1]
