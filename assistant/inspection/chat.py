"""The inspection report for the chat UI: Markdown, and a colour reach matrix as a Rich renderable.

Both are built from the same :class:`~assistant.inspection.view.ReportView` as the CLI's text
report, so the chat shows the same capped, cleaned, localised content. The chat wires them:
``render_markdown(report, lang=...)`` for the message body and ``reach_matrix(report)`` for the
picture (a ``rich.table.Table``; Textual's ``Static`` can show it).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant import languages

from .catalog import SEVERITIES
from .pairs import fold_pairs, namespace_of
from .view import RowLimits, ReachFilter, build_view

__all__ = ["render_markdown", "reach_matrix", "MATRIX_MAX"]

MATRIX_MAX = 24
"""Rows and columns the Rich matrix shows at most (a terminal is not wider)."""

STRINGS_PATH = Path(__file__).with_name("chat_strings.yaml")
SECTION_KINDS = {"Errors": "error", "Warnings": "warning", "Info": "info", "Reachability": "reach"}
"""The ``### `` headings of the Markdown (by their English word) and the kind of section each opens."""


@lru_cache(maxsize=1)
def _strings() -> dict[str, dict[str, str]]:
    return yaml.safe_load(STRINGS_PATH.read_text(encoding="utf-8"))


def word(text: str, lang: str) -> str:
    """The Markdown's word ``text`` (its English form) in ``lang``; English if the language lacks it."""
    table = _strings()
    return table.get(lang, {}).get(text) or table[languages.DEFAULT].get(text, text)


def section_heading_kinds() -> dict[str, str]:
    """Every language's ``### `` heading word -> its section kind (``error``, ``warning``, ``info``,
    ``reach``): how a reader of the Markdown tells the sections apart whatever its language."""
    return {word(text, code): kind for code in languages.codes() for text, kind in SECTION_KINDS.items()}


def _md(text: str) -> str:
    """Escape Markdown punctuation that would change the meaning of manifest text."""
    out = []
    for ch in text:
        out.append("\\" + ch if ch in "\\`*_{}[]<>()#+!|~" else ch)
    return "".join(out)


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def render_markdown(report: Any, *, lang: str = languages.DEFAULT, reach_filter: ReachFilter | None = None,
                    limits: RowLimits | None = None) -> str:
    """The report as Markdown: findings by severity and rule, skipped, DNS, and the reach summary + rows."""
    view = build_view(report, lang=lang, reach_filter=reach_filter, limits=limits)

    def t(text: str) -> str:
        return word(text, lang)

    def more(hidden: int) -> list[str]:
        if not hidden:
            return []
        return [f"- … {hidden:,} {t('more')}"]

    out = [f"**{_md(view.summary)}**"]
    for severity in SEVERITIES:
        groups = [g for g in view.groups if g.severity == severity]
        if not groups:
            continue
        title = {"error": "Errors", "warning": "Warnings", "info": "Info"}[severity]
        out += ["", f"### {t(title)} ({view.counts[severity]})"]
        for g in groups:
            out += ["", f"**{_code(g.rule)}** {_md(g.title)}  ", f"*{t('hint')}:* {_md(g.hint)} ([docs]({g.doc}))", ""]
            out += [f"- line {row.line}: {_md(row.message)}" for row in g.rows]
            out += more(g.hidden)
    if view.skipped:
        out += ["", f"### {t('Skipped')} ({len(view.skipped) + view.skipped_hidden})", ""]
        out += [f"- {_md(row)}" for row in view.skipped] + more(view.skipped_hidden)
    if view.dns:
        out += ["", f"### {t('DNS names')}", ""] + [f"- {_code(name)}" for name in view.dns] + more(view.dns_hidden)
    if view.reach_all:
        out += ["", f"### {t('Reachability')}", "", f"{view.reach_total:,} / {view.reach_all:,}"
                + (f" ({_md(view.reach_filter)})" if view.reach_filter else ""), ""]
        out += [f"*{_md(note)}*  " for note in view.reach_notes]
        if view.namespace_pairs:
            out += ["| namespaces | denied | allowed |", "|---|---:|---:|"]
            out += [f"| {_md(p.source)} → {_md(p.destination)} | {p.denied} | {p.allowed} |" for p in view.namespace_pairs]
            out += more(view.namespace_pairs_hidden)
        if view.reach_rows:
            out += ["", "| from | to | port | verdict |", "|---|---|---|---|"]
            out += [f"| {_md(v.source)} | {_md(v.destination)} | {v.port}/{v.protocol} | "
                    f"{'✅' if v.allowed else '❌'} {_md(v.reason)} |" for v in view.reach_rows]
            out += more(view.reach_hidden)
    return "\n".join(out) + "\n"


def reach_matrix(report: Any, *, reach_filter: ReachFilter | None = None, max_size: int = MATRIX_MAX) -> Any:
    """A ``rich.table.Table``: sources down, destinations across; green ✓ allowed, red ✗ denied,
    yellow ◐ some ports denied. Denied pairs' rows and columns come first when it must be cut."""
    from rich.table import Table
    from rich.text import Text

    view = build_view(report, reach_filter=reach_filter, limits=RowLimits.unlimited())
    pairs = fold_pairs(view.verdicts)
    names = sorted({p.source for p in pairs.values()} | {p.destination for p in pairs.values()},
                   key=lambda k: (namespace_of(k), k))
    denied = {n for p in pairs.values() if p.denied for n in (p.source, p.destination)}
    ordered = [n for n in names if n in denied] + [n for n in names if n not in denied]
    froms, tos = {p.source for p in pairs.values()}, {p.destination for p in pairs.values()}
    sources = [n for n in ordered if n in froms][:max_size]
    destinations = [n for n in ordered if n in tos][:max_size]
    table = Table(title="reach: rows = from, columns = to", show_lines=False, pad_edge=False)
    table.add_column("from \\ to", style="bold", no_wrap=True)
    for i, d in enumerate(destinations, 1):
        table.add_column(str(i), justify="center")
    for s in sources:
        cells = []
        for d in destinations:
            pair = pairs.get((s, d))
            if pair is None:
                cells.append(Text("·", style="dim"))
            elif pair.state == "allowed":
                cells.append(Text("✓", style="bold green"))
            elif pair.state == "denied":
                cells.append(Text("✗", style="bold red"))
            else:
                cells.append(Text("◐", style="bold yellow"))
        table.add_row(s, *cells)
    key = ", ".join(f"{i}={d}" for i, d in enumerate(destinations, 1))
    cut = len(names) - min(len(sources), len(destinations))
    table.caption = key + (f"; {cut} more workloads not shown" if cut > 0 else "")
    return table
