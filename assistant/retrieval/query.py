"""Query understanding: glossary expansion (Chinese terms also search their English names) and cheap
typo normalisation (a misspelt word is mapped to the closest KB vocabulary word).

Typo correction uses rapidfuzz's Indel ratio (the same 2*matches/length measure as difflib's
``get_close_matches``, computed exactly in C) with the same 0.84 cutoff: ~9 ms of every warm answer
went to difflib scanning the vocabulary in Python.
"""

from __future__ import annotations

from functools import lru_cache
import re
from typing import Any

_WORD = re.compile(r"[A-Za-z][A-Za-z-]{3,}")
_LATIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/-]*")


def _drop_de(text: str) -> str:
    """Glossary matching ignores 的, which engineers insert freely (固定的网络标识 = 固定网络标识)."""
    return text.replace("的", "")


class QueryExpander:
    """Adds the English glossary terms for any Chinese term found in a query, and fixes typos."""

    def __init__(self, glossary: list[dict[str, Any]], vocabulary: set[str]) -> None:
        pairs: list[tuple[str, str]] = []
        for item in glossary:
            for zh in item["zh"]:
                pairs.append((_drop_de(zh.lower()), str(item["en"])))
        # longest first, so 无头服务 wins over 服务
        self.pairs = sorted(pairs, key=lambda p: -len(p[0]))
        self._ascii_pairs = [p for p in self.pairs if p[0].isascii()]
        """The pairs an ASCII query can contain (most glossary terms are Chinese): an English question
        skips the rest, with the same result (a term it cannot contain neither matches nor replaces)."""
        self.vocabulary = {w for w in vocabulary if len(w) > 3}
        self._vocab_list = sorted(self.vocabulary)
        self._closest = lru_cache(maxsize=4096)(self._closest_word)
        self._expanded = lru_cache(maxsize=256)(self._expand)

    def _closest_word(self, word: str) -> str | None:
        """The vocabulary word most similar to ``word`` (ratio >= 0.84), or None."""
        from rapidfuzz import fuzz, process

        from assistant.retrieval.calibration import TYPO_CUTOFF

        found = process.extract(word, self._vocab_list, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF * 100,
                                limit=None)
        # ties go to the lexicographically largest word, as difflib's get_close_matches did
        return max(found, key=lambda m: (m[1], m[0]))[0] if found else None

    def english_terms(self, query: str) -> list[str]:
        """English glossary terms for the Chinese (or mixed) terms in ``query``."""
        q = _drop_de(query.lower())
        found: list[str] = []
        for zh, en in self._ascii_pairs if q.isascii() else self.pairs:
            if zh in q:
                found.append(en)
                q = q.replace(zh, " ")
        return found

    def fix_typos(self, query: str) -> str:
        """Replace unknown English words by a close vocabulary word ('heedless' -> 'headless')."""
        def repl(m: re.Match[str]) -> str:
            word = m.group(0)
            low = word.lower()
            if low in self.vocabulary:
                return word
            return self._closest(low) or word

        return _WORD.sub(repl, query)

    def english_projection(self, query: str) -> str:
        """What the English-only dense model can use of a Chinese query: its Latin-script words and
        the glossary's English terms (empty when nothing is left: then dense has no signal)."""
        latin = " ".join(_LATIN.findall(query))
        return " ".join([latin, *self.english_terms(query)]).strip()

    def expand(self, query: str) -> str:
        """The text searched: typo-fixed query plus the English glossary terms (remembered for a few
        queries: an answer expands its question twice, for the search and for the fact ranking)."""
        return self._expanded(query)

    def _expand(self, query: str) -> str:
        fixed = self.fix_typos(query)
        extra = self.english_terms(query)
        return fixed + (" " + " ".join(extra) if extra else "")
