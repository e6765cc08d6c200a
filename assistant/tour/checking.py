"""Checking a learner's input: commands, choice answers, typed answers, reachability answers.

Pure functions, no state: the session decides what a verdict means for progress. Options are
checked in the order the learner *sees* them (``order`` maps a shown position to the authored
index), so shuffling never changes what a letter means to the learner.

>>> normalize("  API.Shop.svc.cluster.local. ", "dns")
'api.shop.svc.cluster.local.'
>>> resolves_to("api.shop", "api.shop.svc.cluster.local", "web")
True
>>> resolves_to("api.", "api.shop.svc.cluster.local", "shop")
False
>>> parse_choice("b)", 4), parse_choice("3", 4), parse_choice("z", 4)
(1, 2, None)
>>> command_of("跳过")
'skip'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Sequence

from assistant import languages
from assistant.tour.model import Exercise, Quiz

__all__ = ["Verdict", "normalize", "parse_choice", "command_of", "check_exercise", "check_quiz", "COMMANDS",
           "resolves_to", "dns_names", "yes_no", "lesson_number"]

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
    "back": "back", "previous": "back", "prev": "back", "返回": "back", "上一步": "back",
    "menu": "menu", "lessons": "menu", "list": "menu", "目录": "menu", "菜单": "menu", "课程": "menu",
    "lab": "lab", "try": "lab", "实验": "lab", "动手": "lab",
    "check": "check", "recheck": "check", "检查": "check",
    "export": "export", "record": "export", "导出": "export",
}

_LETTERS = "abcdefghij"
_QUOTES = "`'\"“”‘’「」"
_LESSON_RE = re.compile(r"^(?:lesson|go(?:\s*to)?|jump|第)\s*(\d{1,2})\s*(?:课)?$|^(\d{1,2})\s*课$")
_YES = {"yes", "y", "yeah", "true", "can", "allowed", "reachable", "是", "能", "可以", "对", "允许", "通"}
_NO = {"no", "n", "nope", "false", "cannot", "can't", "cant", "denied", "blocked", "否", "不能", "不可以", "不",
       "不行", "拒绝", "不通"}


@dataclass(frozen=True)
class Verdict:
    """The outcome of one answer."""

    status: str
    """``correct``, ``wrong``, or ``invalid`` (not an answer at all: nothing counted)."""
    chosen: int | None = None
    """For choice answers, the *authored* index of the option the learner picked."""
    given: str = ""
    """The learner's answer after normalisation."""
    note: str = ""
    """For typed answers: a diagnosis key for a predictable mistake (``case``, ``dashes``, ``namespace``...)."""

    @property
    def correct(self) -> bool:
        return self.status == "correct"


def _strip(text: str) -> str:
    return text.strip().strip(_QUOTES).strip()


def normalize(text: str, kind: str = "text") -> str:
    """Canonical form of a typed answer.

    ``dns``: case-insensitive (DNS is), surrounding quotes/backticks and whitespace dropped; a
    trailing dot is *kept*, because it changes meaning (``api.`` is absolute and skips the search
    list). ``env``: a leading ``$`` or ``${...}`` and any ``=value`` dropped, case kept (variable
    names are case-sensitive). ``text``: case-folded, inner whitespace collapsed.
    """
    s = _strip(text)
    if kind == "dns":
        s = re.sub(r"\s+", "", s).lower()
        s = re.sub(r"\.{2,}$", ".", s)
    elif kind == "env":
        s = re.sub(r"\s+", "", s)
        if s.startswith("${") and s.endswith("}"):
            s = s[2:-1]
        s = s.lstrip("$").split("=", 1)[0]
    else:
        s = " ".join(s.split()).casefold()
    return s


def search_list(client_namespace: str, cluster_domain: str = "cluster.local") -> tuple[str, ...]:
    """The search domains the kubelet writes into a ClusterFirst Pod's ``/etc/resolv.conf``."""
    return (f"{client_namespace}.svc.{cluster_domain}", f"svc.{cluster_domain}", cluster_domain)


def resolves_to(typed: str, fqdn: str, client_namespace: str, cluster_domain: str = "cluster.local") -> bool:
    """Would a Pod in ``client_namespace`` reach ``fqdn`` by looking up ``typed``?

    A name with a trailing dot is absolute: only the exact FQDN works. Otherwise the resolver
    tries the name as given and with each search suffix (the order depends on ``ndots``, the
    result does not), so ``api``, ``api.shop`` and ``api.shop.svc`` all work where they expand to
    ``fqdn``.
    """
    name = normalize(typed, "dns")
    target = normalize(fqdn, "dns").rstrip(".")
    if not name or name == ".":
        return False
    if name.endswith("."):
        return name[:-1] == target
    return name == target or any(f"{name}.{suffix}" == target for suffix in search_list(client_namespace, cluster_domain))


def dns_names(fqdn: str, client_namespace: str, cluster_domain: str = "cluster.local") -> list[str]:
    """Every name (shortest first) that resolves to ``fqdn`` from ``client_namespace``, plus the absolute form."""
    target = fqdn.rstrip(".").lower()
    labels = target.split(".")
    names = [".".join(labels[:i]) for i in range(1, len(labels) + 1)]
    found = [n for n in names if resolves_to(n, target, client_namespace, cluster_domain)]
    return found + [target + "."]


def yes_no(text: str) -> bool | None:
    """``yes``/``是``/``可以`` -> True, ``no``/``否``/``不能`` -> False, anything else None."""
    s = _strip(text).lower().rstrip(".!。！")
    if s in _YES:
        return True
    if s in _NO:
        return False
    return None


