"""The podtalk chat app: layout, keys, workers and wiring around :class:`ChatController`.

Startup paints first: only the last page of the conversation is read from SQLite and mounted
(older turns load as you scroll up), and the core (KB, BM25, the embedding model, faiss, jieba)
loads in a thread worker; questions asked before the model is ready are answered lexically and say
so. Workers never touch widgets: they post typed messages and the handlers below update the screen.
Every handler is wrapped by :func:`guarded`, so an exception becomes an error turn in the
conversation and the app keeps running. Each turn is committed to the database as it happens
(:mod:`assistant.tui.store`).

What to do with an input is decided by the Textual-free controller (:mod:`assistant.tui.controller`);
the commands come from one table (:mod:`assistant.tui.commands`); every word shown comes from the
catalogue of the interface language (:mod:`assistant.tui.i18n`).
"""

from __future__ import annotations

import functools
import inspect
import os
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Header

from assistant.atomic import atomic_write_text
from assistant.tui import render
from assistant.tui.commands import BY_NAME, slash_help
from assistant.tui.palette import PodtalkCommands
from assistant.errors import Cancelled
from assistant.tui.controller import LANGS, ChatController, InspectionResult, RouteKind
from assistant.tui.i18n import t, ui_lang
from assistant.tui.store import Store, Turn
from assistant.tui.widgets import (AnswerView, Conversation, ErrorView, InspectionView, LocalizedFooter, MessageView,
                                   NewMarker, NoticeView, PromptArea, QuestionView, StatusBar, TurnAction)

if TYPE_CHECKING:
    from assistant.engine import Assistant
    from assistant.tui.controller import Diagnoser
    from assistant.tui.screens import ConversationChoice

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"
FIRST_PAGE = 8
"""Turns mounted before the first paint (about a screenful): start-up does not grow with the history."""
PAGE = 20
"""Turns mounted each time the reader scrolls to the top."""
SYNC_INTERVAL_S = 1.0
"""How often a window looks for turns another window added to its conversation (one cheap
``PRAGMA data_version`` when nothing changed)."""
PROGRESS_EVERY_S = 0.1
"""The least time between two progress messages of one inspection (its checkpoints come much faster)."""
PENDING = 2**62
"""The order key's second part for an answer being written (it goes under its question, after the rest)."""
MESSAGE_KEYS = frozenset({"c", "k", "r", *"123456789"})
"""Printable keys a focused message keeps (its actions); any other printable key goes to the prompt."""


