"""``podtalk ask`` with hostile questions (real processes): empty, 100 KB, punctuation only, emoji,
control characters and ANSI escapes, mixed scripts. Nothing hostile is ever echoed raw to stdout,
in text or in JSON (JSON escapes it: the decoded ``question`` is still exactly what was asked)."""

from __future__ import annotations

import json

import pytest

from tests.robustness.conftest import assert_clean_failure, run_all

LONG = "what is a headless service " + "x" * 100_000
HOSTILE = [
    LONG,
    "?!?!...;;,,--",
    "🚀🔥 pods? 🐳👩‍💻",
    "what is 无头服务 и сервис وخدمة",
    "\x1b[31mwhat is\x1b[0m a \x1b]0;pwned\x07headless\x07\x08 service\x1b[2J \x9b31m \u202eevil\u202c \x7f",
]
# what must never reach the terminal raw: ESC, BEL, BS, CSI (C1), DEL, bidi override, UTF-8-encoded C1
RAW = [b"\x1b", b"\x07", b"\x08", b"\x7f", b"\xc2\x9b", b"\xc2\x9d", b"\xe2\x80\xae", b"\xed\xb3\xbf"]


@pytest.fixture(scope="module")
def runs(retriever):  # the session retriever has written the index cache these processes read
    batch = "\n".join(HOSTILE).encode() + b"\n"
    argv_question = b"\xff\x1b[31mwhat is a \x1b]8;;file:///etc/passwd\x07headless service\x1b[0m\r\x9b2J"
    return run_all({
        "empty": {"args": ["ask", ""]},
        "blank": {"args": ["ask", " ", "\t"]},
        "jsonl": {"args": ["ask", "-", "--format", "jsonl"], "input": batch},
        "text": {"args": ["ask", "-"], "input": batch},
        "argv-text": {"args": [b"ask", argv_question]},
        "argv-json": {"args": [b"ask", argv_question, b"--format", b"json"]},
    })


def _no_raw_controls(data: bytes) -> None:
    for seq in RAW:
        assert seq not in data, seq


@pytest.mark.parametrize("name", ["empty", "blank"])
def test_empty_question_is_a_usage_error(runs, name):
    assert "the question is empty" in assert_clean_failure(runs[name])


def test_hostile_questions_in_jsonl_answer_every_line_and_escape_everything(runs):
    run = runs["jsonl"]
    assert run.returncode == 0 and "Traceback" not in run.err, run.err
    _no_raw_controls(run.stdout)
    answers = [json.loads(line) for line in run.out.splitlines()]
    assert [a["question"] for a in answers] == HOSTILE  # reported exactly as asked, but escaped on the wire
    long_, punct, emoji, mixed, ansi = answers
    assert long_["sources"][0]["topic"] == "headless-service"
    assert len(long_["answer"]) < 20_000  # the 100 KB is not echoed back into the answer
    for a in answers:
        assert a["answer"].strip() and len(a["sources"]) >= 3
        assert "\x1b" not in a["answer"] and "\u202e" not in a["answer"]
    assert mixed["lang"] in ("en", "zh")
    assert ansi["sources"][0]["topic"] == "headless-service"  # the escapes were stripped before searching


def test_hostile_questions_in_text_mode(runs):
    run = runs["text"]
    assert run.returncode == 0 and "Traceback" not in run.err, run.err
    _no_raw_controls(run.stdout)
    assert "x" * 1000 not in run.out


@pytest.mark.parametrize("name", ["argv-text", "argv-json"])
def test_undecodable_bytes_and_escapes_in_argv(runs, name):
    run = runs[name]
    assert run.returncode == 0 and "Traceback" not in run.err, run.err
    _no_raw_controls(run.stdout)
    assert b"/etc/passwd" not in run.stdout or name == "argv-json"
    if name == "argv-json":
        data = json.loads(run.out)
        assert data["question"].startswith("\udcff\x1b[31m")  # surrogate-escaped byte, escaped in JSON
        assert data["sources"][0]["topic"] == "headless-service"
