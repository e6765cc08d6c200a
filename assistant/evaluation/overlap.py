"""Near-copy detection between question sets (issue 14 and 18: a copy is a difflib ratio above 0.9).

An eval question that nearly repeats a KB sample question measures a lookup, not retrieval: every
sample question is embedded and indexed, so the guard must see through case, punctuation, spacing,
full-width characters and a planted typo. Texts are normalised (NFKC, lower case, punctuation and
whitespace removed) and then compared with ``difflib.SequenceMatcher``.

>>> normalise("Is Ingress deprecated?") == normalise("is ingress  deprecated")
True
>>> round(similarity("what is a headless service", "what is a headles service"), 3) > 0.9
True
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

COPY_RATIO = 0.9
"""Issue 14: "a difflib ratio above 0.9 counts as a copy"."""

_DROP = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC, lower case, every run of punctuation or whitespace removed."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())


def similarity(a: str, b: str) -> float:
    """difflib ratio of the normalised texts (1.0 for equal texts)."""
    na, nb = normalise(a), normalise(b)
    if na == nb:
        return 1.0
    return difflib.SequenceMatcher(None, na, nb, autojunk=False).ratio()


@dataclass(frozen=True)
class NearCopy:
    left: str
    right: str
    ratio: float


def near_copies(left: Iterable[str], right: Iterable[str], threshold: float = COPY_RATIO) -> list[NearCopy]:
    """Every (left, right) pair whose ratio is above ``threshold``, highest first.

    Uses difflib's cheap upper bounds before the exact ratio, so a few hundred by a few thousand
    texts stay well under a second.
    """
    rights = [(r, normalise(r)) for r in right]
    found: list[NearCopy] = []
    for l_text in left:
        nl = normalise(l_text)
        if not nl:
            continue
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(nl)
        for r_text, nr in rights:
            if not nr:
                continue
            if nr == nl:
                found.append(NearCopy(l_text, r_text, 1.0))
                continue
            longest, shortest = max(len(nl), len(nr)), min(len(nl), len(nr))
            if 2 * shortest / (longest + shortest) <= threshold:
                continue
            matcher.set_seq1(nr)
            if matcher.real_quick_ratio() <= threshold or matcher.quick_ratio() <= threshold:
                continue
            ratio = matcher.ratio()
            if ratio > threshold:
                found.append(NearCopy(l_text, r_text, ratio))
    return sorted(found, key=lambda c: -c.ratio)
