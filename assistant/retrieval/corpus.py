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

from assistant.knowledge.loader import Entry, KnowledgeBase


@dataclass(frozen=True)
class DenseText:
    entry_index: int
    text: str


def dense_texts(kb: KnowledgeBase) -> list[DenseText]:
    """The texts to embed, each tagged with its entry's index in ``kb.entries``."""
    out: list[DenseText] = []
    for i, e in enumerate(kb.entries):
        d = e.data
        out.append(DenseText(i, f"{d['title']['en']}. {d['summary']['en']}"))
        out.extend(DenseText(i, q) for q in d["questions"]["en"])
        out.append(DenseText(i, ", ".join(d["keywords"]["en"])))
        out.extend(DenseText(i, f["en"]) for f in d["facts"])
    return out


def lexical_text(entry: Entry) -> str:
    """One document per entry for BM25 (both languages; important fields repeated)."""
    d = entry.data
    parts: list[str] = []
    for lang in ("en", "zh"):
        strong = [d["title"][lang], " ".join(d["keywords"][lang]), " ".join(d["questions"][lang])]
        parts += strong * 2
        parts.append(d["summary"][lang])
        parts += [f[lang] for f in d["facts"]]
        parts.append(d["details"][lang])
    parts.append(entry.topic.replace("-", " "))
    return "\n".join(parts)
