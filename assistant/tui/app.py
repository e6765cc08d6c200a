"""The podtalk chat app: the conversation, the prompt, the status bar, commands and persistence.

Startup paints first: the core (KB, BM25, the embedding model, faiss, jieba) loads in a thread
worker; questions asked before the model is ready are answered lexically and say so. Workers never
touch widgets: they post typed messages and the handlers below update the screen. Every handler is
wrapped by :func:`guarded`, so an exception becomes an error turn in the conversation and the app
keeps running. The conversation is saved after every turn (:mod:`assistant.tui.store`).

The UI holds no retrieval or inspection logic: it calls ``Assistant.ask`` and ``inspect_text``,
the same core as the CLI.
"""

from __future__ import annotations

import functools
import inspect
import os
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Footer, Header

from assistant.tui import render
from assistant.tui.commands import BY_NAME, PodtalkCommands, parse_slash, slash_help
from assistant.atomic import atomic_write_text
from assistant.tui.store import Store
from assistant.tui.widgets import (AnswerView, Conversation, ErrorView, InspectionView, NoticeView, PromptArea,
                                   QuestionView, StatusBar)

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"
LANGS = ("auto", "en", "zh")
CORE_TIMEOUT_S = 300.0
MAX_STORED_MANIFEST = 200_000
WELCOME = ("**Welcome to podtalk.** Ask how pods communicate (English or 中文), e.g. _what is a headless "
           "service_ or _Pod 之间如何通信？_, or paste a manifest to see what it creates and who can reach whom. "
           "`/help` or F1 for keys and commands, `/tour` for a guided tour.")


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
    """The core's readiness changed."""

    def __init__(self, text: str, *, ready: bool, dense: bool) -> None:
        super().__init__()
        self.text = text
        self.ready = ready
        self.dense = dense


class AnswerReady(Message):
    def __init__(self, view: AnswerView, answer: dict[str, Any], note: str | None) -> None:
        super().__init__()
        self.view = view
        self.answer = answer
        self.note = note


