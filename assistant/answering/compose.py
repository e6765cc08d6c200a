"""Turn a retrieval (or a computed result) into an answer, shaped by the question's intent.

The shape is the same for every intent: the direct answer first (the entry's summary), then the
entry's facts that best match the question (ranked, never all of them), then what the intent wants
(a comparison table, a troubleshooting checklist, commands, an example manifest), then related
topics and official source links. Every sentence comes from a KB field or from ``computed.py``;
the wording around them lives in ``templates/<lang>/<intent>.md.j2``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant import languages
from assistant.knowledge import regex_cache
from assistant.answering.computed import Computed
from assistant.answering.intents import wants
from assistant.answering.render import render, sources_marker, strings
from assistant.knowledge.loader import Command, Entry, KnowledgeBase, LocalText
from assistant.retrieval.retriever import Retrieval
from assistant.retrieval.text import tokenize
from assistant.retrieval.zh_dictionary import knowledge_tokenizer

DEFINITION_MAX_WORDS = 120
"""Definition answers stay at most this many words before the sources."""
MIN_SOURCES_SHOWN = 1
OFFICIAL_FALLBACK = "https://kubernetes.io/docs/concepts/services-networking/"
NAMES_DOC = "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#rfc-1035-label-names"

# how much each intent shows: facts, commands, related topics, sources
SHAPE: dict[str, dict[str, int]] = {
    "definition": {"facts": 3, "commands": 0, "related": 3, "sources": 2},
    "how-to": {"facts": 3, "commands": 3, "related": 3, "sources": 2},
    "comparison": {"facts": 2, "commands": 0, "related": 3, "sources": 2},
    "troubleshooting": {"facts": 2, "commands": 4, "related": 3, "sources": 2},
    "list": {"facts": 5, "commands": 0, "related": 5, "sources": 2},
    "command": {"facts": 2, "commands": 6, "related": 2, "sources": 2},
    "yes-no": {"facts": 3, "commands": 1, "related": 2, "sources": 2},
}


@dataclass
class Composition:
    """The composed answer text and what it was built from."""

    answer: str
    intent: str
    abstained: bool
    entry_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# -- counting and ranking --------------------------------------------------------------------------
def count_words(text: str) -> int:
    """Words of an answer: Latin words, plus the characters of each language written without spaces
    at its registry row's ``chars_per_word`` (Chinese: two characters a word)."""
    unspaced = 0
    for lang in languages.unspaced():
        assert lang.script is not None
        unspaced += math.ceil(len(lang.script.findall(text)) / lang.chars_per_word)
        text = lang.script.sub(" ", text)
    latin = len(re.findall(r"[A-Za-z0-9][\w.:/<>{}`'-]*", text))
    return latin + unspaced


def words_before_sources(text: str, lang: str) -> int:
    """Words of ``text`` before its sources line (what the definition budget counts). A fenced code
    block (an example manifest the question asked for) is not prose and is not counted."""
    head = text.split(sources_marker(lang), 1)[0]
    return count_words(re.sub(r"```.*?```", " ", head, flags=re.S))


_IDF_CACHE: dict[str, dict[str, float]] = {}
_TOKEN_TABLES: dict[str, dict[str, list[str]]] = {}
_TOKEN_TABLE_VERSION = "2"


def _kb_texts(kb: KnowledgeBase) -> list[str]:
    """Every KB text that ranking tokenises (facts, summaries, commands, pitfalls)."""
    out: list[str] = []
    codes = languages.codes()
    for e in kb.entries:
        for f in e.facts:
            out += [_all_languages(f), *(f.text(c) for c in codes)]
        out += [e.summary(c) for c in codes]
        for it in (*e.commands, *e.pitfalls):
            out.append(_item_text(it))
    return out


def _all_languages(text: LocalText) -> str:
    """A fact in every language, one after the other (facts are ranked on all their words)."""
    return " ".join(text.text(c) for c in languages.codes())


def _item_text(it: Command | LocalText) -> str:
    """A command (or pitfall) as ranked: its command line, then its text in every language."""
    return " ".join([getattr(it, "cmd", ""), *(it.text(c) for c in languages.codes())])


