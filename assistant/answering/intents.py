"""Rule-based intent detection in English and Chinese.

The rules are data (``intents.yaml`` next to this module): regular expressions per intent and
language, tried in a fixed order, the first match wins. The same file holds the follow-up markers
and the cues of the computed answers, so all question-reading patterns live in one place.

>>> detect_intent("what is a headless service", "en")
'definition'
>>> detect_intent("ClusterIP 和 NodePort 有啥区别", "zh")
'comparison'
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant import languages
from assistant.knowledge import regex_cache
from assistant.knowledge.yaml_cache import read_yaml

RULES_PATH = Path(__file__).with_name("intents.yaml")

INTENTS: tuple[str, ...] = ("definition", "how-to", "comparison", "troubleshooting", "list", "command",
                            "yes-no", "greeting", "out-of-scope")
"""Every intent an answer can carry (``out-of-scope`` is set when the assistant abstains)."""


class _LazyPatterns:
    """A language's patterns, compiled on first use: an English question never pays for compiling
    the Chinese rules (Python compiles regular expressions in pure Python, ~0.2 ms each)."""

    __slots__ = ("_source", "_compiled")

    def __init__(self, patterns: list[str]) -> None:
        self._source = patterns
        self._compiled: list[re.Pattern[str]] | None = None

    def compiled(self) -> list[re.Pattern[str]]:
        if self._compiled is None:
            self._compiled = regex_cache.compile_all(self._source, re.IGNORECASE)
        return self._compiled

    def __iter__(self):
        return iter(self.compiled())

    def __len__(self) -> int:
        return len(self._source)

    def __getitem__(self, i):
        return self.compiled()[i]

    def __add__(self, other) -> list[re.Pattern[str]]:
        return self.compiled() + list(other)

    def __radd__(self, other) -> list[re.Pattern[str]]:
        return list(other) + self.compiled()


def _compile(patterns: list[str]) -> _LazyPatterns:
    return _LazyPatterns(patterns)


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    """The parsed and compiled ``intents.yaml``. A registered language with no patterns of its own in
    the file is read with the fallback language's (English) patterns only."""
    raw = read_yaml(RULES_PATH)
    order = raw["order"]
    codes = languages.codes()
    compiled: dict[str, Any] = {
        "order": order,
        "default": raw["default"],
        "intents": {name: {lang: _compile(pats) for lang, pats in by_lang.items()}
                    for name, by_lang in raw["intents"].items()},
        "followup": {lang: _compile(raw["followup"].get(lang, [])) for lang in codes},
        "followup_max_tokens": int(raw["followup"]["max_tokens"]),
        "computed": {name: {lang: _compile(pats) for lang, pats in by_lang.items()}
                     for name, by_lang in raw["computed"].items()},
        "multipart": {lang: _compile(raw.get("multipart", {}).get(lang, [])) for lang in codes},
        "multipart_min_words": float(raw.get("multipart", {}).get("min_words", 2)),
        "asks": {lang: _compile(raw.get("multipart", {}).get("asks", {}).get(lang, [])) for lang in codes},
        "wants": {name: {lang: _compile(pats) for lang, pats in by_lang.items()}
                  for name, by_lang in raw.get("wants", {}).items()},
    }
    unknown = [n for n in order if n not in INTENTS]
    if unknown:
        raise ValueError(f"{RULES_PATH}: unknown intents in order: {unknown}")
    return compiled


def _langs(lang: str) -> tuple[str, ...]:
    # Chinese questions mix English terms ("headless svc 的流量"), so a question in any other language
    # also gets the fallback language's (English) rules, after its own.
    lang = languages.resolve(lang)
    return (lang, languages.DEFAULT) if lang != languages.DEFAULT else (languages.DEFAULT,)


def detect_intent(question: str, lang: str, default: str | None = "") -> str | None:
    """The question's intent (one of ``INTENTS`` except ``out-of-scope``).

    When no rule matches: the rules' default (``definition``), or ``default`` if given (``None`` lets a
    chat follow-up inherit the previous turn's intent).
    """
    r = rules()
    text = question.strip()
    for name in r["order"]:
        for lg in _langs(lang):
            if any(p.search(text) for p in r["intents"][name].get(lg, ())):
                return name
    return r["default"] if default == "" else default


def matches_cue(name: str, question: str, lang: str) -> bool:
    """Whether the computed-answer cue ``name`` occurs in the question."""
    cues = rules()["computed"][name]
    return any(p.search(question) for lg in _langs(lang) for p in cues.get(lg, ()))


def wants(name: str, question: str, lang: str) -> bool:
    """Whether the question asks to see ``name`` (``example``: an example manifest) besides the answer."""
    cues = rules()["wants"].get(name, {})
    return any(p.search(question) for lg in _langs(lang) for p in cues.get(lg, ()))


def _size(text: str) -> float:
    words = re.findall(r"[A-Za-z0-9_.-]+|[\u3400-\u9fff]", text)
    # Chinese characters count roughly two to a word
    return sum(1 for w in words if w.isascii()) + sum(1 for w in words if not w.isascii()) / 2


def split_parts(question: str, lang: str) -> list[str]:
    """The parts of a multi-part question, in order (one part: the question itself).

    >>> split_parts("what is a headless service and how do I make a StatefulSet use one", "en")
    ['what is a headless service', 'how do I make a StatefulSet use one']
    """
    r = rules()
    pats: list[re.Pattern[str]] = []
    for lg in _langs(lang):
        pats = [*pats, *r["multipart"].get(lg, ())]
    bounds: set[int] = set()
    cuts: list[tuple[int, int]] = []
    for p in pats:
        for m in p.finditer(question):
            if m.start() > 0 and m.end() < len(question) and m.start() not in bounds:
                bounds.add(m.start())
                cuts.append((m.start(), m.end()))
    parts: list[str] = []
    pos = 0
    for start, end in sorted(cuts):
        if start < pos:
            continue
        parts.append(question[pos:start])
        pos = end
    parts.append(question[pos:])
    merged: list[str] = []
    carry = ""  # a clause that asks nothing ("不改业务代码，") is context for the part after it
    for part in (p.strip(" ,，;；") for p in parts):
        if not part:
            continue
        part = f"{carry} {part}".strip() if carry else part
        carry = ""
        if not any(p.search(part) for lg in _langs(lang) for p in r["asks"].get(lg, ())):
            carry = part
        elif merged and _size(part) < r["multipart_min_words"]:
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    if carry:
        if merged:
            merged[-1] = f"{merged[-1]} {carry}"
        else:
            merged.append(carry)
    return merged if len(merged) > 1 else [question]


def is_followup(question: str, lang: str) -> bool:
    """A short question that continues the previous turn ("and from another namespace?", "那 headless 呢?")."""
    r = rules()
    words = re.findall(r"[A-Za-z0-9_.-]+|[\u3400-\u9fff]", question)
    # Chinese characters count roughly two to a word
    size = sum(1 for w in words if w.isascii()) + sum(1 for w in words if not w.isascii()) / 2
    if size > r["followup_max_tokens"]:
        return False
    return any(p.search(question) for lg in _langs(lang) for p in r["followup"].get(lg, ()))
