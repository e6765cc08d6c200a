"""Pick the one narrowing question that best separates the leading causes, and read a reply to it.

A question separates two causes when one of its choices would count for one and not the other (a
choice's clue is in one cause's signatures/rule_in but not the other's, or in its rule_out). The
question that separates the top two and most other close pairs wins; questions already asked, or
that the asker already answered (every clue of one choice is known), are skipped.
"""

from __future__ import annotations

import difflib
import re

from assistant import languages
from assistant.diagnosis.catalog import Catalog, Cause, Choice, Narrowing
from assistant.diagnosis.clues import ClueHit
from assistant.diagnosis.ranking import RankedCause

CLOSE_RATIO = 0.6
"""The runner-up counts as close when its score is at least this share of the leader's."""
CANDIDATES = 4


def _effect(cause: Cause, choice: Choice) -> int:
    eff = 0
    for cid in choice.clues:
        if cid in cause.rule_out:
            return -1
        if cid in cause.signatures or cid in cause.rule_in:
            eff = 1
    return eff


def is_close(ranked: list[RankedCause]) -> bool:
    """The runner-up is close in score, or the asker's clues fit the two leaders equally (then only
    phrase similarity and how common each cause is separate them, which a question should settle)."""
    live = [r for r in ranked if not r.ruled_out_by]
    if len(live) < 2:
        return False
    same_clues = bool(live[0].evidence) and set(live[0].evidence) == set(live[1].evidence)
    return same_clues or live[1].score >= CLOSE_RATIO * live[0].score


def choose(catalog: Catalog, ranked: list[RankedCause], known: set[str], asked: set[str]) -> Narrowing | None:
    """The narrowing question for this ranking, or None when the leader is clear or nothing separates."""
    if not is_close(ranked):
        return None
    live = [r for r in ranked if not r.ruled_out_by]
    top = live[:2] + [r for r in live[2:CANDIDATES] if r.score >= CLOSE_RATIO * 0.5 * live[0].score]
    best: tuple[float, Narrowing] | None = None
    for q in catalog.narrowing:
        if q.id in asked:
            continue
        if any(ch.clues and set(ch.clues) <= known for ch in q.choices):
            continue  # the asker already said which choice holds
        effects = [[_effect(r.cause, ch) for ch in q.choices] for r in top]
        if effects[0] == effects[1] or 1 not in effects[0] + effects[1]:
            continue  # does not tell the two leaders apart, or no answer would confirm either
        pairs = sum(1 for i in range(len(top)) for j in range(i + 1, len(top)) if effects[i] != effects[j])
        support = sum(1 for row in effects if 1 in row)  # causes some answer would confirm
        value = pairs + 0.5 * support
        if best is None or value > best[0]:
            best = (value, q)
    return best[1] if best else None


_NUMBER = re.compile(r"^\s*[(（]?\s*(\d{1,2})\s*[)）.、]?\s*$")


def read_choice(question: Narrowing, reply: str, lang: str) -> Choice | None:
    """The choice a reply picks: its number ("2", "(2)"), or text close to one label; None otherwise."""
    m = _NUMBER.match(reply)
    if m:
        n = int(m.group(1))
        return question.choices[n - 1] if 1 <= n <= len(question.choices) else None
    text = " ".join(reply.lower().split())
    if not text or len(text) > 160:
        return None
    best: tuple[float, Choice] | None = None
    for ch in question.choices:
        for label in (ch.label[code] for code in languages.codes()):
            lab = re.sub(r"[`*]", "", label.lower())
            ratio = difflib.SequenceMatcher(None, text, lab).ratio()
            head = re.split(r"[:：]", lab, maxsplit=1)[0].strip()
            if text == head or (len(text) >= 4 and (text in lab or lab in text)):
                ratio = max(ratio, 0.9)
            if best is None or ratio > best[0]:
                best = (ratio, ch)
    return best[1] if best and best[0] >= 0.6 else None


MIN_QUOTED_LABEL = 6
"""A choice label shorter than this (normalised) is too common a phrase to count as a quoted answer."""


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[`*]", "", text).lower().split())


def quoted_choices(catalog: Catalog, text: str) -> list[ClueHit]:
    """Clues of every narrowing choice whose label ``text`` quotes in full: a one-shot ``podtalk ask``
    cannot take a numbered reply, so its answer asks the user to ask again with the matching line added,
    and that line must then count as the chat's reply would."""
    norm = _normal(text)
    kinds = {c.id: c.kind for c in catalog.clues}
    hits: list[ClueHit] = []
    for q in catalog.narrowing:
        for ch in q.choices:
            if not ch.clues:
                continue
            for label in ch.label.values():
                lab = _normal(label)
                if len(lab) >= MIN_QUOTED_LABEL and lab in norm:
                    hits += [ClueHit(cid, kinds.get(cid, "observation"), label, origin="answer") for cid in ch.clues]
                    break
    return hits
