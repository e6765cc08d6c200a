"""Rank causes from clues and symptom similarity.

A cause gains from each of its ``signatures`` found in the text, each ``rule_in`` clue, and from how
close the text is to its symptom phrases, on top of a prior for how common the cause is in practice
(``commonness``); a clue is worth more the fewer causes it points to (``no
route to host`` says less than ``plugin/loop``). A ``rule_out`` clue the asker reported demotes the
cause and is remembered as ``ruled_out_by`` (the answer says what it excluded and never repeats that
cause's check). Scores are a softmax over the raw evidence, so they read as shares of belief.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from assistant.diagnosis.catalog import Catalog, Cause
from assistant.diagnosis.clues import ClueHit

SIGNATURE_WEIGHT = (1.0, 3.0)     # base + spread / sqrt(number of causes the clue points to)
OBSERVATION_WEIGHT = (0.8, 1.8)
ENVIRONMENT_WEIGHT = (0.25, 0.9)
RULE_IN_SIGNATURE_FACTOR = 0.7    # a signature listed under rule_in counts a little less
DENSE_RELATIVE_WEIGHT = 2.5   # (cos - median) / (best - median): which causes read most like the text
DENSE_ABSOLUTE_WEIGHT, DENSE_FLOOR = 3.0, 0.45   # a phrase that is really close earns on its own
LEXICAL_WEIGHT = 2.0          # BM25 relative to the best cause, damped when even the best is weak
LEXICAL_SATURATION = 8.0
COMMONNESS_PRIOR = {"common": 1.0, "occasional": 0.0, "rare": -0.8}
"""Evidence a cause starts with (a log-prior): with no telling clue, a generic "DNS lookups time out"
starts where an engineer does (CoreDNS), not at a node-level cause whose phrases read alike. Each
specific clue the asker gives (a signature or an observation) halves it, so their report decides."""
GENERIC_CLUES = frozenset({"obs-failure-reported", "obs-dns-fails"})
"""Clues that only say that something (or name resolution) fails: a report with no more is generic."""
RULED_OUT_FACTOR = 0.15
MISSING_REQUIREMENT_FACTOR = 0.5
TEMPERATURE = 1.0


@dataclass
class RankedCause:
    """One cause with the evidence that ranked it."""

    cause: Cause
    raw: float
    score: float = 0.0
    evidence: list[str] = field(default_factory=list)
    ruled_out_by: list[str] = field(default_factory=list)
    similarity: float = 0.0

    @property
    def id(self) -> str:
        return self.cause.id


_POINTING: dict[int, dict[str, int]] = {}


def _pointing(catalog: Catalog) -> dict[str, int]:
    """How many causes each clue points to (signatures and rule_in), per catalog."""
    cached = _POINTING.get(id(catalog))
    if cached is not None:
        return cached
    counts: dict[str, int] = {}
    for c in catalog.causes:
        for cid in set(c.signatures) | set(c.rule_in):
            counts[cid] = counts.get(cid, 0) + 1
    _POINTING[id(catalog)] = counts
    return counts


def clue_weight(kind: str, pointing: int) -> float:
    base, spread = {"signature": SIGNATURE_WEIGHT, "observation": OBSERVATION_WEIGHT}.get(kind, ENVIRONMENT_WEIGHT)
    return base + spread / math.sqrt(max(1, pointing))


def prior_weight(clues: list[ClueHit]) -> float:
    """How much the commonness prior counts: fully for a generic report, less with each specific clue."""
    specific = sum(1 for h in clues if h.kind in ("signature", "observation") and h.id not in GENERIC_CLUES)
    return 1.0 / (1 + specific)


def similarity_parts(n: int, lexical: np.ndarray | None, dense: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Evidence from symptom similarity, per cause: relative to the other causes (a long paste is close
    to everything in absolute terms) plus an absolute bonus for a really close phrase."""
    dense_part = np.zeros(n, dtype=np.float32)
    lexical_part = np.zeros(n, dtype=np.float32)
    if dense is not None and n:
        med, best = float(np.median(dense)), float(dense.max())
        rel = np.clip((dense - med) / max(best - med, 1e-6), 0.0, 1.0)
        dense_part = DENSE_RELATIVE_WEIGHT * rel + DENSE_ABSOLUTE_WEIGHT * np.clip(dense - DENSE_FLOOR, 0.0, None)
    if lexical is not None and n:
        best = float(lexical.max())
        if best > 0:
            lexical_part = LEXICAL_WEIGHT * (lexical / best) * (best / (best + LEXICAL_SATURATION)) * 2.0
    return dense_part, lexical_part


def rank(catalog: Catalog, clues: list[ClueHit], *, lexical: np.ndarray | None = None,
         dense: np.ndarray | None = None) -> list[RankedCause]:
    """Every cause, best first."""
    found = {h.id: h for h in clues}
    pointing = _pointing(catalog)
    kinds = {c.id: c.kind for c in catalog.clues}
    dense_part, lexical_part = similarity_parts(len(catalog.causes), lexical, dense)
    prior_scale = prior_weight(clues)
    ranked: list[RankedCause] = []
    for i, cause in enumerate(catalog.causes):
        raw = 0.0
        evidence: list[str] = []
        for cid in cause.signatures:
            if cid in found:
                raw += clue_weight(kinds.get(cid, "signature"), pointing.get(cid, 1))
                evidence.append(cid)
        for cid in cause.rule_in:
            if cid in found and cid not in evidence:
                w = clue_weight(kinds.get(cid, "observation"), pointing.get(cid, 1))
                raw += w * (RULE_IN_SIGNATURE_FACTOR if kinds.get(cid) == "signature" else 1.0)
                evidence.append(cid)
        sim = float(dense_part[i] + lexical_part[i])
        raw += sim + prior_scale * COMMONNESS_PRIOR.get(cause.commonness, 0.0)
        if cause.requires and not any(cid in found for cid in cause.requires):
            raw *= MISSING_REQUIREMENT_FACTOR
        out = [cid for cid in cause.rule_out if cid in found]
        if out:
            raw *= RULED_OUT_FACTOR
        ranked.append(RankedCause(cause, raw, evidence=evidence, ruled_out_by=out, similarity=sim))
    if ranked:
        m = max(r.raw for r in ranked)
        exps = [math.exp((r.raw - m) / TEMPERATURE) for r in ranked]
        total = sum(exps)
        for r, e in zip(ranked, exps):
            r.score = e / total
    ranked.sort(key=lambda r: (-r.raw, r.id))
    return ranked
