"""The status bar: core readiness, the conversation, answer language, the tour mode, prompt hints."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from assistant.tui.i18n import t


class StatusBar(Static):
    """One line under the conversation. Every field is plain text (never markup)."""

    readiness: reactive[str] = reactive("")
    """What the core can do now (loading, lexical only, ready, degraded)."""
    ready: reactive[bool] = reactive(False)
    lang: reactive[str] = reactive("auto")
    ui_lang: reactive[str] = reactive("en")
    tour: reactive[str] = reactive("")
    """The tour's position while it owns the prompt; shown as a mode badge."""
    hint: reactive[str] = reactive("")
    """A transient hint about the prompt (e.g. a manifest was recognised)."""
    progress: reactive[str] = reactive("")
    """A long operation's progress (index build, big inspection)."""

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.tour:
            text.append(f" {t(self.ui_lang, 'status.tour_badge')} ", style="bold reverse")
            text.append(" " + self.tour + " ", style="bold")
            text.append(t(self.ui_lang, "status.tour_help"), style="italic")
            text.append("  │  ", style="dim")
        text.append("● " if self.ready else "◌ ", style="bold green" if self.ready else "bold yellow")
        text.append(self.progress or self.readiness)
        text.append(f"  │  {t(self.ui_lang, 'status.lang')}: {self.lang}", style="dim")
        if self.hint:
            text.append("  │  ", style="dim")
            text.append(self.hint, style="italic")
        return text
