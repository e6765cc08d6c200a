"""TermMatcher finds what the regular expression alternation it replaced found."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.retrieval.terms import TermMatcher

_ALPHABET = "ab1- .服务"


def _regex(terms: list[str]) -> re.Pattern[str]:
    alts = sorted({t.lower() for t in terms}, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(t) for t in alts) + r")(?![a-z0-9])")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(_ALPHABET, min_size=1, max_size=5), min_size=1, max_size=8),
       st.text(_ALPHABET, max_size=30))
def test_same_match_as_the_regex_alternation(terms, text):
    m = _regex(terms).search(text)
    assert TermMatcher(terms).search(text) == (m.group(0) if m else None)


def test_whole_words_only():
    m = TermMatcher(["pv", "volume snapshot", "rbac"])
    assert m.search("how do i resize a pv") == "pv"
    assert m.search("what is ipvs mode") is None          # 'pv' inside a word
    assert m.search("take a volume snapshot.") == "volume snapshot"
    assert m.search("rbac-role") == "rbac"                 # '-' is a boundary, as in the regex
    assert not TermMatcher([])
