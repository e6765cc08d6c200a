"""Checking a learner's input: commands, choice answers, typed answers.

Pure functions, no state: the session decides what a verdict means for progress.

>>> normalize("  API.Shop.svc.cluster.local. ", "dns")
'api.shop.svc.cluster.local'
>>> parse_choice("b)", 4), parse_choice("3", 4), parse_choice("z", 4)
(1, 2, None)
>>> command_of("跳过")
'skip'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.tour.lessons import Exercise, Quiz

__all__ = ["Verdict", "normalize", "parse_choice", "command_of", "check_exercise", "check_quiz", "COMMANDS"]

# Every spelling a learner may type for a command, English and Chinese, mapped to the command.
COMMANDS: dict[str, str] = {
    "next": "next", "n": "next", "continue": "next", "go": "next", "ok": "next",
    "下一步": "next", "继续": "next", "好": "next",
    "skip": "skip", "跳过": "skip",
    "hint": "hint", "提示": "hint",
    "quit": "quit", "exit": "quit", "stop": "quit", "pause": "quit", "q": "quit", "退出": "quit", "暂停": "quit",
    "help": "help", "?": "help", "帮助": "help",
    "repeat": "repeat", "again": "repeat", "show": "repeat", "重复": "repeat", "再看一遍": "repeat",
    "restart": "restart", "reset": "restart", "重新开始": "restart", "重来": "restart", "重置": "restart",
    "status": "status", "where": "status", "进度": "status",
}

_LETTERS = "abcdef"
_QUOTES = "`'\"“”‘’「」"


@dataclass(frozen=True)
class Verdict:
    """The outcome of one answer."""

    status: str
    """``correct``, ``wrong``, or ``invalid`` (not an answer at all: nothing counted)."""
    chosen: int | None = None
    """For choice answers, the option index the learner picked."""
    given: str = ""
    """The learner's answer after normalisation."""

    @property
    def correct(self) -> bool:
        return self.status == "correct"


def _strip(text: str) -> str:
    return text.strip().strip(_QUOTES).strip()


def normalize(text: str, kind: str = "text") -> str:
    """Canonical form of a typed answer.

    ``dns``: case-insensitive, surrounding quotes/backticks and whitespace dropped, trailing dot(s)
    dropped (``a.b.`` is the absolute form of ``a.b``). ``env``: upper-case, a leading ``$`` or
    ``${...}`` dropped. ``text``: case-folded, inner whitespace collapsed.
    """
    s = _strip(text)
    if kind == "dns":
        s = re.sub(r"\s+", "", s).lower().rstrip(".")
    elif kind == "env":
        s = re.sub(r"\s+", "", s)
        if s.startswith("${") and s.endswith("}"):
            s = s[2:-1]
        s = s.lstrip("$").split("=", 1)[0].upper()
    else:
        s = " ".join(s.split()).casefold()
    return s


def command_of(text: str) -> str | None:
    """The command a learner's input means (``next``, ``skip``, ...), or None for an answer."""
    s = _strip(text).lower().lstrip("/").strip().rstrip(".!。！")
    if s.startswith("tour"):
        s = s[4:].strip() or "repeat"
    return COMMANDS.get(s)


def parse_choice(text: str, n_options: int) -> int | None:
    """``a``/``B)``/``(c)``/``2``/``2.`` -> 0-based option index; None when it is not a choice."""
    s = _strip(text).lower().strip("()[]. )")
    if len(s) == 1 and s in _LETTERS[:n_options]:
        return _LETTERS.index(s)
    if s.isdigit() and 1 <= int(s) <= n_options:
        return int(s) - 1
    return None


def check_exercise(exercise: Exercise, text: str, known_rules: set[str] | frozenset[str] = frozenset()) -> Verdict:
    """The learner names the rule: by option letter/number or by typing a rule id.

    A typed rule id that is not among the options still counts as an answer (wrong unless it is the
    rule) when it is a real rule id (``known_rules``); anything else is ``invalid``.
    """
    idx = parse_choice(text, len(exercise.options))
    if idx is None:
        rid = normalize(text, "text").replace(" ", "-")
        if rid in exercise.options:
            idx = exercise.options.index(rid)
        elif rid in known_rules:
            return Verdict("wrong", None, rid)
        else:
            return Verdict("invalid", None, rid)
    given = exercise.options[idx]
    return Verdict("correct" if given == exercise.rule else "wrong", idx, given)


def check_quiz(quiz: Quiz, text: str, lang: str = "en") -> Verdict:
    """Choice quizzes: a letter, a number, or the exact option text; text quizzes: normalised compare."""
    if quiz.kind == "choice":
        idx = parse_choice(text, len(quiz.options))
        if idx is None:
            said = normalize(text)
            for i, option in enumerate(quiz.options):
                if said and said in (normalize(option.text["en"]), normalize(option.text["zh"])):
                    idx = i
                    break
        if idx is None:
            return Verdict("invalid", None, normalize(text))
        return Verdict("correct" if quiz.options[idx].correct else "wrong", idx, str(idx))
    given = normalize(text, quiz.normalize)
    if not given:
        return Verdict("invalid", None, given)
    expected = normalize(quiz.answer or "", quiz.normalize)
    return Verdict("correct" if given == expected else "wrong", None, given)
