"""The conversation: a scroll of turns, each one a focusable message you can act on.

- Each turn is its own widget (a question, an answer, an inspection report, a notice, an error), so
  it can be styled, focused with the keyboard and acted on: ``c`` copies it, ``k`` copies its next
  code block, ``r`` asks its question again, ``1``-``9`` pick a numbered suggestion (Related topics,
  closest topics), Up/Down move between messages, any other key goes back to the prompt.
- Scroll discipline (as oterm does): the app scrolls your question into view when you send, and a
  new answer, lesson or report opens at its first line; when you are scrolled up and something new
  arrives, a "new" marker appears at the bottom instead of yanking the view.
- Only the last page of a long conversation is mounted at start; scrolling to the top asks the app
  for the previous page (:class:`Conversation.LoadOlder`).

Everything shown comes through :mod:`assistant.tui.render`, which strips control characters and
keeps ``<pending>`` from being read as HTML.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.markdown import Markdown as RichMarkdown
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Collapsible, Static

from assistant import languages
from assistant.tui import render
from assistant.tui.i18n import t


class Conversation(VerticalScroll):
    """The scrolling list of turns (anchored to the bottom unless you scrolled up)."""

    can_focus = True

    class LoadOlder(Message):
        """Scrolled to the top: the app mounts the previous page of turns, if any."""

    class ScrolledToBottom(Message):
        """The reader reached the bottom: the "new" marker can go."""

    has_older: bool = False
    """More stored turns exist above the first mounted one."""

    def on_mount(self) -> None:
        self.anchor()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value <= 0 and old_value > 0 and self.has_older:
            self.post_message(self.LoadOlder())
        if new_value >= self.max_scroll_y - 1:
            self.post_message(self.ScrolledToBottom())

    @property
    def at_bottom(self) -> bool:
        return self.scroll_y >= self.max_scroll_y - 1

    def following(self) -> bool:
        """True when the reader sees the end of the conversation (the last turn is on screen), so
        something new may be shown; False when they scrolled up to read."""
        last = self.children[-1] if self.children else None
        if last is None:
            return True
        bottom_line = last.virtual_region.bottom - 1
        return self.scroll_y <= bottom_line + 1 and bottom_line <= self.scroll_y + self.scrollable_content_region.height + 1

    def fill_screen_soon(self) -> None:
        """A page shorter than the screen cannot be scrolled up, so scrolling can never ask for older
        turns: ask for them once the layout has settled. The timer is this widget's own, so it stops
        with the widget (a window closing, a conversation switch) instead of firing into a torn-down app."""
        self.set_timer(0.5, self._fill_screen)

    def _fill_screen(self) -> None:
        if self.is_attached and self.has_older and self.max_scroll_y <= 0:
            self.post_message(self.LoadOlder())

    def show_from_top(self, widget: Widget) -> None:
        """Show a new turn: stay at the bottom if it fits, else open it at its first line."""
        if widget.outer_size.height >= self.scrollable_content_region.height:
            self.release_anchor()
            self.scroll_to_widget(widget, top=True, animate=False)
        else:
            self.anchor()
            self.scroll_end(animate=False)


class TurnAction(Message):
    """A message asks the app to do something: ``copy``, ``copy_code``, ``reask`` or ``choose``."""

    def __init__(self, view: Widget, action: str, value: str = "") -> None:
        super().__init__()
        self.view = view
        self.action = action
        self.value = value


class MessageView(Widget):
    """What every focusable turn shares: keyboard actions and the text ``c`` copies."""

    can_focus = True
    markdown_text: str = ""
    question: str = ""
    narrowing: bool = False
    choices: list[tuple[str, str]] = []
    _code_index = -1

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", "Copy", id="message.copy"),
        Binding("k", "copy_code", "Copy code", id="message.copy_code"),
        Binding("r", "reask", "Re-ask", id="message.reask"),
        Binding("up", "app.focus_message(-1)", "Previous", id="message.previous", show=False),
        Binding("down", "app.focus_message(1)", "Next", id="message.next", show=False),
        *[Binding(str(n), f"choose({n})", f"Choose {n}", id=f"message.choose_{n}", show=False) for n in range(1, 10)],
    ]

    def action_copy(self) -> None:
        self.post_message(TurnAction(self, "copy", self.markdown_text))

    def action_copy_code(self) -> None:
        blocks = render.code_blocks(self.markdown_text)
        if not blocks:
            self.post_message(TurnAction(self, "copy_code", ""))
            return
        self._code_index = (self._code_index + 1) % len(blocks)
        self.post_message(TurnAction(self, "copy_code", blocks[self._code_index]))

    def action_reask(self) -> None:
        if self.question:
            self.post_message(TurnAction(self, "reask", self.question))

    def action_choose(self, n: int) -> None:
        if 1 <= n <= len(self.choices):
            self.post_message(TurnAction(self, "choose", self.choices[n - 1][0]))


class QuestionView(MessageView, Static):
    """What the user asked, echoed as plain text (no markup, no escapes)."""

    def __init__(self, text: str, *, prefix: str = "❯ ", turn_id: int | None = None) -> None:
        body = Text(prefix, style="bold")
        body.append(render.clean(text))
        super().__init__(body, classes="turn question")
        self.markdown_text = render.clean(text)
        self.question = "" if prefix != "❯ " else self.markdown_text
        self.turn_id = turn_id


def markdown_body(markdown: str, classes: str = "body") -> Static:
    """Markdown shown by one ``Static`` (Rich's renderer): about four times cheaper to mount than
    Textual's ``Markdown`` widget (measured 0.49 s vs 1.67 s for 20 answers on a busy 2-core machine),
    which keeps a long conversation quick to open and to scroll back through."""
    return Static(RichMarkdown(render.protect_markup(markdown), hyperlinks=True), classes=classes)


class NoticeView(MessageView, Static):
    """Podtalk talking about itself: help, topics, tour steps, answers about a bundle."""

    def __init__(self, markdown: str, *, turn_id: int | None = None, kind: str = "notice") -> None:
        super().__init__(RichMarkdown(render.protect_markup(markdown), hyperlinks=True),
                         classes=f"turn notice {kind}")
        self.markdown_text = markdown
        self.choices = render.suggestions(markdown)
        """Numbered entries (``/topics``, closest topics): a number key on the focused notice asks one."""
        self.turn_id = turn_id


class ErrorView(MessageView, Static):
    """Something went wrong; the app keeps running."""

    def __init__(self, text: str, *, turn_id: int | None = None) -> None:
        super().__init__(Text("✗ " + render.clean(text)), classes="turn error")
        self.markdown_text = render.clean(text)
        self.turn_id = turn_id


class AnswerView(MessageView, Vertical):
    """An answer: a note (why it may be weaker), the Markdown, numbered suggestions, the sources.

    Created empty (a placeholder while the worker answers) or with an answer (a reloaded turn).
    """

    def __init__(self, answer: dict[str, Any] | None = None, note: str | None = None, *, lang: str = languages.DEFAULT,
                 turn_id: int | None = None) -> None:
        super().__init__(classes="turn answer" + ("" if answer is not None else " pending"))
        self.answer = answer
        self.note = note
        self.lang = lang
        self.turn_id = turn_id
        self._set(answer)

    def _set(self, answer: dict[str, Any] | None) -> None:
        self.markdown_text = render.clean(answer.get("answer", "")) if answer else ""
        """The answer's Markdown (what ``c`` and ``/copy`` copy)."""
        self.question = render.clean(answer.get("question", "")) if answer else ""
        narrowing = (answer or {}).get("narrowing") or {}
        self.narrowing = bool(narrowing.get("choices"))
        """A diagnosis asks which of its choices you see: the number keys answer it (with the choice's
        words, which the diagnosis reads like its number), not the Related topics."""
        self.choices = ([(render.clean(label), "") for label in narrowing["choices"]][:9] if self.narrowing
                        else render.suggestions(self.markdown_text))

    def compose(self) -> ComposeResult:
        if self.answer is None:
            yield Static("…", classes="placeholder")
            return
        said = self.answer.get("lang")  # labels in the answer's language, unless it is the fallback one
        lang = said if said in languages.codes() and said != languages.DEFAULT else self.lang
        sources = self.answer.get("sources") or []
        if self.note:
            yield Static(Text("ⓘ " + render.clean(self.note)), classes="note")
        yield markdown_body(self.markdown_text if self.narrowing else render.without_suggestions(self.markdown_text))
        if self.choices:
            yield Static(Text(t(lang, "answer.narrowing" if self.narrowing else "answer.choices")),
                         classes="choices-title")
            for n, (title, topic) in enumerate(self.choices, 1):
                yield Choice(n, title, topic)
        yield Collapsible(Static(render.sources_text(sources), classes="sources-list"),
                          title=t(lang, "answer.sources", n=len(sources)), collapsed=True, classes="sources")

    async def set_answer(self, answer: dict[str, Any], note: str | None) -> None:
        """Replace the placeholder with the answer (``answer`` is ``Answer.to_dict()``)."""
        self.answer = answer
        self.note = note
        self._set(answer)
        self.remove_class("pending")
        await self.recompose()


class Choice(Static):
    """One numbered suggestion under an answer: click it (or press its number on the answer) to ask."""

    def __init__(self, n: int, title: str, topic: str) -> None:
        body = Text(f" {n} ", style="reverse")
        body.append(" " + render.clean(title))
        if topic:
            body.append(f"  {topic}", style="dim")
        super().__init__(body, classes="choice")
        self.title_text = title

    def on_click(self) -> None:
        self.post_message(TurnAction(self, "choose", self.title_text))


class InspectionView(MessageView, Vertical):
    """An inspected manifest: the inspector's Markdown cut into sections (each severity in its colour),
    and the reach of the bundle as the inspector's colour matrix (green ✓ allowed, red ✗ denied,
    yellow ◐ some ports denied) above the reach rows.

    ``markdown`` is :func:`assistant.tui.render.inspection_markdown` of the live report (the same text
    ``c``, ``/copy`` and ``/export`` give); ``live`` is the inspector's ``Report`` the matrix is drawn
    from (None for a stored turn whose manifest is gone: then the Markdown alone is shown).
    """

    def __init__(self, report: dict[str, Any], *, lang: str = languages.DEFAULT, markdown: str = "", live: Any = None,
                 turn_id: int | None = None, matrix: Any = None) -> None:
        super().__init__(classes="turn inspection")
        self.report = report
        self.lang = lang
        self.turn_id = turn_id
        self.live = live
        self.matrix = matrix
        """The reach matrix made with the report (in its worker), or None: then it is drawn here."""
        self.markdown_text = markdown
        """The whole result as Markdown (what ``c`` and ``/copy`` copy)."""
        self._sections = render.markdown_sections(markdown)

    def compose(self) -> ComposeResult:
        for kind, markdown in self._sections:
            title, _, rest = markdown.partition("\n") if markdown.startswith("### ") else ("", "", markdown)
            with Vertical(classes=f"section sev-{kind}"):
                if kind == "reach":
                    yield Static(Text(t(self.lang, "reach.title"), style="bold"), classes="reach-title")
                    if self.matrix is None and self.live is not None and self.live.reach:
                        from assistant.inspection import reach_matrix

                        self.matrix = reach_matrix(self.live)
                    if self.matrix is not None:
                        yield Static(self.matrix, classes="reach")
                elif title:
                    yield Static(Text(title[4:]), classes="sev-title")
                yield markdown_body(rest.strip())


class NewMarker(Static):
    """"↓ new" at the bottom of the conversation while you read further up."""