def _token_table(kb: KnowledgeBase) -> Any:
    """``tokenize`` of every ranked KB text, persisted next to the index (keyed by KB content and
    the tokenizer's source), so answering an English question never loads jieba's dictionary
    (~0.6 s on a cold start) just to tokenise the Chinese half of the facts. The stored table also
    holds the facts' IDF (``_fact_idf``) and is read one text at a time (``token_store``)."""
    tokenizer = knowledge_tokenizer(kb)
    key = f"{kb.content_hash}:{tokenizer.fingerprint}"
    table = _TOKEN_TABLES.get(key)
    if table is not None:
        return table
    import hashlib

    from assistant.answering import token_store
    from assistant.paths import cache_dir

    code = token_store.code_identity(_kb_texts, _item_text, _fact_idf)  # how texts and IDF are made
    h = hashlib.sha256(f"{_TOKEN_TABLE_VERSION}:{key}:{code}:".encode())  # the fingerprint covers the tokenizer
    path = cache_dir() / f"answer-tokens-{h.hexdigest()[:20]}.bin"
    stored = token_store.read(path)
    if stored is not None:
        if stored.idf is not None:
            _IDF_CACHE.setdefault(kb.content_hash, stored.idf)
        _TOKEN_TABLES[key] = stored
        return stored
    built = {t: tokenizer.tokenize(t) for t in dict.fromkeys(_kb_texts(kb))}
    _TOKEN_TABLES[key] = built
    token_store.write(path, built, _fact_idf(kb))
    return built


def warm_token_table(kb: KnowledgeBase) -> None:
    """Build (or load) the KB's token table now: ``podtalk index`` calls it so the first answer is fast."""
    _token_table(kb)
    _fact_idf(kb)


def _tokens(text: str, kb: KnowledgeBase | None) -> list[str]:
    """``tokenize(text)``, from the KB's token table when the text is a KB text."""
    if kb is not None:
        hit = _token_table(kb).get(text)
        if hit is not None:
            return hit
        return knowledge_tokenizer(kb).tokenize(text)
    return tokenize(text)


def _fact_idf(kb: KnowledgeBase) -> dict[str, float]:
    """IDF of fact tokens over the whole KB (cached per KB content)."""
    key = kb.content_hash
    if key in _IDF_CACHE:
        return _IDF_CACHE[key]
    docs = [set(_tokens(_all_languages(f), kb)) for e in kb.entries for f in e.facts]
    df: dict[str, int] = {}
    for d in docs:
        for t in d:
            df[t] = df.get(t, 0) + 1
    n = len(docs)
    _IDF_CACHE[key] = {t: math.log(1 + n / c) for t, c in df.items()}
    return _IDF_CACHE[key]


def rank_facts(entry: Entry, question: str, lang: str, limit: int = 3, kb: KnowledgeBase | None = None,
               skip_like: str = "") -> list[str]:
    """The entry's facts most related to the question, in the answer language.

    Score: IDF-weighted overlap of the question's tokens (the question is expanded with the glossary's
    English terms upstream) with the fact's tokens in both languages, plus a small prior for the facts an
    author put first (the most asked). Facts that repeat ``skip_like`` (the summary) almost word for
    word are pushed back.
    """
    q = set(_tokens(question, kb))
    idf = _fact_idf(kb) if kb is not None else {}
    skip = set(_tokens(skip_like, kb)) if skip_like else set()
    n = len(entry.facts)
    scored = []
    for i, fact in enumerate(entry.facts):
        toks = set(_tokens(_all_languages(fact), kb))
        overlap = sum(idf.get(t, 1.0) for t in q & toks)
        prior = 0.6 * (n - i) / n
        own = set(_tokens(fact.text(lang), kb))
        if skip and own and len(own & skip) / len(own) > 0.8:
            prior -= 2.0
        scored.append((-(overlap + prior), i, fact.text(lang)))
    scored.sort()
    return [text for _, _, text in scored[:limit]]


def _rank_items(items: tuple[Command, ...] | tuple[LocalText, ...], question: str, lang: str, limit: int,
                key: str = "", kb: KnowledgeBase | None = None) -> list[Any]:
    """Commands (or pitfalls) ranked like facts, stable for ties."""
    q = set(_tokens(question, kb))
    scored = []
    for i, it in enumerate(items):
        toks = set(_tokens(_item_text(it), kb))
        scored.append((-len(q & toks), i, it))
    scored.sort(key=lambda x: (x[0], x[1]))
    return [it for _, _, it in scored[:limit]]


# -- pieces of an answer ---------------------------------------------------------------------------
def _related(entry: Entry, kb: KnowledgeBase, lang: str, limit: int, exclude: set[str] = frozenset()) -> list[dict]:
    out = []
    for rid in entry.related:
        if rid in kb.by_id and rid not in exclude and rid != entry.id:
            out.append({"id": rid, "title": kb.by_id[rid].title(lang)})
        if len(out) >= limit:
            break
    return out


