"""F1: the help, rendered from ``assistant/tui/help.md`` in a modal."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

HELP_FILE = Path(__file__).resolve().parent.parent / "help.md"


def help_markdown() -> str:
    try:
        return HELP_FILE.read_text(encoding="utf-8")
    except OSError:
        return "# podtalk\n\nThe help file is missing."


class HelpScreen(ModalScreen[None]):
    """The help text; Escape, F1 or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss_help", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Markdown(help_markdown())
        yield Static("Esc / F1 / q: close", id="help-footer")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
