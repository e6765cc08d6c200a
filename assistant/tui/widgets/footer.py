"""The footer in the interface language: Textual's ``Footer`` with each key's label looked up by action.

Why a subclass: binding descriptions are fixed when the class is defined, but ``/lang zh`` must
relabel the footer at run time. Keys without a catalogue entry keep their English description.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

from assistant.tui.i18n import catalogue, ui_lang


class LocalizedFooter(Footer):
    def compose(self) -> ComposeResult:
        lang = ui_lang(getattr(self.app, "lang", "en"))
        labels = catalogue(lang)
        for widget in super().compose():
            action = getattr(widget, "action", None)  # a footer key (its class is not public API)
            if isinstance(action, str) and isinstance(getattr(widget, "description", None), str):
                widget.description = labels.get(f"key.{action}", widget.description)
            yield widget