class InspectionReady(Message):
    def __init__(self, report: dict[str, Any], lang: str, hints: dict[str, str]) -> None:
        super().__init__()
        self.report = report
        self.lang = lang
        self.hints = hints


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
        Binding("ctrl+t", "toggle_theme", "Theme", id="app.theme"),
        Binding("ctrl+o", "open_manifest", "Manifest", id="app.manifest"),
        Binding("ctrl+s", "export('md')", "Export", id="app.export"),
        Binding("ctrl+l", "clear", "Clear", id="app.clear", show=False),
        Binding("ctrl+home", "scroll_conversation('home')", "Top", id="app.scroll_home", show=False),
        Binding("ctrl+end", "scroll_conversation('end')", "Bottom", id="app.scroll_end", show=False),
        Binding("escape", "focus_prompt", "Prompt", id="app.focus_prompt", show=False),
    ]

    def __init__(self, *, lang: str | None = None, namespace: str = "default", cluster_domain: str = "cluster.local",
                 manifest: str | None = None, start_tour: bool = False, assistant: Any = None,
                 state_dir: Path | None = None) -> None:
        self._t0 = time.perf_counter()
        super().__init__()
        self.store = Store.load(state_dir)
        self.lang = lang if lang in LANGS and lang != "auto" else self.store.settings.get("lang", "auto")
        if self.lang not in LANGS:
            self.lang = "auto"
        self.namespace = namespace
        self.cluster_domain = cluster_domain
        self.assistant = assistant
        self.dense_ready = False
        self.core_ready = threading.Event()
        self.core_error: str | None = None
        self.context: Any = None
        self._ask_lock = threading.Lock()
        self.pending_manifest = manifest
        self.start_tour = start_tour
        self.tour: Any = None
        theme = self.store.settings.get("theme", DARK_THEME)
        self.theme = theme if theme in self.available_themes else DARK_THEME

    # -- layout -------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Conversation(id="conversation")
        yield StatusBar(id="status")
        prompt = PromptArea(id="prompt", prompt_history=self.store.history,
                            placeholder="Ask about pod networking (English or 中文), paste a manifest, or /help")
        prompt.cursor_blink = False
        yield prompt
        yield Footer()

    @property
    def conversation(self) -> Conversation:
        return self.query_one("#conversation", Conversation)

    @property
    def status(self) -> StatusBar:
        return self.query_one("#status", StatusBar)

    @property
    def prompt(self) -> PromptArea:
        return self.query_one("#prompt", PromptArea)

    @guarded
    async def on_mount(self) -> None:
        self.status.lang = self.lang
        if self.store.keymap:
            self.set_keymap(self.store.keymap)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        await self._restore_conversation()
        self.load_core()
        if self.pending_manifest:
            manifest, self.pending_manifest = self.pending_manifest, None
            await self.submit_manifest(manifest)
        if self.start_tour:
            await self.run_command("tour", [])

    def on_ready(self) -> None:
        self.log.info(f"podtalk: first paint after {(time.perf_counter() - self._t0) * 1000:.0f} ms")

    async def _restore_conversation(self) -> None:
        widgets = [w for turn in self.store.turns if (w := self._widget_for(turn)) is not None]
        if not widgets:
            await self.conversation.mount(NoticeView(WELCOME))
        else:
            await self.conversation.mount_all(widgets)
            await self.conversation.mount(NoticeView(
                f"_restored {len(self.store.turns)} turn(s) from the last session · `/clear` starts afresh_"))

    def _widget_for(self, turn: dict[str, Any]):
        role = turn.get("role")
        if role == "question":
            return QuestionView(turn.get("text", ""))
        if role == "manifest":
            return QuestionView(turn.get("text", ""), prefix="❯ 📄 ")
        if role == "answer":
            return AnswerView(turn.get("answer") or {}, turn.get("note"))
        if role == "inspection":
            return InspectionView(turn.get("report") or {}, lang=turn.get("lang", "en"), hints=turn.get("hints"))
        if role == "notice":
            return NoticeView(turn.get("text", ""))
        if role == "error":
            return ErrorView(turn.get("text", ""))
        return None

    # -- the core -----------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="core", exit_on_error=False, description="load the podtalk core")
    def load_core(self) -> None:
        try:
            if self.assistant is None:
                from assistant.engine import Assistant

                self.assistant = Assistant(cluster_domain=self.cluster_domain, namespace=self.namespace)
            self.assistant.retriever.warm_up(dense=False)
        except Exception as exc:  # noqa: BLE001 - no KB: the UI still runs and says why
            self.core_error = f"{type(exc).__name__}: {exc}"
            self.core_ready.set()
            self.post_message(CoreStatus(f"core failed to load: {self.core_error}", ready=False, dense=False))
            return
        self.core_ready.set()
        self.post_message(CoreStatus("lexical retrieval ready · loading the embedding model…", ready=False, dense=False))
        try:
            self.assistant.retriever.warm_up(dense=True)
            dense = bool(self.assistant.retriever.dense_ready)
        except Exception:  # noqa: BLE001
            dense = False
        self.dense_ready = dense
        reason = getattr(self.assistant.retriever, "degraded_reason", None)
        text = "ready · hybrid retrieval (embeddings + BM25)" if dense else \
            f"degraded · lexical retrieval only{f' ({reason})' if reason else ''}"
        self.post_message(CoreStatus(text, ready=True, dense=dense))

    @guarded
    def on_core_status(self, message: CoreStatus) -> None:
        self.status.readiness = render.clean(message.text)
        self.status.ready = message.ready

    def _wait_core(self) -> Any:
        if not self.core_ready.wait(CORE_TIMEOUT_S) or self.assistant is None:
            raise RuntimeError(self.core_error or "the knowledge base did not load")
        return self.assistant

    # -- input --------------------------------------------------------------------------------------
    @guarded
    def on_text_area_changed(self, event: PromptArea.Changed) -> None:
        if event.text_area is not self.query_one("#prompt"):
            return
        text = event.text_area.text
        self.status.hint = "manifest recognised · Enter inspects it" if render.looks_like_manifest(text[:20000]) else ""

    @guarded
    async def on_prompt_area_submitted(self, event: PromptArea.Submitted) -> None:
        text = event.text
        event.prompt.clear()
        self.status.hint = ""
        await self.submit(text)

    async def submit(self, text: str) -> None:
        """Route one input: a ``/`` command, a tour answer, a manifest, or a question."""
        if not text.strip():
            return
        command = parse_slash(text)
        is_manifest = command is None and render.looks_like_manifest(text)
        if not is_manifest:
            self.store.remember_prompt(text.strip())
        if command is not None:
            await self.run_command(*command)
        elif is_manifest:
            await self.submit_manifest(text)
        elif self.tour is not None and getattr(self.tour, "active", False):
            await self._tour_input(text)
        else:
            await self.ask(text)
        self._report_store_error()

    async def ask(self, text: str) -> None:
        question = render.clean(text).strip()
        if not question:
            return
        await self._add_turn({"role": "question", "text": question}, QuestionView(question))
        view = AnswerView()
        await self.conversation.mount(view)
        self.answer_worker(view, question)

    @work(thread=True, group="answer", exit_on_error=False, description="answer a question")
    def answer_worker(self, view: AnswerView, question: str) -> None:
        try:
            assistant = self._wait_core()
            from assistant.engine import Context

            with self._ask_lock:
                if self.context is None:
                    self.context = Context()
                early = not self.dense_ready
                answer = assistant.ask(question, lang=self.lang, allow_dense=not early, context=self.context)
            data = answer.to_dict()
            note = render.answer_note(data, lexical_early=early and not getattr(assistant.retriever, "degraded_reason", None))
            self.post_message(AnswerReady(view, data, note))
        except Exception as exc:  # noqa: BLE001
            self.post_message(WorkFailed(exc, "answer", view))

    @guarded
    async def on_answer_ready(self, message: AnswerReady) -> None:
        message.answer["answer"] = render.clean(message.answer.get("answer", ""))
        await message.view.set_answer(message.answer, message.note)
        turn = {"role": "answer", "text": message.answer.get("answer", ""), "answer": message.answer,
                "note": message.note, "time": _now()}
        self.store.add_turn(turn)
        self._report_store_error()

    async def submit_manifest(self, text: str) -> None:
        summary = render.manifest_summary(text)
        turn = {"role": "manifest", "text": summary,
                "manifest": text if len(text) <= MAX_STORED_MANIFEST else text[:MAX_STORED_MANIFEST]}
        await self._add_turn(turn, QuestionView(summary, prefix="❯ 📄 "))
        self.inspect_worker(text, "zh" if self.lang == "zh" else "en")

    @work(thread=True, group="inspect", exit_on_error=False, description="inspect a manifest")
    def inspect_worker(self, text: str, lang: str) -> None:
        try:
            from assistant.inspection import inspect_text
            from assistant.inspection.command import max_bytes_from_env

            report = inspect_text(text, namespace=self.namespace, cluster_domain=self.cluster_domain,
                                  max_bytes=max_bytes_from_env())  # $PODTALK_MAX_BYTES, as for the CLI
            hints: dict[str, str] = {}
            if lang == "zh":
                from assistant.inspection.catalog import load_catalog

                catalog = load_catalog()
                hints = {f.rule: catalog[f.rule].text("hint", "zh") for f in report.findings if f.rule in catalog}
            self.post_message(InspectionReady(report.to_dict(), lang, hints))
        except Exception as exc:  # noqa: BLE001 - ManifestError (too large, binary...) and bugs alike
            self.post_message(WorkFailed(exc, "inspect"))

    @guarded
    async def on_inspection_ready(self, message: InspectionReady) -> None:
        turn = {"role": "inspection", "text": "", "report": message.report, "lang": message.lang,
                "hints": message.hints, "time": _now()}
        await self._add_turn(turn, InspectionView(message.report, lang=message.lang, hints=message.hints))

    @guarded
    async def on_work_failed(self, message: WorkFailed) -> None:
        if message.view is not None and message.view.is_attached:
            await message.view.remove()
        self.report_exception(message.error, message.where)

    # -- conversation helpers ------------------------------------------------------------------------
    async def _add_turn(self, turn: dict[str, Any], widget: Any) -> None:
        turn.setdefault("time", _now())
        self.store.add_turn(turn)
        await self.conversation.mount(widget)

    async def notice(self, markdown: str, *, keep: bool = True) -> None:
        """Podtalk says something in the conversation (kept in the history unless ``keep=False``)."""
        if keep:
            await self._add_turn({"role": "notice", "text": markdown}, NoticeView(markdown))
        else:
            await self.conversation.mount(NoticeView(markdown))

    def report_exception(self, error: BaseException, where: str = "") -> None:
        """Show an error turn (and keep it in the history); never raises."""
        from assistant.errors import PodtalkError

        if self._exit_renderables or not self.is_running or self._closing:
            return  # shutting down: a late worker result has nowhere to go
        if isinstance(error, PodtalkError):
            text = str(error)
        else:
            text = f"{type(error).__name__} in {where or 'a handler'}: {error}"
            self.log.error(text)
        try:
            self.store.add_turn({"role": "error", "text": text, "time": _now()})
            self.conversation.mount(ErrorView(text))
        except Exception:  # noqa: BLE001 - the conversation is gone (shutting down): a toast will do
            self.notify(render.clean(text), severity="error")

    def _report_store_error(self) -> None:
        if self.store.last_error:
            self.notify(render.clean(self.store.last_error), severity="warning", timeout=8)
            self.store.last_error = None

    def _last_result(self) -> AnswerView | InspectionView | None:
        views = [v for v in self.conversation.query("AnswerView, InspectionView") if v.markdown_text]
        return views[-1] if views else None

    # -- commands -----------------------------------------------------------------------------------
    @guarded
    async def run_command(self, name: str, args: list[str]) -> None:
        """Run a podtalk command (from ``/name args`` or the palette)."""
        handler = getattr(self, f"command_{name}", None) if name in BY_NAME else None
        if handler is None:
            await self.notice(f"Unknown command `/{render.clean(name)}`. The commands are:\n\n{slash_help()}",
                              keep=False)
            return
        result = handler(*args[:2])
        if inspect.isawaitable(result):
            await result

    def command_help(self, *_: str) -> None:
        from assistant.tui.screens import HelpScreen

        self.push_screen(HelpScreen())

    async def command_topics(self, *_: str) -> None:
        if not self.core_ready.is_set() or self.assistant is None:
            await self.notice("_The knowledge base is still loading; try `/topics` again in a moment._", keep=False)
            return
        lang = "zh" if self.lang == "zh" else "en"
        lines = ["**主题**" if lang == "zh" else "**Topics** (ask about any of them)", ""]
        for topic, entries in self.assistant.kb.topics().items():
            titles = "; ".join(render.md_escape(e.title(lang)) for e in entries[:3])
            more = f" (+{len(entries) - 3})" if len(entries) > 3 else ""
            lines.append(f"- `{topic}`: {titles}{more}")
        await self.notice("\n".join(lines), keep=False)

    async def command_tour(self, *args: str) -> None:
        tour = self._tour_session()
        if tour is None:
            await self.notice("_The guided tour is not available yet in this build of podtalk._", keep=False)
            return
        sub = args[0].lower() if args else ""
        if sub == "reset":
            tour.reset()
            text = tour.start_or_resume()
        elif sub in ("quit", "stop", "exit"):
            text = tour.handle("quit") if tour.active else "_The tour is not running._"
        else:
            text = tour.start_or_resume()
        await self.notice(render.clean(text))
        self._update_tour_status()

    def _tour_session(self) -> Any:
        if self.tour is None:
            try:
                from assistant.tour import TourSession
            except ImportError:
                return None
            self.tour = TourSession(lang="zh" if self.lang == "zh" else "en")
        return self.tour

    async def _tour_input(self, text: str) -> None:
        shown = render.clean(text).strip()
        await self._add_turn({"role": "question", "text": shown}, QuestionView(shown))
        reply = self.tour.handle(text)
        await self.notice(render.clean(reply))
        self._update_tour_status()

    def _update_tour_status(self) -> None:
        tour = self.tour
        self.status.tour = render.clean(tour.status()) if tour is not None and tour.active else ""

    def command_inspect(self, *_: str) -> None:
        self.action_open_manifest()

    async def command_clear(self, *_: str) -> None:
        await self.conversation.remove_children()
        self.store.clear_conversation()
        self.context = None
        self.notify("Conversation cleared")

    async def command_export(self, *args: str) -> None:
        fmt = (args[0].lower() if args else "md").lstrip(".")
        if fmt in ("markdown",):
            fmt = "md"
        if fmt not in ("md", "json"):
            await self.notice("Usage: `/export [md|json]`", keep=False)
            return
        if not self.store.turns:
            await self.notice("_Nothing to export yet._", keep=False)
            return
        text = render.transcript_markdown(self.store.turns) if fmt == "md" else render.transcript_json(self.store.turns)
        path = self._export_path(fmt)
        atomic_write_text(path, text)
        await self.notice(f"Exported {len(self.store.turns)} turn(s) to `{path}`", keep=False)
        self.notify(f"Exported to {path}")

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
            await self.notice("_Nothing to copy yet: ask something first._", keep=False)
            return
        text: str | None = view.markdown_text
        what = "answer"
        if args and args[0].lower() == "code":
            text, what = render.last_code_block(view.markdown_text), "code block"
            if text is None:
                await self.notice("_The last answer has no code block._", keep=False)
                return
        self.copy_to_clipboard(text)
        self.notify(f"Copied the last {what} ({len(text)} characters)")

    def command_lang(self, *args: str) -> None:
        if args and args[0].lower() in LANGS:
            self.lang = args[0].lower()
        else:
            self.lang = LANGS[(LANGS.index(self.lang) + 1) % len(LANGS)]
        self.status.lang = self.lang
        self.store.set_setting("lang", self.lang)
        if self.tour is not None and hasattr(self.tour, "lang"):
            try:
                self.tour.lang = "zh" if self.lang == "zh" else "en"
            except AttributeError:
                pass
        self.notify(f"Answer language: {self.lang}")

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

    def _remember_theme(self, theme: Any) -> None:
        self.store.set_setting("theme", self.theme)

    # -- actions (bindings) --------------------------------------------------------------------------
    @guarded
    def action_help(self) -> None:
        self.command_help()

    @guarded
    async def action_copy_last(self) -> None:
        await self.command_copy()

    @guarded
    def action_toggle_lang(self) -> None:
        self.command_lang()

    @guarded
    def action_toggle_theme(self) -> None:
        self.command_theme()

    @guarded
    async def action_export(self, fmt: str = "md") -> None:
        await self.command_export(fmt)

    @guarded
    async def action_clear(self) -> None:
        await self.command_clear()

    @guarded
    def action_open_manifest(self, text: str = "") -> None:
        from assistant.tui.screens import ManifestScreen

        self.push_screen(ManifestScreen(text), self._manifest_done)

    async def _manifest_done(self, text: str | None) -> None:
        if text:
            try:
                await self.submit_manifest(text)
            except Exception as exc:  # noqa: BLE001
                self.report_exception(exc, "inspect")

    @guarded
    def action_scroll_conversation(self, where: str) -> None:
        conv = self.conversation
        {"home": conv.scroll_home, "end": conv.scroll_end,
         "page_up": conv.scroll_page_up, "page_down": conv.scroll_page_down}[where](animate=False)

    @guarded
    def action_focus_prompt(self) -> None:
        self.prompt.focus()


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def run_app(**kwargs: Any) -> int:
    app = PodtalkApp(**kwargs)
    app.run()
    return app.return_code or 0
