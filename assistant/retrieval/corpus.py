"""What of each KB entry gets embedded and what gets BM25-indexed.

Dense: several short English texts per entry (title+summary, every sample question, the keywords,
each fact); an entry scores mostly its best vector, so a question that matches one sample question
well is not diluted by the rest (plus a little of its next best, see ``calibration.SUPPORT_K``).
all-MiniLM-L6-v2 is English-only (Chinese characters mostly become unknown tokens), so Chinese texts
are not embedded: a Chinese query is searched densely through its English projection (its
Latin-script words plus the glossary's English terms), and lexically by BM25.

Lexical: one bag per entry over both languages, with titles, keywords and questions repeated to weight
them above long details.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant import languages
from assistant.knowledge.loader import Entry, KnowledgeBase

MODEL_LANG = "en"
"""The one language the embedding model reads: only these texts are embedded."""


@dataclass(frozen=True)
class DenseText:
    entry_index: int
    text: str


def dense_texts(kb: KnowledgeBase) -> list[DenseText]:
    """The texts to embed, each tagged with its entry's index in ``kb.entries``."""
    out: list[DenseText] = []
    for i, e in enumerate(kb.entries):
        out.append(DenseText(i, f"{e.title(MODEL_LANG)}. {e.summary(MODEL_LANG)}"))
        out.extend(DenseText(i, q) for q in e.questions(MODEL_LANG))
        out.append(DenseText(i, ", ".join(e.keywords(MODEL_LANG))))
        out.extend(DenseText(i, f.text(MODEL_LANG)) for f in e.facts)
    return out


def lexical_text(entry: Entry) -> str:
    """One document per entry for BM25 (every language; important fields repeated)."""
    parts: list[str] = []
    for lang in languages.codes():
        strong = [entry.title(lang), " ".join(entry.keywords(lang)), " ".join(entry.questions(lang))]
        parts += strong * 2
        parts.append(entry.summary(lang))
        parts += [f.text(lang) for f in entry.facts]
        parts.append(entry.details(lang))
    parts.append(entry.topic.replace("-", " "))
    return "\n".join(parts)
