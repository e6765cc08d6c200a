"""The prompt: a multi-line ``TextArea`` where Enter sends and Shift+Enter / Ctrl+J add a newline.

A bracketed paste arrives as one ``Paste`` event and is inserted as text, so it never submits,
however many newlines it holds. Up on the first line and Down on the last line walk the prompt
history, which is read afresh from the store each time you start walking it, so prompts sent
from other podtalk windows are there too. Ctrl+C clears the line when there is text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import TextArea


class PromptArea(TextArea):
    """The chat input."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Send", id="prompt.submit", priority=True),
        Binding("shift+enter,ctrl+j", "newline", "Newline", id="prompt.newline", priority=True, show=False),
        Binding("up", "history_previous", "Previous", id="prompt.history_previous", show=False),
        Binding("down", "history_next", "Next", id="prompt.history_next", show=False),
        Binding("pageup", "app.scroll_conversation('page_up')", "Page up", id="prompt.page_up", show=False),
        Binding("pagedown", "app.scroll_conversation('page_down')", "Page down", id="prompt.page_down",
                show=False),
        Binding("home", "home", "Home", id="prompt.home", show=False),
        Binding("end", "end", "End", id="prompt.end", show=False),
        Binding("ctrl+c", "clear_line", "Clear line", id="prompt.clear_line", show=False, priority=True),
    ]

    class Submitted(Message):
        """The user pressed Enter: ``text`` is what they wrote."""

        def __init__(self, prompt: PromptArea, text: str) -> None:
            super().__init__()
            self.prompt = prompt
            """The prompt that sent it."""
            self.text = text
            """The prompt's text at the moment Enter was pressed."""

    def __init__(self, *, history: Callable[[], list[str]] = list, id: str | None = None,
                 placeholder: str = "") -> None:
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False, tab_behavior="focus",
                         compact=True, placeholder=placeholder)
        self._history_source = history
        self.prompt_history: list[str] = []
        """Earlier prompts, oldest first: a snapshot taken when you start walking the history."""
        self._history_index: int | None = None
        self._draft = ""

    def action_submit(self) -> None:
        # Enter is a priority binding, handled before character keys already queued for this widget:
        # when a terminal delivers "question\r" in one read (fast typists, tmux send-keys, pasting
        # without bracketed paste) the text is not inserted yet. Submit after the queue drains.
        self.call_later(self._submit_now)

    def _submit_now(self) -> None:
        text = self.text
        if not text.strip():
            return
        self._history_index = None
        self.post_message(self.Submitted(self, text))

    def action_clear_line(self) -> None:
        """Ctrl+C: clear the prompt (as a shell does); on an empty prompt, say how to quit."""
        if self.text:
            self.clear()
            self._history_index = None
        else:
            self.app.action_help_quit()

    def action_newline(self) -> None:
        self.insert("\n")

    def action_home(self) -> None:
        """Start of the line; with an empty prompt, the top of the conversation."""
        if self.text:
            self.action_cursor_line_start()
        else:
            self.app.run_action("scroll_conversation('home')")

    def action_end(self) -> None:
        if self.text:
            self.action_cursor_line_end()
        else:
            self.app.run_action("scroll_conversation('end')")

    def _recall(self, index: int | None) -> None:
        self._history_index = index
        self.text = self._draft if index is None else self.prompt_history[index]
        last = self.document.line_count - 1
        self.move_cursor((last, len(self.document.get_line(last))))

    def action_history_previous(self) -> None:
        if self._history_index is None and self.cursor_location[0] == 0:
            self.prompt_history = self._history_source()
        if self.cursor_location[0] > 0 or not self.prompt_history:
            self.action_cursor_up()
            return
        if self._history_index is None:
            self._draft = self.text
            self._recall(len(self.prompt_history) - 1)
        elif self._history_index > 0:
            self._recall(self._history_index - 1)

    def action_history_next(self) -> None:
        if self.cursor_location[0] < self.document.line_count - 1 or self._history_index is None:
            self.action_cursor_down()
            return
        if self._history_index < len(self.prompt_history) - 1:
            self._recall(self._history_index + 1)
        else:
            self._recall(None)
