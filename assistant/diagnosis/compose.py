"""Turn a :class:`~assistant.diagnosis.diagnose.Diagnosis` into the answer text.

The order is the one an engineer answering a colleague would use: what you told me (and what that
already excludes), the most likely cause, the one check that tells it apart and how to read it, the
fix, then the next candidates (never the ones already excluded) and, when two causes are close, one
narrowing question with numbered choices. The wording lives in ``templates/<lang>/diagnosis.md.j2``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.diagnosis.diagnose import Diagnosis
from assistant.diagnosis.ranking import RULED_OUT_FACTOR
from assistant.knowledge.loader import KnowledgeBase

TEMPLATE_DIR = Path(__file__).with_name("templates")
NEXT_CANDIDATES = 3
NEXT_MIN_SCORE = 0.08
EXCLUDED_SHOWN = 3
EXCLUDED_MIN_RAW = 1.0
"""A ruled-out cause is worth mentioning only if it would otherwise have been a candidate."""
SILENT_CLUES = {"obs-failure-reported"}
"""Clues that only tell a symptom report from a question; repeating them to the asker says nothing."""
SOURCES_MARKER = {"en": "Sources:", "zh": "参考文档："}


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    from assistant.paths import template_cache_dir

    where = template_cache_dir()  # Jinja2's cache of compiled templates, keyed by their source checksum
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=False,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                              bytecode_cache=jinja2.FileSystemBytecodeCache(str(where)) if where else None)


def render(lang: str, name: str, /, **context: Any) -> str:
    text = _environment().get_template(f"{lang}/{name}.md.j2").render(**context)
    out: list[str] = []
    for ln in (line.rstrip() for line in text.splitlines()):
        if not ln and out and not out[-1]:
            continue
        out.append(ln)
    return "\n".join(out).strip() + "\n"


_ANGLE = re.compile(r"<[A-Za-z][\w.|/-]*>")


def code_placeholders(text: str) -> str:
    """``<pod>``-style placeholders outside code spans go into backticks: Markdown would read them as
    HTML tags and drop them (``Leave <subset> empty`` rendered as ``Leave  empty``)."""
    parts = tidy(text).split("`")
    for i in range(0, len(parts), 2):  # even parts are outside code spans
        parts[i] = _ANGLE.sub(lambda m: f"`{m.group(0)}`", parts[i])
    return "`".join(parts)


def _quote(text: str) -> str:
    return text.replace("`", "'").strip()


_SENTENCE_END = re.compile(r"[.。!?！？](\s|$)")
_CJK_GAP = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])[ \t\n]+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")


def _first_sentence(text: str) -> str:
    """The first sentence, never cut inside a code span (``forward . /etc/resolv.conf``)."""
    text = " ".join(text.split())
    for m in _SENTENCE_END.finditer(text):
        if text[: m.start()].count("`") % 2 == 0:
            return text[: m.start() + 1]
    return text


def tidy(text: str) -> str:
    """Folded YAML joins lines with a space, which Chinese text must not have between characters."""
    return _CJK_GAP.sub("", text)


def _label(diagnosis: Diagnosis, catalog, cid: str, lang: str) -> str:
    clue = catalog.clue_by_id.get(cid)
    return clue.label[lang] if clue else cid


def compose_diagnosis(diagnosis: Diagnosis, catalog, kb: KnowledgeBase | None = None, lang: str | None = None) -> str:
    """The answer text for ``diagnosis`` in ``lang`` (default: the text's language)."""
    lang = lang or diagnosis.lang
    lang = lang if lang in ("en", "zh") else "en"
    reported = []
    for h in diagnosis.clues:
        if h.id in SILENT_CLUES:
            continue
        label = _label(diagnosis, catalog, h.id, lang)
        quote = _quote(h.text) if h.kind == "signature" and h.origin != "answer" else ""
        if quote and quote.lower() in label.lower():
            quote = ""
        reported.append({"label": label, "quote": quote, "kind": h.kind})
    excluded = []
    for r in diagnosis.ranked:
        if r.ruled_out_by and (r.evidence or r.raw / RULED_OUT_FACTOR >= EXCLUDED_MIN_RAW + 1.5):
            excluded.append({"title": r.cause.title(lang),
                             "because": [_label(diagnosis, catalog, c, lang) for c in r.ruled_out_by]})
        if len(excluded) >= EXCLUDED_SHOWN:
            break
    top = diagnosis.top
    if top is None:
        return ""
    c = top.cause
    top_ctx = {"title": code_placeholders(c.title(lang)), "summary": code_placeholders(c.text("summary", lang)),
               "cmd": c.data["check"]["cmd"], "read": code_placeholders(c.data["check"]["read"][lang]),
               "fix": code_placeholders(c.text("fix", lang)), "id": c.id,
               "why": [_label(diagnosis, catalog, e, lang) for e in top.evidence]}
    nexts = []
    for r in diagnosis.live[1:1 + NEXT_CANDIDATES]:
        if not r.evidence and r.score < NEXT_MIN_SCORE:
            break  # a candidate must rest on a clue or hold a real share of the belief
        nexts.append({"title": code_placeholders(r.cause.title(lang)), "cmd": r.cause.data["check"]["cmd"],
                      "fix": code_placeholders(_first_sentence(r.cause.text("fix", lang))), "id": r.id, "cause": r.cause})
    related = []
    seen: set[str] = set()
    for cause in [c] + [n["cause"] for n in nexts[:2]]:
        for rid in cause.related:
            if rid in seen or (kb is not None and rid not in kb.by_id):
                continue
            seen.add(rid)
            related.append({"id": rid, "title": kb.by_id[rid].title(lang) if kb is not None else rid})
    sources: list[str] = []
    for url in c.sources[:2] + [n["cause"].sources[0] for n in nexts[:2]]:
        if url not in sources:
            sources.append(url)
    narrowing = None
    if diagnosis.narrowing is not None:
        narrowing = {"text": diagnosis.narrowing.text[lang],
                     "choices": [ch.label[lang] for ch in diagnosis.narrowing.choices]}
    return render(lang, "diagnosis", reported=reported, pasted=[p.label[lang] for p in diagnosis.pasted],
                  excluded=excluded, top=top_ctx, next=nexts, narrowing=narrowing, related=related[:4],
                  sources=sources[:4], marker=SOURCES_MARKER[lang])