def command_of(text: str) -> str | None:
    """The command a learner's input means (``next``, ``skip``, ...), or None for an answer."""
    s = _strip(text).lower().lstrip("/").strip().rstrip(".!。！")
    if s.startswith("tour"):
        s = s[4:].strip() or "repeat"
    return COMMANDS.get(s)


def lesson_number(text: str) -> int | None:
    """``lesson 5`` / ``go 5`` / ``第5课`` -> 5; None when the input is not a jump."""
    s = _strip(text).lower().lstrip("/").strip()
    m = _LESSON_RE.match(s)
    if not m:
        return None
    return int(m.group(1) or m.group(2))


def parse_choice(text: str, n_options: int) -> int | None:
    """``a``/``B)``/``(c)``/``2``/``2.`` -> 0-based *shown* index; None when it is not a choice."""
    s = _strip(text).lower().strip("()[]. )）（")
    if len(s) == 1 and s in _LETTERS[:n_options]:
        return _LETTERS.index(s)
    if s.isdigit() and 1 <= int(s) <= n_options:
        return int(s) - 1
    return None


def _identity(n: int) -> list[int]:
    return list(range(n))


def check_exercise(exercise: Exercise, text: str, known_rules: set[str] | frozenset[str] = frozenset(),
                   order: Sequence[int] | None = None) -> Verdict:
    """The learner names a rule: by the letter/number they see, or by typing a rule id.

    A typed rule id that is not among the options still counts as an answer (wrong unless it is
    one of the exercise's rules) when it is a real rule id (``known_rules``); anything else is
    ``invalid``. ``given`` is always the rule id.
    """
    order = list(order) if order is not None else _identity(len(exercise.options))
    shown = parse_choice(text, len(exercise.options))
    if shown is None:
        rid = normalize(text, "text").replace(" ", "-").strip("`")
        if rid in exercise.options:
            idx = exercise.options.index(rid)
        elif rid in known_rules:
            return Verdict("correct" if rid in exercise.rules else "wrong", None, rid)
        else:
            return Verdict("invalid", None, rid)
    else:
        idx = order[shown]
    given = exercise.options[idx]
    return Verdict("correct" if given in exercise.rules else "wrong", idx, given)


def _env_note(given: str, expected: str) -> str:
    if given.upper() == expected.upper():
        return "case"
    if given.replace("-", "_").replace(".", "_").upper() == expected.upper():
        return "dashes"
    return ""


def _dns_note(given: str, quiz: Quiz) -> str:
    target = normalize(quiz.answer or "", "dns").rstrip(".")
    name = normalize(given, "dns")
    if name.endswith(".") and resolves_to(name[:-1], target, quiz.client_namespace or "default"):
        return "absolute"  # "api.shop." is absolute: the search list is skipped
    first_given, _, rest_given = name.partition(".")
    first_target, _, rest_target = target.partition(".")
    if not rest_given and first_given == first_target:
        return "bare"  # "api" from another namespace: the search list adds the caller's namespace
    if rest_given and rest_target.startswith(rest_given.rstrip(".")) and first_given != first_target:
        if re.sub(r"-\d+$", "", first_given) == re.sub(r"-\d+$", "", first_target):
            return "ordinal"
        return "host"
    if first_given == first_target and rest_given and not rest_target.startswith(rest_given):
        return "namespace" if rest_given.split(".")[0] != rest_target.split(".")[0] else "suffix"
    return ""


def _option_keys(text: str) -> set[str]:
    """What a learner may type to mean an option: its text, without backticks, or its leading code span."""
    keys = {normalize(text), normalize(text.replace("`", ""))}
    lead = re.match(r"\s*`([^`]+)`", text)
    if lead:
        keys.add(normalize(lead.group(1)))
    return keys


def _option_by_text(quiz: Quiz, said: str) -> int | None:
    """The one option whose text (either language) the learner typed; None when none or several match."""
    if not said:
        return None
    hits = [i for i, o in enumerate(quiz.options) if any(said in _option_keys(o.text[c]) for c in languages.codes())]
    return hits[0] if len(hits) == 1 else None


def check_quiz(quiz: Quiz, text: str, lang: str = "en", order: Sequence[int] | None = None,
               reach_answer: bool | None = None) -> Verdict:
    """Choice quizzes: a shown letter/number or an option's text; text quizzes: per ``normalize``;
    reach quizzes: yes/no compared with ``reach_answer`` (the reachability engine's verdict)."""
    if quiz.kind == "choice":
        order = list(order) if order is not None else _identity(len(quiz.options))
        shown = parse_choice(text, len(quiz.options))
        idx = order[shown] if shown is not None else None
        if idx is None:
            idx = _option_by_text(quiz, normalize(text))
        if idx is None:
            return Verdict("invalid", None, normalize(text))
        return Verdict("correct" if quiz.options[idx].correct else "wrong", idx, str(idx))
    if quiz.kind == "reach":
        said = yes_no(text)
        if said is None:
            return Verdict("invalid", None, normalize(text))
        return Verdict("correct" if said == reach_answer else "wrong", None, "yes" if said else "no")
    given = normalize(text, quiz.normalize)
    if not given:
        return Verdict("invalid", None, given)
    if quiz.normalize == "dns":
        ok = resolves_to(given, quiz.answer or "", quiz.client_namespace or "default")
        return Verdict("correct" if ok else "wrong", None, given, "" if ok else _dns_note(given, quiz))
    expected = normalize(quiz.answer or "", quiz.normalize)
    if quiz.normalize == "env":
        ok = given == expected
        return Verdict("correct" if ok else "wrong", None, given, "" if ok else _env_note(given, expected))
    return Verdict("correct" if given == expected else "wrong", None, given)
