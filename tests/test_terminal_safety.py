"""One definition of what may reach a terminal (issue 18): the characters the question cleaner strips
never survive into printed text either."""

from __future__ import annotations

import json

import pytest

from assistant.terminal_safety import clean_question, json_safe, strip_unsafe

HOSTILE = ["\u200f", "\u061c", "\u2028", "\ufeff", "\u202e", "\x1b[31m", "\x1b]8;;http://x\x07", "\x9b2J", "\x07",
           "\x7f", "\u2066", "\ud800"]


@pytest.mark.parametrize("bad", HOSTILE)
def test_strip_and_clean_remove_the_same_characters(bad):
    text = f"web{bad}.shop"
    assert strip_unsafe(text) == "web.shop"
    assert bad not in clean_question(text)


def test_newlines_and_tabs_survive_printing_but_not_a_question():
    assert strip_unsafe("a\n\tb") == "a\n\tb"
    assert clean_question("a\n\tb") == "a b"


@pytest.mark.parametrize("bad", HOSTILE)
def test_json_output_escapes_but_round_trips(bad):
    raw = json.dumps({"q": f"x{bad}y"}, ensure_ascii=False)
    safe = json_safe(raw)
    assert bad not in safe
    assert json.loads(safe)["q"] == f"x{bad}y"
