"""The conversation: a scroll of turns that sticks to the bottom only while you are at the bottom.

Each turn is its own widget so it can be styled, copied and exported: a question, an answer
(Markdown plus its sources in a collapsible part), an inspection result (Markdown findings plus the
reachability matrix as a ``DataTable``), a notice (help, topics, tour steps) or an error.
Everything shown comes through :mod:`assistant.tui.render`, which strips control characters.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Collapsible, DataTable, Markdown, Static

from assistant.tui import render


class Conversation(VerticalScroll):
    """The scrolling list of turns (anchored: new turns keep it at the bottom unless you scrolled up)."""

    can_focus = True

    def on_mount(self) -> None:
        self.anchor()


class QuestionView(Static):
    """What the user asked, echoed as plain text (no markup, no escapes)."""

    def __init__(self, text: str, *, prefix: str = "❯ ") -> None:
        body = Text(prefix, style="bold")
        body.append(render.clean(text))
        super().__init__(body, classes="turn question")


class NoticeView(Markdown):
    """Podtalk talking about itself: help, topics, tour steps, export paths."""

    def __init__(self, markdown: str) -> None:
        super().__init__(markdown, classes="turn notice")


class ErrorView(Static):
    """Something went wrong; the app keeps running."""

    def __init__(self, text: str) -> None:
        super().__init__(Text("✗ " + render.clean(text)), classes="turn error")


class AnswerView(Vertical):
    """An answer: a note (why it may be weaker), the Markdown, and the sources, collapsed.

    Created empty (a placeholder while the worker answers) or with an answer (a reloaded turn).
    """

    def __init__(self, answer: dict[str, Any] | None = None, note: str | None = None) -> None:
        super().__init__(classes="turn answer" + ("" if answer is not None else " pending"))
        self.answer = answer
        self.note = note
        self.markdown_text: str = render.clean(answer.get("answer", "")) if answer else ""
        """The answer's Markdown (what ``/copy`` copies)."""

    def compose(self) -> ComposeResult:
        if self.answer is None:
            yield Static("…", classes="placeholder")
            return
        sources = self.answer.get("sources") or []
        if self.note:
            yield Static(Text("ⓘ " + render.clean(self.note)), classes="note")
        yield Markdown(self.markdown_text, classes="body")
        title = ("来源" if self.answer.get("lang") == "zh" else "Sources") + f" ({len(sources)})"
        yield Collapsible(Markdown(render.sources_markdown(sources), classes="sources-list"),
                          title=title, collapsed=True, classes="sources")

    async def set_answer(self, answer: dict[str, Any], note: str | None) -> None:
        """Replace the placeholder with the answer (``answer`` is ``Answer.to_dict()``)."""
        self.answer = answer
        self.note = note
        self.markdown_text = render.clean(answer.get("answer", ""))
        self.remove_class("pending")
        await self.recompose()


class InspectionView(Vertical):
    """An inspected manifest: findings by severity, DNS, env, then the reach matrix as a table."""

    def __init__(self, report: dict[str, Any], *, lang: str = "en", hints: dict[str, str] | None = None) -> None:
        super().__init__(classes="turn inspection")
        self.report = report
        self.lang = lang
        self.markdown_text = render.report_markdown(report, lang=lang, hints=hints, reach_table=True)
        """The whole result as Markdown (what ``/copy`` copies)."""
        self._body = render.report_markdown(report, lang=lang, hints=hints)

    def compose(self) -> ComposeResult:
        yield Markdown(self._body, classes="body")
        reach = self.report.get("reach") or []
        if reach:
            zh = self.lang == "zh"
            yield Static(Text("连通性（在这些 NetworkPolicy 下 Pod 到 Pod）" if zh
                              else "Reachability (pod to pod, under the bundle's NetworkPolicies)", style="bold"),
                         classes="reach-title")
            yield DataTable(classes="reach", cursor_type="row", zebra_stripes=True)
            yield Static(classes="reach-why")

    def on_mount(self) -> None:
        rows = render.reach_rows(self.report.get("reach") or [])
        if not rows:
            return
        table = self.query_one(DataTable)
        table.add_columns("from", "to", "port", "verdict", "why")
        for src, dst, port, allowed, reason in rows:
            verdict = Text("allow", style="bold green") if allowed else Text("deny", style="bold red")
            table.add_row(src, dst, port, verdict, reason.split(":", 1)[0])
        self._show_why(0)

    def _show_why(self, row: int) -> None:
        rows = render.reach_rows(self.report.get("reach") or [])
        if 0 <= row < len(rows):
            src, dst, port, _allowed, reason = rows[row]
            self.query_one(".reach-why", Static).update(Text(f"{src} → {dst} {port}: {reason}"))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_why(event.cursor_row)
