"""F1: the help, from ``help.md`` (``help.<lang>.md`` when translated), with the command table generated.

The scrolling body takes the focus when the screen opens, so Up/Down/PgUp/PgDn/Home/End scroll at
once (no Tab first); Esc, F1 or q closes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from assistant.tui.commands import slash_help
from assistant.tui.i18n import t

HELP_DIR = Path(__file__).resolve().parent.parent


def help_markdown(lang: str = "en") -> str:
    """The help text in ``lang`` with ``{commands}`` replaced by the command table."""
    for path in (HELP_DIR / f"help.{lang}.md", HELP_DIR / "help.md"):
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        return text.replace("{commands}", slash_help(lang))
    return "# podtalk\n\n" + slash_help(lang)


class HelpBody(VerticalScroll):
    can_focus = True


class HelpScreen(ModalScreen[None]):
    """The help text; Escape, F1 or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss_help", "Close", id="help.close"),
    ]

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        with HelpBody(id="help-body"):
            yield Markdown(help_markdown(self.lang))
        yield Static(t(self.lang, "help.footer"), id="help-footer")

    def on_mount(self) -> None:
        self.query_one(HelpBody).focus()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
