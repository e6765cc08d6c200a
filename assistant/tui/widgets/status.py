"""The status bar: core readiness, answer language, tour progress."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


class StatusBar(Static):
    """One line under the conversation. Every field is plain text (never markup)."""

    readiness: reactive[str] = reactive("starting: loading the knowledge base...")
    """What the core can do now (loading, lexical only, ready, degraded)."""
    ready: reactive[bool] = reactive(False)
    lang: reactive[str] = reactive("auto")
    tour: reactive[str] = reactive("")
    hint: reactive[str] = reactive("")
    """A transient hint about the prompt (e.g. a manifest was recognised)."""

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("● " if self.ready else "◌ ", style="bold green" if self.ready else "bold yellow")
        text.append(self.readiness)
        text.append(f"  │  lang: {self.lang}", style="dim")
        if self.tour:
            text.append("  │  ", style="dim")
            text.append(self.tour, style="bold")
        if self.hint:
            text.append("  │  ", style="dim")
            text.append(self.hint, style="italic")
        return text