def _sources(entries: list[Entry], limit: int) -> list[str]:
    out: list[str] = []
    for e in entries:
        for url in e.sources[: max(1, limit if e is entries[0] else 1)]:
            if url not in out:
                out.append(url)
    return out or [OFFICIAL_FALLBACK]


def _commands(entry: Entry, lang: str, ranked_by: str, limit: int,
              kb: KnowledgeBase | None = None) -> list[dict[str, str]]:
    return [{"cmd": c.cmd, "text": c.text(lang)}
            for c in _rank_items(entry.commands, ranked_by, lang, limit, kb=kb)]


def _steps(entry: Entry, lang: str) -> list[dict[str, str]]:
    return [{"text": s.text(lang), "cmd": s.cmd} for s in entry.steps]


def _table(entry: Entry, lang: str) -> dict[str, Any] | None:
    t = entry.table
    if t is None:
        return None
    return {"columns": [_cell(c) for c in t.header(lang)], "rows": [[_cell(c) for c in r] for r in t.body(lang)]}


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _first_sentence(text: str) -> str:
    m = re.match(r"(.+?[.。!?！？])(\s|$)", text.strip())
    return (m.group(1) if m else text).strip()


def built_table(a: Entry, b: Entry, question: str, lang: str, kb: KnowledgeBase) -> dict[str, Any]:
    """A side-by-side table from two entries that have none: what each is, its key fact, how to check it."""
    labels = strings(lang)["comparison_labels"]

    def col(e: Entry) -> list[str]:
        fact = rank_facts(e, question, lang, 1, kb, skip_like=e.text("summary", lang))
        cmd = e.commands[0].cmd if e.commands else "-"
        return [_first_sentence(e.text("summary", lang)), fact[0] if fact else "-", f"`{cmd}`", e.url]

    ca, cb = col(a), col(b)
    return {"columns": [labels[0], _cell(a.title(lang)), _cell(b.title(lang))],
            "rows": [[labels[i + 1], _cell(ca[i]), _cell(cb[i])] for i in range(4)]}


_SIDE_SPLIT = regex_cache.compile(r"\s+(?:vs\.?|versus|and|or|compared to|compared with)\s+|\s*(?:和|与|跟|还是|对比|相比|、|/|,|，)\s*",
                         re.I)
_CMP_WORDS = regex_cache.compile(r"\b(what(?:'s| is| are)?|the|differences?|between|compare|comparison|of|which|one|should|"
                        r"i|pick|choose|use|is|better)\b|(有什么|有啥|的|区别|不同|差异|差别|是什么|哪个好|选哪个|比较|吗|呢)|[?？]",
                        re.I)


_VERSION = regex_cache.compile(r"(?:(?<![\w.])(?:kubernetes|k8s|version|versions|in|before|since|after|until|pre|prior to|on)\s+v?"
                      r"|(?<![\w.])v|版本\s*|(?<![\w.]))(1\.\d{1,2})(?![\d.])(?!\s*(?:seconds?|s\b|ms\b|秒))", re.I)


def _version(text: str) -> tuple[int, int]:
    major, minor = text.split(".")
    return int(major), int(minor)


def history_lines(entry: Entry, question: str, lang: str) -> list[dict[str, str]]:
    """The entry's history lines the question calls for: it names a Kubernetes version older than the
    change, or one of the change's old terms (``OnlyLocal``, ``userspace``)."""
    items = entry.history
    if not items:
        return []
    low = question.lower()
    named = [_version(m.group(1)) for m in _VERSION.finditer(question)
             if not re.search(r"\d\.\d+\.\d", question[max(0, m.start() - 4): m.end() + 4])]
    out = []
    for h in items:
        changed = _version(h.version)
        by_term = any(re.search(r"(?<![\w-])" + re.escape(term.lower()) + r"(?![\w-])", low) for term in h.terms)
        if by_term or any(v < changed for v in named):
            out.append({"version": h.version, "text": h.text(lang)})
    return out


def comparison_sides(question: str) -> list[str]:
    """The things a comparison question names ("headless vs clusterip" -> ["headless", "clusterip"])."""
    parts = [_CMP_WORDS.sub(" ", p).strip() for p in _SIDE_SPLIT.split(question)]
    return [p for p in parts if re.search(r"\w", p)]


