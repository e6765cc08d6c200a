"""Whole-word search for many literal terms at once (scope areas, networking keywords).

Why not one regular expression alternation: compiling ``(?<![a-z0-9])(?:term|term|...)(?![a-z0-9])``
over the KB's ~600 keywords took ~45 ms of every cold answer (Python's regex compiler is pure Python),
while a question is ~60 characters: indexing the terms by their first character and checking
``str.startswith`` at each word start finds the same match in microseconds (property-tested against
the regular expression).
"""

from __future__ import annotations

from collections.abc import Iterable

_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


class TermMatcher:
    """Finds the leftmost term in a (lower-cased) text that is not glued to letters or digits on
    either side; at one position the longest term wins, as in a length-sorted regex alternation."""

    def __init__(self, terms: Iterable[str]) -> None:
        by_start: dict[str, list[str]] = {}
        for term in {t.lower() for t in terms if t}:
            by_start.setdefault(term[0], []).append(term)
        for group in by_start.values():
            group.sort(key=len, reverse=True)
        self._by_start = by_start

    def __bool__(self) -> bool:
        return bool(self._by_start)

    def search(self, text: str) -> str | None:
        """The first matching term in ``text`` (already lower-cased), or None."""
        by_start = self._by_start
        n = len(text)
        prev_word = False
        for pos, ch in enumerate(text):
            if not prev_word:
                for term in by_start.get(ch, ()):
                    if text.startswith(term, pos):
                        end = pos + len(term)
                        if end == n or text[end] not in _WORD_CHARS:
                            return term
            prev_word = ch in _WORD_CHARS
        return None
