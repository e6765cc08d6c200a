"""Two pickers: the conversations (Ctrl+N) and the prompt history search (Ctrl+R).

Both are modal, keyboard-first and leave with Esc: type to filter, Up/Down to move, Enter to pick.
The conversation list also renames (F2 / ``ctrl+e``), deletes (``ctrl+d``, undone with ``/undo``)
and starts a new conversation (``ctrl+n``). They dismiss with what was chosen; the app acts on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from assistant.tui.i18n import t
from assistant.tui.store import ConversationInfo


@dataclass(frozen=True)
class ConversationChoice:
    action: str
    """``switch``, ``new``, ``rename`` or ``delete``."""
    conversation: int = 0
    title: str = ""


class _Picker(ModalScreen):
    """An input over an option list; Up/Down in the input move in the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="picker.close", priority=True),
        Binding("down", "move(1)", "Down", id="picker.down", show=False, priority=True),
        Binding("up", "move(-1)", "Up", id="picker.up", show=False, priority=True),
    ]

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def action_close(self) -> None:
        self.dismiss(None)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -step
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.refill("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refill(event.value)

    def refill(self, query: str) -> None:
        raise NotImplementedError


class HistorySearchScreen(_Picker):
    """Ctrl+R: search every prompt sent from any window; Enter puts it in the prompt."""

    def __init__(self, search: Callable[[str], list[str]], *, lang: str = "en") -> None:
        super().__init__(lang)
        self._search = search
        self._found: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(t(self.lang, "history.title"), classes="picker-title")
            yield Input(placeholder=t(self.lang, "history.placeholder"), id="picker-input")
            yield OptionList(id="picker-options")

    def refill(self, query: str) -> None:
        self._found = self._search(query)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(Text(" ".join(p.split())[:200])) for p in self._found]
                            or [Option(Text(t(self.lang, "history.none"), style="dim"), disabled=True)])
        if self._found:
            options.highlighted = 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._pick(self.query_one(OptionList).highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option_index)

    def _pick(self, index: int | None) -> None:
        if index is not None and 0 <= index < len(self._found):
            self.dismiss(self._found[index])


class ConversationsScreen(_Picker):
    """Ctrl+N: every conversation, most recent first; Enter switches."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new", "New", id="chats.new", priority=True),
        Binding("ctrl+d", "delete", "Delete", id="chats.delete", priority=True),
        Binding("f2,ctrl+e", "rename", "Rename", id="chats.rename", priority=True),
    ]

    def __init__(self, conversations: list[ConversationInfo], current: int, *, lang: str = "en") -> None:
        super().__init__(lang)
        self._all = conversations
        self._current = current
        self._shown: list[ConversationInfo] = []
        self._renaming: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(t(self.lang, "chats.title"), classes="picker-title")
            yield Input(placeholder=t(self.lang, "chats.placeholder"), id="picker-input")
            yield OptionList(id="picker-options")

    def refill(self, query: str) -> None:
        if self._renaming is not None:
            return
        q = query.lower().strip()
        self._shown = [c for c in self._all if q in (c.title or "").lower()]
        options = self.query_one(OptionList)
        options.clear_options()
        for c in self._shown:
            label = Text("● " if c.id == self._current else "  ", style="bold green")
            label.append(c.title or t(self.lang, "chats.untitled"), style="bold" if c.id == self._current else "")
            stamp = datetime.fromtimestamp(c.updated).strftime("%Y-%m-%d %H:%M")
            label.append(f"  {stamp} · {t(self.lang, 'chats.turns', n=c.turns)}", style="dim")
            options.add_option(Option(label))
        if self._shown:
            options.highlighted = 0

    def _highlighted(self) -> ConversationInfo | None:
        index = self.query_one(OptionList).highlighted
        return self._shown[index] if index is not None and 0 <= index < len(self._shown) else None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._renaming is not None:
            self.dismiss(ConversationChoice("rename", self._renaming, event.value))
            return
        chosen = self._highlighted()
        if chosen is not None:
            self.dismiss(ConversationChoice("switch", chosen.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if 0 <= event.option_index < len(self._shown):
            self.dismiss(ConversationChoice("switch", self._shown[event.option_index].id))

    def action_new(self) -> None:
        self.dismiss(ConversationChoice("new"))

    def action_delete(self) -> None:
        chosen = self._highlighted()
        if chosen is not None:
            self.dismiss(ConversationChoice("delete", chosen.id))

    def action_rename(self) -> None:
        chosen = self._highlighted()
        if chosen is None:
            return
        self._renaming = chosen.id
        field = self.query_one(Input)
        field.placeholder = t(self.lang, "chats.rename")
        field.value = chosen.title
        field.focus()