# -- composition -----------------------------------------------------------------------------------
Search = Callable[[str], Retrieval]


def compose(question: str, lang: str, retrieval: Retrieval, kb: KnowledgeBase, *, intent: str = "definition",
            computed: Computed | None = None, search: Search | None = None, rank_query: str | None = None,
            question_text: str | None = None) -> Composition:
    """Compose the answer. ``search`` lets comparisons look up each named side; ``rank_query`` (the
    question expanded with English terms) ranks facts."""
    ranked_by = rank_query or question
    if intent == "greeting":
        topics = [{"id": t, "title": es[0].title(lang)} for t, es in kb.topics().items() if es][:8]
        return Composition(render(lang, "greeting", topics=topics, source=OFFICIAL_FALLBACK), "greeting", False)
    if computed is not None:
        entry = kb.by_id.get(computed.entry_id)
        sources = list(entry.sources[:2]) if entry else [OFFICIAL_FALLBACK]
        if computed.kind == "invalid-name":
            sources = [NAMES_DOC, *sources[:1]]
        related = _related(entry, kb, lang, 3) if entry else []
        text = render(lang, f"computed-{computed.kind}", **computed.data, sources=sources, related=related,
                      marker=sources_marker(lang))
        return Composition(text, intent, False, computed.entry_id, {"computed": computed.kind})
    if retrieval.abstain or not retrieval.hits:
        area = retrieval.uncovered_area
        if area is not None:
            # declined by scope: say which area it is and where its official docs are, no networking topics
            return Composition(render(lang, "abstain", question=question, suggestions=[], area=area.name[lang],
                                      hint=(area.hint or {}).get(lang), source=area.doc or OFFICIAL_FALLBACK,
                                      marker=sources_marker(lang)),
                               "out-of-scope", True, extra={"uncovered_area": area.id})
        suggestions = [{"id": h.entry.topic, "title": h.entry.title(lang)} for h in retrieval.hits[:3]]
        return Composition(render(lang, "abstain", question=question, suggestions=suggestions, area=None,
                                  source=OFFICIAL_FALLBACK, marker=sources_marker(lang)), "out-of-scope", True)

    top = retrieval.hits[0].entry
    shape = SHAPE.get(intent, SHAPE["definition"])
    summary = top.text("summary", lang)
    ctx: dict[str, Any] = {
        "title": top.title(lang), "summary": summary, "entry_id": top.id,
        "facts": rank_facts(top, ranked_by, lang, shape["facts"], kb, skip_like=summary),
        "commands": _commands(top, lang, ranked_by, shape["commands"], kb) if shape["commands"] else [],
        "example": None, "history": [], "steps": [], "steps_from": None, "table": None, "compared": [],
        "pitfall": None, "related": _related(top, kb, lang, shape["related"]),
        "sources": _sources([top], shape["sources"]), "marker": sources_marker(lang),
    }
    extra_entries: list[Entry] = []
    if intent == "how-to":
        ctx["example"] = top.example
        if top.pitfalls:
            ctx["pitfall"] = _rank_items(top.pitfalls, ranked_by, lang, 1, kb=kb)[0].text(lang)
    elif intent == "yes-no":
        ctx["facts"] = rank_facts(top, ranked_by, lang, shape["facts"], kb)
    elif intent == "list":
        ctx["table"] = _table(top, lang)
    elif intent == "troubleshooting":
        ctx["steps"] = _steps(top, lang)
        if not ctx["steps"]:
            for h in retrieval.hits[1:3]:
                if h.entry.is_troubleshooting:
                    ctx["steps"], ctx["steps_from"] = _steps(h.entry, lang), h.entry.title(lang)
                    extra_entries.append(h.entry)
                    break
        if ctx["steps"]:
            ctx["commands"] = []
        if top.pitfalls:
            ctx["pitfall"] = _rank_items(top.pitfalls, ranked_by, lang, 1, kb=kb)[0].text(lang)
    elif intent == "comparison":
        sides = comparison_sides(question_text if question_text is not None else question)
        # the entry's own table only when it compares what the question names ("Service vs Ingress" must
        # not get the table of the four Service types)
        covered = _covers(top, sides)
        ctx["table"] = _table(top, lang) if covered else None
        if ctx["table"] is None and covered and len(sides) >= 2:
            # the entry compares exactly the named things but has no table: one from its own sentences
            ctx["table"] = side_table(top, sides, lang)
        if ctx["table"] is None:
            pair = _comparison_pair(question_text if question_text is not None else question, retrieval, search)
            if pair is not None:
                a, b = pair
                ctx["table"] = built_table(a, b, ranked_by, lang, kb)
                ctx["compared"] = [{"title": e.title(lang), "summary": e.text("summary", lang)} for e in (a, b)]
                extra_entries.extend(e for e in (a, b) if e is not top)
    if extra_entries:
        ctx["sources"] = _sources([top, *extra_entries], shape["sources"])
        ctx["related"] = _related(top, kb, lang, shape["related"], exclude={e.id for e in extra_entries})

    asked = question_text if question_text is not None else question
    if intent != "how-to":
        ctx["example"] = top.example if wants("example", asked, lang) else None
    ctx["history"] = history_lines(top, asked, lang)
    name = intent if intent in SHAPE else "definition"
    text = render(lang, name, **ctx)
    if name == "definition":
        # keep definitions short: drop facts, then related topics, until the budget holds (a history
        # line counts; an example manifest the question asked for is code and does not)
        def budget_text() -> str:
            return render(lang, name, **ctx)

        while words_before_sources(budget_text(), lang) > DEFINITION_MAX_WORDS and (ctx["facts"] or ctx["related"]):
            if ctx["facts"]:
                ctx["facts"] = ctx["facts"][:-1]
            else:
                ctx["related"] = ctx["related"][:-1]
        text = render(lang, name, **ctx)
    return Composition(text, intent, False, top.id)