def guarded(method):
    """Run a handler; on an exception show it in the conversation instead of crashing the app."""
    if inspect.iscoroutinefunction(method):
        @functools.wraps(method)
        async def async_wrapper(self, *args, **kwargs):
            try:
                return await method(self, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - the point: never let a handler kill the app
                self.app.report_exception(exc, method.__name__)
        return async_wrapper

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            self.app.report_exception(exc, method.__name__)
    return wrapper


# -- messages from workers ----------------------------------------------------------------------------
class CoreStatus(Message):
    """The core's readiness changed (``key`` is an i18n key)."""

    def __init__(self, key: str, *, ready: bool, dense: bool) -> None:
        super().__init__()
        self.key = key
        self.ready = ready
        self.dense = dense


class Progress(Message):
    """A long operation advanced: ``done`` of ``total`` (``total`` 0: finished); ``stage`` names the
    part of an inspection that runs (``parse``, ``model``, ``rules``, ``reach``)."""

    def __init__(self, what: str, done: int, total: int, stage: str = "") -> None:
        super().__init__()
        self.what = what
        self.done = done
        self.total = total
        self.stage = stage


class AnswerReady(Message):
    def __init__(self, view: AnswerView, answer: dict[str, Any], note: str | None) -> None:
        super().__init__()
        self.view = view
        self.answer = answer
        self.note = note


class InspectionReady(Message):
    def __init__(self, result: InspectionResult, manifest_id: int | None = None) -> None:
        super().__init__()
        self.result = result
        self.manifest_id = manifest_id
        """The stored manifest turn the report answers."""


class WorkFailed(Message):
    """A worker raised: show it where its result would have gone."""

    def __init__(self, error: BaseException, where: str, view: AnswerView | None = None) -> None:
        super().__init__()
        self.error = error
        self.where = where
        self.view = view


class PodtalkApp(App[int]):
    """The chat UI. ``assistant`` may be passed in (tests share one warmed core)."""

    TITLE = "podtalk"
    SUB_TITLE = "how Kubernetes pods communicate"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {PodtalkCommands}
    AUTO_FOCUS = "#prompt"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        Binding("f1", "help", "Help", id="app.help"),
        Binding("f2", "copy_last", "Copy", id="app.copy"),
        Binding("f3", "toggle_lang", "Lang", id="app.lang"),
        Binding("ctrl+n", "chats", "Chats", id="app.chats"),
        Binding("ctrl+r", "history_search", "History", id="app.history"),
        Binding("ctrl+o", "open_manifest", "Manifest", id="app.manifest"),
        Binding("ctrl+s", "export('md')", "Export", id="app.export", show=False),
        Binding("ctrl+t", "toggle_theme", "Theme", id="app.theme", show=False),
        Binding("ctrl+l", "redraw", "Redraw", id="app.redraw", show=False),
        Binding("ctrl+home", "scroll_conversation('home')", "Top", id="app.scroll_home", show=False),
        Binding("ctrl+end", "scroll_conversation('end')", "Bottom", id="app.scroll_end", show=False),
        Binding("escape", "escape", "Prompt", id="app.escape", show=False),
    ]

    def __init__(self, *, lang: str | None = None, namespace: str = "default", cluster_domain: str = "cluster.local",
                 manifest: str | None = None, start_tour: bool = False, assistant: Assistant | None = None,
                 state_dir: Path | None = None, diagnoser: Diagnoser | None = None) -> None:
        self._t0 = time.perf_counter()
        super().__init__()
        self.store = Store.load(state_dir)
        saved = self.store.settings.get("lang", "auto")
        chosen = lang if lang in LANGS and lang != "auto" else saved
        self.controller = ChatController(self.store, namespace=namespace, cluster_domain=cluster_domain,
                                         assistant=assistant, lang=chosen, diagnoser=diagnoser)
        self.pending_manifest = manifest
        self.start_tour = start_tour
        self.first_paint_ms: float | None = None
        """Milliseconds from construction to the first paint (the start-up benchmark reads it)."""
        self._first_key: tuple[int, int] | None = None
        self._known_count = 0
        """Visible turns of this conversation as this window knows them (see :meth:`_sync`)."""
        self._base_id = 0
        """The highest turn id when the conversation was last (re)loaded here."""
        self._seen: set[int] = set()
        """Ids above :attr:`_base_id` this window already shows (its own, and those synced in)."""
        self._syncing = False
        self._loading_older = False
        self._cancel_requested = False
        self._manifest_turn_id: int | None = None
        self._core_status_key = "status.loading"
        theme = self.store.settings.get("theme", DARK_THEME)
        self.theme = theme if theme in self.available_themes else DARK_THEME

    # -- small accessors ----------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        """The answer language setting (``auto``, ``en``, ``zh``)."""
        return self.controller.lang

    @property
    def ui(self) -> str:
        """The interface language."""
        return ui_lang(self.controller.lang)

    @property
    def assistant(self) -> Assistant | None:
        return self.controller.assistant

    @property
    def context(self):
        return self.controller.context

    @property
    def dense_ready(self) -> bool:
        return self.controller.dense_ready

    @property
    def conversation(self) -> Conversation:
        return self.query_one("#conversation", Conversation)

    @property
    def status(self) -> StatusBar:
        return self.query_one("#status", StatusBar)

    @property
    def prompt(self) -> PromptArea:
        return self.query_one("#prompt", PromptArea)

    # -- layout -------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Conversation(id="conversation")
        yield NewMarker(t(self.ui, "conversation.new"), id="new-marker")
        yield StatusBar(id="status")
        prompt = PromptArea(id="prompt", history=lambda: self.store.history, placeholder=t(self.ui, "prompt.placeholder"))
        prompt.cursor_blink = False
        yield prompt
        yield LocalizedFooter()

    @guarded
    async def on_mount(self) -> None:
        self._apply_language()
        if self.store.keymap:
            self.set_keymap(self.store.keymap)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        await self._show_conversation()
        self.set_interval(SYNC_INTERVAL_S, self._sync)
        self._report_store_error()
        if self.pending_manifest:
            manifest, self.pending_manifest = self.pending_manifest, None
            await self.submit_manifest(manifest)
        if self.start_tour:
            await self.run_command("tour", [])

    def on_ready(self) -> None:
        self.first_paint_ms = (time.perf_counter() - self._t0) * 1000
        self.log.info(f"podtalk: first paint after {self.first_paint_ms:.0f} ms")
        # After the first paint: the core's imports (numpy, faiss, jieba, the model) hold the GIL for
        # seconds and would otherwise delay it. Questions asked meanwhile wait for the lexical side.
        self.load_core()

    def notify(self, message: str, *, title: str = "", severity: str = "information",  # type: ignore[override]
               timeout: float | None = None, markup: bool = False) -> None:
        """One toast at a time: a new one replaces the last instead of stacking up the screen.
        Never markup: a path or a title like ``[x]`` is shown as typed."""
        self.clear_notifications()
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def on_unmount(self) -> None:
        self.store.close()

    def _apply_language(self) -> None:
        """Relabel everything the interface says (``/lang`` may have changed it)."""
        ui = self.ui
        status = self.status
        status.ui_lang = ui
        status.lang = self.lang
        self._show_readiness()
        self.prompt.placeholder = t(ui, "prompt.placeholder")
        self.query_one(NewMarker).update(t(ui, "conversation.new"))
        self.sub_title = t(ui, "app.subtitle")
        footer = self.query_one(LocalizedFooter)
        footer.call_later(footer.recompose)

    # -- showing stored turns -----------------------------------------------------------------------
    async def _show_conversation(self) -> None:
        """Mount the last page of this window's conversation (the rest loads on scroll-up)."""
        conv = self.conversation
        await conv.remove_children()
        turns = self.store.recent_turns(FIRST_PAGE)
        self._known_count, self._base_id = self.store.sync_point()
        self._seen = set()
        self.controller.restore()
        self._first_key = turns[0].order_key if turns else None
        conv.has_older = bool(turns) and len(turns) == FIRST_PAGE
        if not turns:
            await conv.mount(NoticeView(t(self.ui, "welcome")))
            return
        await conv.mount_all([self._widget_for(turn) for turn in turns])
        total = self.store.count_turns()
        await conv.mount(NoticeView(t(self.ui, "restored", n=total, title=render.md_escape(self.store.title()))))
        conv.anchor()
        conv.scroll_end(animate=False)
        conv.fill_screen_soon()

    def _widget_for(self, turn: Turn, live: InspectionResult | None = None) -> Widget:
        widget = self._make_widget(turn, live)
        widget.order_key = turn.order_key if turn.id is not None else None  # type: ignore[attr-defined]
        return widget

    def _make_widget(self, turn: Turn, live: InspectionResult | None = None) -> Widget:
        tid = turn.id
        if turn.role == "question":
            return QuestionView(turn.text, turn_id=tid)
        if turn.role == "manifest":
            return QuestionView(turn.text, prefix="❯ 📄 ", turn_id=tid)
        if turn.role == "answer":
            return AnswerView(turn.answer or {}, turn.note, lang=self.ui, turn_id=tid)
        if turn.role == "inspection":
            live = live or self.controller.reinspect(turn)  # milliseconds; the matrix needs the live report
            markdown = live.markdown if live else (turn.text or render.inspection_fallback(turn.report or {}))
            return InspectionView(turn.report or {}, lang=turn.lang, turn_id=tid, markdown=markdown,
                                  live=live.live if live else None, matrix=live.matrix if live else None)
        if turn.role == "error":
            return ErrorView(turn.text, turn_id=tid)
        return NoticeView(turn.text, turn_id=tid, kind=turn.kind or "notice")

    @guarded
    async def on_conversation_load_older(self, _: Conversation.LoadOlder) -> None:
        conv = self.conversation
        if self._loading_older or not conv.has_older or self._first_key is None:
            return
        self._loading_older = True
        try:
            turns = self.store.recent_turns(PAGE, before=self._first_key)
            conv.has_older = len(turns) == PAGE
            if not turns:
                return
            self._first_key = turns[0].order_key
            anchor = conv.children[0] if conv.children else None
            await conv.mount_all([self._widget_for(turn) for turn in turns], before=0)
            if anchor is not None:  # keep what the reader was looking at in place
                self.call_after_refresh(conv.scroll_to_widget, anchor, top=True, animate=False)
            conv.fill_screen_soon()
        finally:
            self._loading_older = False

    @guarded
    def on_conversation_scrolled_to_bottom(self, _: Conversation.ScrolledToBottom) -> None:
        self.query_one(NewMarker).display = False

    # -- other windows on the same conversation ---------------------------------------------------
    def _stored(self, turn: Turn) -> Turn:
        """Store a turn of this window (and count it as shown, so :meth:`_sync` does not show it twice)."""
        self.store.add_turn(turn)
        if turn.id:
            self._known_count += 1
            self._seen.add(turn.id)
        return turn

    async def _place(self, widget: Widget) -> None:
        """Mount a stored turn where it belongs: under the turn it answers, before anything newer."""
        conv = self.conversation
        key = getattr(widget, "order_key", None)
        later = None if key is None else next(
            (w for w in conv.children if getattr(w, "order_key", None) is not None and w.order_key > key), None)
        if later is not None:
            await conv.mount(widget, before=later)
        else:
            await conv.mount(widget)

    async def _sync(self) -> None:
        """Show what other windows did to this window's conversation: their new turns in place (each
        reply under its own question), or the whole conversation again after one of them cleared it or
        undid a clear. Runs every :data:`SYNC_INTERVAL_S`; costs one pragma when nothing changed."""
        if self._syncing or not self.store.changed_elsewhere():
            return
        self._syncing = True
        try:
            count, top = self.store.sync_point()
            new = [turn for turn in self.store.turns_after(self._base_id) if turn.id not in self._seen] \
                if top > self._base_id else []
            if count != self._known_count + len(new) or (new and not self._known_count):
                # cleared or restored elsewhere, or the first turns of an empty conversation: show it anew
                await self._show_conversation()
                return
            if not new:
                return
            conv = self.conversation
            following = conv.following()
            for turn in new:
                await self._place(self._widget_for(turn))
                self._seen.add(turn.id or 0)
            self._known_count = count
            if new and following:
                conv.scroll_end(animate=False)
            elif new:
                self.query_one(NewMarker).display = True
            self.controller.restore()  # a bundle the other window inspected can be asked about here
        except Exception as exc:  # noqa: BLE001 - a timer must never stop the app
            self.report_exception(exc, "sync")
        finally:
            self._syncing = False

    # -- the core -----------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="core", exit_on_error=False, description="load the podtalk core")
    def load_core(self) -> None:
        self.controller.load_core(self._post_core_status, self._post_index_progress)

    def _post_core_status(self, key: str, ready: bool, dense: bool) -> None:
        self.post_message(CoreStatus(key, ready=ready, dense=dense))

    def _post_index_progress(self, done: int, total: int) -> None:
        self.post_message(Progress("index", done, total if done < total else 0))

    @work(thread=True, exclusive=True, group="core", exit_on_error=False, description="build the search index")
    def reindex_worker(self) -> None:
        self.controller.load_dense(self._post_core_status, self._post_index_progress)

    @guarded
    def on_core_status(self, message: CoreStatus) -> None:
        self._core_status_key = message.key
        self._show_readiness()
        self.status.ready = message.ready

    def _show_readiness(self) -> None:
        c = self.controller
        reason = c.degraded_reason or c.core_error or ""
        self.status.readiness = render.clean(t(self.ui, self._core_status_key, reason=reason))

    @guarded
    def on_progress(self, message: Progress) -> None:
        self.status.progress = render.progress_line(
            t(self.ui, "progress." + message.what), message.done, message.total,
            stage=t(self.ui, "progress.stage." + message.stage) if message.stage else "",
            cancel=t(self.ui, "progress.cancel" if message.what == "inspect" else "progress.cancel_index"))

    # -- input --------------------------------------------------------------------------------------
    @guarded
    def on_text_area_changed(self, event: PromptArea.Changed) -> None:
        if event.text_area is not self.prompt:
            return
        text = event.text_area.text
        self.status.hint = t(self.ui, "hint.manifest") if render.looks_like_manifest(text[:20000]) else ""

    @guarded
    async def on_prompt_area_submitted(self, event: PromptArea.Submitted) -> None:
        text = event.text
        event.prompt.clear()
        self.status.hint = ""
        await self.submit(text)

    def on_key(self, event: events.Key) -> None:
        """Typing while the conversation (or a message in it) has focus goes to the prompt."""
        focused = self.focused
        if focused is None or focused is self.prompt or not event.is_printable or not event.character:
            return
        if not (focused is self.conversation or self.conversation in focused.ancestors):
            return
        if isinstance(focused, MessageView) and event.key in MESSAGE_KEYS:
            return
        event.stop()
        event.prevent_default()
        self.prompt.focus()
        self.prompt.insert(event.character)

    async def submit(self, text: str) -> None:
        """Route one input (see :meth:`ChatController.route`) and act on it."""
        route = self.controller.route(text)
        if route.kind is RouteKind.EMPTY:
            return
        if route.kind is not RouteKind.MANIFEST:
            self.store.remember_prompt(text.strip())
        if route.kind is RouteKind.COMMAND:
            await self.run_command(route.command, list(route.args))
        elif route.kind is RouteKind.MANIFEST:
            await self.submit_manifest(text)
        elif route.kind is RouteKind.DIAGNOSE:
            asked = await self._add_turn(Turn(role="question", text=t(self.ui, "diagnose.pasted", lines=text.count("\n") + 1,
                                                                      first=render.clean(text.strip().splitlines()[0])[:60])))
            await self.notice(self.controller.diagnose(text), reveal=True, following=True, reply_to=asked)
        elif route.kind is RouteKind.TOUR:
            asked = await self._add_turn(self.controller.manifest_turn(route.text) if render.looks_like_manifest(route.text)
                                         else Turn(role="question", text=route.text))
            await self.notice(render.clean(self.controller.tour_reply(route.text)), reveal=True, following=True,
                              reply_to=asked)
            self._update_tour_status()
        elif route.kind is RouteKind.BUNDLE:
            asked = await self._add_turn(Turn(role="question", text=route.text))
            await self.notice(self.controller.bundle_answer(route.text), reveal=True, kind="bundle", following=True,
                              reply_to=asked)
        else:
            await self.ask(route.text)
        self._report_store_error()

    async def ask(self, question: str) -> None:
        if not question:
            return
        asked = await self._add_turn(Turn(role="question", text=question))
        view = AnswerView(lang=self.ui)
        view.reply_to = asked.turn_id  # type: ignore[attr-defined]
        view.order_key = (asked.turn_id, PENDING) if asked.turn_id else None  # type: ignore[attr-defined]
        await self.conversation.mount(view)
        self.conversation.scroll_end(animate=False)
        self.answer_worker(view, question)

    @work(thread=True, group="answer", exit_on_error=False, description="answer a question")
    def answer_worker(self, view: AnswerView, question: str) -> None:
        try:
            result = self.controller.answer(question)
            self.post_message(AnswerReady(view, result.answer, result.note))
        except Exception as exc:  # noqa: BLE001
            self.post_message(WorkFailed(exc, "answer", view))

    @guarded
    async def on_answer_ready(self, message: AnswerReady) -> None:
        turn = self._stored(Turn(role="answer", text=message.answer.get("answer", ""), answer=message.answer,
                                 note=message.note, reply_to=getattr(message.view, "reply_to", None)))
        if not message.view.is_attached:  # another window cleared the conversation meanwhile: show it anew
            await self._place(self._widget_for(turn))
            return
        message.view.turn_id = turn.id
        message.view.order_key = turn.order_key  # type: ignore[attr-defined]
        following = self.conversation.following()
        await message.view.set_answer(message.answer, message.note)
        self._reveal(message.view, following)
        self._report_store_error()

    async def submit_manifest(self, text: str) -> None:
        shown = await self._add_turn(self.controller.manifest_turn(text))
        self._manifest_turn_id = getattr(shown, "turn_id", None)
        self._cancel_requested = False
        self.post_message(Progress("inspect", 0, 1))
        self.inspect_worker(text, self._manifest_turn_id)

    @work(thread=True, group="inspect", exit_on_error=False, description="inspect a manifest")
    def inspect_worker(self, text: str, manifest_id: int | None = None) -> None:
        last = [0.0]

        def progress(stage: str, done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY_S or done == 0:  # each stage's start, then ten a second at most
                last[0] = now
                self.post_message(Progress("inspect", done, total, stage))

        try:
            result = self.controller.inspect(text, cancelled=lambda: self._cancel_requested, progress=progress)
            self.post_message(InspectionReady(result, manifest_id))
        except Exception as exc:  # noqa: BLE001 - ManifestError (too large, binary...), Cancelled and bugs alike
            self.post_message(WorkFailed(exc, "inspect"))
        finally:
            self.post_message(Progress("inspect", 0, 0))

    @guarded
    async def on_inspection_ready(self, message: InspectionReady) -> None:
        result = message.result
        self.controller.remember_inspection(result.report)
        following = self.conversation.following()
        view = await self._add_turn(Turn(role="inspection", text=result.markdown, report=result.report, lang=result.lang,
                                         reply_to=message.manifest_id), live=result)
        self._reveal(view, following)

    @guarded
    async def on_work_failed(self, message: WorkFailed) -> None:
        if message.view is not None and message.view.is_attached:
            await message.view.remove()
        if isinstance(message.error, Cancelled):
            await self.notice(t(self.ui, "inspect.cancelled"), reveal=False, following=True)
            self.notify(t(self.ui, "toast.cancelled"))
            return
        self.report_exception(message.error, message.where)

    # -- conversation helpers ------------------------------------------------------------------------
    async def _add_turn(self, turn: Turn, live: InspectionResult | None = None) -> Widget:
        """Store a turn and show it; a question is always scrolled into view."""
        self._stored(turn)
        widget = self._widget_for(turn, live)
        conv = self.conversation
        await self._place(widget)
        if turn.role in ("question", "manifest"):
            conv.anchor()
            conv.scroll_end(animate=False)
        return widget

    def _reveal(self, widget: Widget, following: bool) -> None:
        """A new answer, lesson or report: open it at its first line if the reader was ``following``
        the end of the conversation, else leave the view alone and show the "new" marker."""
        conv = self.conversation
        if following:
            self.call_after_refresh(conv.show_from_top, widget)
        else:
            self.query_one(NewMarker).display = True

    async def notice(self, markdown: str, *, keep: bool = True, reveal: bool = False, kind: str = "notice",
                     following: bool | None = None, reply_to: Widget | None = None) -> None:
        """Podtalk says something in the conversation (kept in the history unless ``keep=False``).

        ``following``: whether the reader is at the end (None: look); a reply to what they just
        sent is always shown, since sending scrolled to the end. ``reply_to``: the question's view
        (the notice is stored as its reply).
        """
        if not markdown:
            return
        following = self.conversation.following() if following is None else following
        if keep:
            turn = self._stored(Turn(role="notice", text=markdown, kind=kind,
                                     reply_to=getattr(reply_to, "turn_id", None)))
            view = self._widget_for(turn)
            await self._place(view)
        else:
            view = NoticeView(markdown, kind=kind)
            await self.conversation.mount(view)
        if reveal:
            self._reveal(view, following)
        else:
            self.conversation.scroll_end(animate=False)

    def report_exception(self, error: BaseException, where: str = "") -> None:
        """Show an error turn (and keep it in the history); never raises."""
        from assistant.errors import PodtalkError

        if not self.is_running:
            return  # shutting down: a late worker result has nowhere to go
        if isinstance(error, PodtalkError):
            text = str(error)
        else:
            text = f"{type(error).__name__} in {where or 'a handler'}: {error}"
            self.log.error(text)
        try:
            turn = self._stored(Turn(role="error", text=text))
            self.conversation.mount(self._widget_for(turn))
        except Exception:  # noqa: BLE001 - the conversation is gone (shutting down): a toast will do
            self.notify(render.clean(text), severity="error")

    def _report_store_error(self) -> None:
        if self.store.last_error:
            suffix = t(self.ui, "store.in_memory") if self.store.in_memory else ""
            self.notify(render.clean(self.store.last_error) + suffix, severity="warning", timeout=10)
            self.store.last_error = None

    def _last_result(self) -> MessageView | None:
        views = [v for v in self.conversation.query("AnswerView, InspectionView, NoticeView.bundle")
                 if isinstance(v, MessageView) and v.markdown_text]
        return views[-1] if views else None

    # -- actions on messages ---------------------------------------------------------------------------
    @guarded
    async def on_turn_action(self, message: TurnAction) -> None:
        if message.action in ("copy", "copy_code"):
            if not message.value:
                self.notify(t(self.ui, "toast.no_code"), severity="warning")
                return
            self.copy_to_clipboard(message.value)
            self.notify(t(self.ui, "toast.copied_code" if message.action == "copy_code" else "toast.copied",
                          n=len(message.value)))
        elif message.action in ("reask", "choose"):
            self.prompt.focus()
            await self.submit(message.value)

    @guarded
    def action_focus_message(self, step: int) -> None:
        views = [w for w in self.conversation.children if isinstance(w, MessageView)]
        if not views:
            return
        focused = self.focused
        index = views.index(focused) if focused in views else len(views)
        target = views[max(0, min(len(views) - 1, index + step))]
        target.focus()
        self.conversation.scroll_to_widget(target, animate=False)

    # -- commands -----------------------------------------------------------------------------------
    @guarded
    async def run_command(self, name: str, args: list[str]) -> None:
        """Run a podtalk command (from ``/name args`` or the palette), as listed in the command table."""
        command = BY_NAME.get(name)
        if command is None:
            await self.notice(t(self.ui, "unknown_command", name=render.clean(name)) + "\n\n" + slash_help(self.ui),
                              keep=False)
            return
        result = getattr(self, command.handler)(*args)
        if inspect.isawaitable(result):
            await result

    def command_help(self, *_: str) -> None:
        from assistant.tui.screens import HelpScreen

        self.push_screen(HelpScreen(self.ui))

    async def command_topics(self, *_: str) -> None:
        assistant = self.controller.assistant
        if not self.controller.core_ready.is_set() or assistant is None:
            await self.notice(t(self.ui, "topics.loading"), keep=False)
            return
        lang = self.controller.answer_lang
        lines = [t(self.ui, "topics.title"), ""]
        for topic, entries in assistant.kb.topics().items():
            first, others = entries[0], entries[1:3]
            also = "; ".join(render.md_escape(e.title(lang)) for e in others)
            more = f" (+{len(entries) - 3})" if len(entries) > 3 else ""
            lines.append(f"- {render.md_escape(first.title(lang))} (`{topic}`)" + (f" · {also}{more}" if also else ""))
        await self.notice("\n".join(lines), keep=False, reveal=True, following=True)

    async def command_tour(self, *args: str) -> None:
        sub = args[0].lower() if args else ""
        text = self.controller.tour_command(sub)
        await self.notice(render.clean(text or t(self.ui, "tour.not_running")), reveal=True, following=True)
        self._update_tour_status()

    def _update_tour_status(self) -> None:
        self.status.tour = self.controller.tour_status()

    async def command_reindex(self, *_: str) -> None:
        """Build the search index now: resumes a build stopped with Esc (only the texts not yet encoded
        are encoded), or loads it again after the model failed."""
        c = self.controller
        if not c.core_ready.is_set() or c.assistant is None:
            await self.notice(t(self.ui, "topics.loading"), keep=False)
            return
        if c.dense_ready or c.building or any(w.group == "core" and w.is_running for w in self.workers):
            self.notify(t(self.ui, "toast.reindex_not_needed"))
            return
        self.reindex_worker()

    def command_inspect(self, *_: str) -> None:
        self.action_open_manifest()

    async def command_new(self, *_: str) -> None:
        self.store.new_conversation()
        await self._switched()

    def command_chats(self, *_: str) -> None:
        from assistant.tui.screens import ConversationsScreen

        self.push_screen(ConversationsScreen(self.store.conversations(), self.store.conversation_id, lang=self.ui),
                         self._chats_done)

    async def _chats_done(self, choice: ConversationChoice | None) -> None:
        if choice is None:
            return
        if choice.action == "new":
            await self.command_new()
        elif choice.action == "switch":
            if choice.conversation != self.store.conversation_id and self.store.switch(choice.conversation):
                await self._switched()
        elif choice.action == "rename":
            self.store.rename(choice.title, choice.conversation)
            self.notify(t(self.ui, "toast.renamed", title=choice.title))
        elif choice.action == "delete":
            current = choice.conversation == self.store.conversation_id
            self.store.delete(choice.conversation)
            self.notify(t(self.ui, "toast.deleted"))
            if current:
                await self._switched()
        self._report_store_error()

    def command_rename(self, *args: str) -> None:
        title = " ".join(args).strip()
        if not title:
            self.notify(t(self.ui, "toast.rename_usage"), severity="warning")
            return
        self.store.rename(title)
        self.notify(t(self.ui, "toast.renamed", title=title))

    async def command_delete(self, *_: str) -> None:
        self.store.delete()
        self.notify(t(self.ui, "toast.deleted"))
        await self._switched()

    async def command_clear(self, *_: str) -> None:
        self.store.clear_conversation()
        self.controller.context = None
        self.controller.last_report = None
        await self._show_conversation()
        self.notify(t(self.ui, "toast.cleared"))

    async def command_undo(self, *_: str) -> None:
        what = self.store.undo()
        if what is None:
            self.notify(t(self.ui, "toast.nothing_to_undo"), severity="warning")
            return
        await self._switched()
        self.notify(t(self.ui, f"toast.undone_{what}"))

    async def _switched(self) -> None:
        """This window shows another conversation (new, switched, undone): start its context afresh."""
        self.controller.context = None
        self.controller.last_report = None
        self.controller.last_manifest = ""
        await self._show_conversation()
        self._report_store_error()

    def command_history(self, *_: str) -> None:
        from assistant.tui.screens import HistorySearchScreen

        self.push_screen(HistorySearchScreen(self.store.search_prompts, lang=self.ui), self._history_done)

    def _history_done(self, text: str | None) -> None:
        if text:
            self.prompt.text = text
            last = self.prompt.document.line_count - 1
            self.prompt.move_cursor((last, len(self.prompt.document.get_line(last))))
        self.prompt.focus()

    async def command_export(self, *args: str) -> None:
        fmt = (args[0].lower() if args else "md").lstrip(".")
        fmt = "md" if fmt == "markdown" else fmt
        if fmt not in ("md", "json"):
            await self.notice(t(self.ui, "export.usage"), keep=False)
            return
        turns = self.controller.export_turns()
        if not turns:
            await self.notice(t(self.ui, "export.empty"), keep=False)
            return
        text = render.transcript_markdown(turns) if fmt == "md" else render.transcript_json(turns)
        path = self._export_path(fmt)
        atomic_write_text(path, text)
        await self.notice(t(self.ui, "export.done", n=len(turns), path=path), keep=False)
        self.notify(t(self.ui, "toast.exported", path=path))

    def _export_path(self, fmt: str) -> Path:
        cwd = Path.cwd()
        base = cwd if os.access(cwd, os.W_OK) else self.store.root
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = base / f"podtalk-conversation-{stamp}.{fmt}"
        n = 1
        while path.exists():
            n += 1
            path = base / f"podtalk-conversation-{stamp}-{n}.{fmt}"
        return path

    async def command_copy(self, *args: str) -> None:
        view = self._last_result()
        if view is None:
            await self.notice(t(self.ui, "copy.nothing"), keep=False)
            return
        text: str | None = view.markdown_text
        key = "toast.copied"
        if args and args[0].lower() == "code":
            text, key = render.last_code_block(view.markdown_text), "toast.copied_code"
            if text is None:
                await self.notice(t(self.ui, "copy.no_code"), keep=False)
                return
        self.copy_to_clipboard(text)
        self.notify(t(self.ui, key, n=len(text)))

    async def command_lang(self, *args: str) -> None:
        self.controller.set_lang(args[0].lower() if args else None)
        self.store.set_setting("lang", self.lang)
        self._apply_language()
        self._update_tour_status()
        if not self.store.count_turns():  # only the welcome is shown: say it again in the new language
            await self._show_conversation()
        self.notify(t(self.ui, "toast.lang", lang=self.lang))

    def command_theme(self, *args: str) -> None:
        want = args[0].lower() if args else ""
        if want == "light":
            self.theme = LIGHT_THEME
        elif want == "dark":
            self.theme = DARK_THEME
        elif want in self.available_themes:
            self.theme = want
        else:
            self.theme = DARK_THEME if self.current_theme.dark is False else LIGHT_THEME

    def command_quit(self, *_: str) -> None:
        self.exit(0)

    def _remember_theme(self, _theme: object) -> None:
        self.store.set_setting("theme", self.theme)

    # -- actions (bindings) --------------------------------------------------------------------------
    @guarded
    def action_help(self) -> None:
        self.command_help()

    @guarded
    async def action_copy_last(self) -> None:
        focused = self.focused
        if isinstance(focused, MessageView) and focused.markdown_text:
            focused.action_copy()
            return
        await self.command_copy()

    @guarded
    async def action_toggle_lang(self) -> None:
        await self.command_lang()

    @guarded
    def action_toggle_theme(self) -> None:
        self.command_theme()

    @guarded
    async def action_export(self, fmt: str = "md") -> None:
        await self.command_export(fmt)

    @guarded
    def action_redraw(self) -> None:
        """Ctrl+L redraws the screen, as in a shell (clearing is ``/clear``, which ``/undo`` reverts)."""
        self.refresh(repaint=True, layout=True)
        self.screen.refresh(repaint=True, layout=True)

    @guarded
    def action_chats(self) -> None:
        self.command_chats()

    @guarded
    def action_history_search(self) -> None:
        self.command_history()

    @guarded
    def action_open_manifest(self, text: str = "") -> None:
        """Ctrl+O: the manifest screen, holding the last manifest inspected here (edit, inspect again)."""
        from assistant.tui.screens import ManifestScreen

        self.push_screen(ManifestScreen(text or self.controller.last_stored_manifest(), lang=self.ui),
                         self._manifest_done)

    async def _manifest_done(self, text: str | None) -> None:
        if text:
            try:
                await self.submit_manifest(text)
            except Exception as exc:  # noqa: BLE001
                self.report_exception(exc, "inspect")

    @guarded
    def action_scroll_conversation(self, where: str) -> None:
        conv = self.conversation
        if where in ("home", "page_up") and conv.scroll_y <= 0 and conv.has_older:
            conv.post_message(Conversation.LoadOlder())
        {"home": conv.scroll_home, "end": conv.scroll_end,
         "page_up": conv.scroll_page_up, "page_down": conv.scroll_page_down}[where](animate=False)

    @guarded
    def action_escape(self) -> None:
        """Esc: stop a running inspection (at its next checkpoint), else stop the search-index build
        (at its next batch; answers stay lexical), else back to the prompt."""
        running = [w for w in self.workers if w.group == "inspect" and w.is_running]
        if running:
            self._cancel_requested = True  # the inspector raises Cancelled at its next checkpoint
            self.notify(t(self.ui, "toast.cancelling"))
            return
        if self.controller.request_stop_build():
            self.notify(t(self.ui, "toast.stopping_index"))
            return
        self.prompt.focus()

    def action_focus_prompt(self) -> None:
        self.prompt.focus()


def run_app(**kwargs: Any) -> int:
    app = PodtalkApp(**kwargs)
    app.run()
    return app.return_code or 0