def _side_terms(side: str) -> list[str]:
    """The words of a comparison side that must appear in a table comparing it."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9-]+|[\u3400-\u9fff]{2,}", side.lower()) if len(w) > 2]
    return [w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words]  # "endpointslices" names EndpointSlice


def _covers(entry: Entry, sides: list[str]) -> bool:
    """Whether ``entry`` (its title and table, both languages) names every compared side; with fewer
    than two sides named, the entry's table stands."""
    if len(sides) < 2:
        return True
    table = entry.table
    parts = [entry.title(lang) for lang in languages.codes()]
    if table is not None:
        for lang in languages.codes():
            parts += table.header(lang)
            parts += [str(c) for row in table.body(lang) for c in row[:1]]
    text = " ".join(parts).lower()
    return all(any(term in text for term in _side_terms(side)) or not _side_terms(side) for side in sides)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.。!?！？；;])\s*", text) if s.strip()]


def side_table(entry: Entry, sides: list[str], lang: str) -> dict[str, Any] | None:
    """A table of the named sides from one entry that compares them without a table of its own: per
    side, the summary sentence and the fact that name it (None when a side is named nowhere)."""
    labels = strings(lang)["side_labels"]
    others = [c for c in languages.codes() if c != lang]  # a side may be named in another language's text
    summary = list(zip(_sentences(entry.text("summary", lang)), *(_sentences(entry.text("summary", o)) for o in others),
                       strict=False))
    facts = [(f.text(lang), *(f.text(o) for o in others)) for f in entry.facts]
    columns: list[list[str]] = []
    for side in sides[:4]:
        terms = _side_terms(side)
        if not terms:
            continue

        def names_side(texts: tuple[str, ...], terms: list[str] = terms) -> bool:
            return any(term in " ".join(texts).lower() for term in terms)

        said = next((texts[0] for texts in summary if names_side(texts)), None)
        fact = next((texts[0] for texts in facts if names_side(texts)), None)
        if said is None and fact is None:
            return None
        columns.append([side, said or "-", fact or "-"])
    if len(columns) < 2:
        return None
    return {"columns": [labels[0], *(_cell(c[0]) for c in columns)],
            "rows": [[labels[i], *(_cell(c[i]) for c in columns)] for i in (1, 2)]}


def _comparison_pair(question: str, retrieval: Retrieval, search: Search | None) -> tuple[Entry, Entry] | None:
    """The two entries to compare: the two named things when the question names them and they map to
    different entries, else the top two hits; None when both sides are the same entry."""
    sides = comparison_sides(question)
    if search is not None and len(sides) >= 2:
        found: list[Entry] = []
        for side in sides[:3]:
            r = search(side)
            if r.hits and all(r.hits[0].entry.id != e.id for e in found):
                found.append(r.hits[0].entry)
        if len(found) >= 2:
            return found[0], found[1]
        return None  # every named thing is the top entry's subject: it answers the comparison itself
    if len(retrieval.hits) >= 2:
        return retrieval.hits[0].entry, retrieval.hits[1].entry
    return None
