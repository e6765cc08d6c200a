"""The chat's brain without the screen: route an input, answer, inspect, run the tour.

Why Textual-free: every decision the chat makes (is this a command, a manifest, pasted command
output, a tour answer, a question about the bundle just inspected, or a question for the KB?) is
tested here without Pilot, and the app is left with layout and wiring. The blocking calls
(:meth:`ChatController.answer`, :meth:`ChatController.inspect`) run in the app's thread workers;
they touch no widget.

Routes, in order: ``/command`` -> :attr:`RouteKind.COMMAND`; Kubernetes YAML/JSON ->
``MANIFEST`` (``TOUR`` while the tour waits for a fixed manifest); pasted command output ->
``DIAGNOSE`` only when a :class:`Diagnoser` is plugged in (none is: ``Assistant.ask`` already
diagnoses symptom reports and pasted output, and answers a narrowing question's "1"/"2" from the
window's :class:`Context`, so they go the ``QUESTION`` way); during the tour, anything that is not a
question -> ``TOUR``; a question about the last inspected bundle -> ``BUNDLE``; everything else ->
``QUESTION``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

from assistant import languages
from assistant.errors import Cancelled
from assistant.tui import render
from assistant.tui.bundle_qa import answer_about_bundle
from assistant.tui.commands import parse_slash
from assistant.tui.store import Store, Turn

if TYPE_CHECKING:
    from assistant.engine import Assistant, Context
    from assistant.tour import TourSession

CORE_TIMEOUT_S = 300.0
MAX_STORED_MANIFEST = 200_000
LANGS = ("auto", *languages.codes())
"""The answer-language settings ``/lang`` cycles through: ``auto`` (the question's) and each registered one."""


class RouteKind(Enum):
    EMPTY = "empty"
    COMMAND = "command"
    MANIFEST = "manifest"
    DIAGNOSE = "diagnose"
    TOUR = "tour"
    BUNDLE = "bundle"
    QUESTION = "question"


@dataclass(frozen=True)
class Route:
    kind: RouteKind
    text: str
    command: str = ""
    args: tuple[str, ...] = ()


class Diagnoser(Protocol):
    """The diagnosis flow, as the chat sees it (plugged in by the diagnosis branch)."""

    def detects(self, text: str) -> bool:
        """True when ``text`` is pasted command output (``kubectl describe``, ``curl`` errors...)."""

    def diagnose(self, text: str, lang: str) -> str:
        """Markdown: what the output says and what to check next."""


@dataclass
class AnswerResult:
    answer: dict[str, Any]
    """``Answer.to_dict()`` with the Markdown cleaned."""
    note: str | None


@dataclass
class InspectionResult:
    report: dict[str, Any]
    """``Report.to_dict()`` (what the store keeps and bundle questions read)."""
    lang: str
    live: Any = None
    """The inspector's ``Report`` (the reach matrix is drawn from it)."""
    markdown: str = ""
    """The report as the inspector renders it (:func:`render.inspection_markdown`)."""
    matrix: Any = None
    """The reach matrix (a Rich table), drawn where the report was made (a worker thread for a new
    inspection: for 300 workloads it is seconds of work the screen must not wait for), or None."""


class ChatController:
    """Routing and the core calls of one chat window."""

    def __init__(self, store: Store, *, namespace: str = "default", cluster_domain: str = "cluster.local",
                 assistant: Assistant | None = None, lang: str = "auto", diagnoser: Diagnoser | None = None) -> None:
        self.store = store
        self.namespace = namespace
        self.cluster_domain = cluster_domain
        self.assistant = assistant
        self.lang = lang if lang in LANGS else "auto"
        self.diagnoser = diagnoser
        self.core_ready = threading.Event()
        """Set once lexical answers are possible (or the core failed: see :attr:`core_error`)."""
        self.core_error: str | None = None
        self.dense_ready = False
        self.context: Context | None = None
        self.tour: TourSession | None = None
        self.last_report: dict[str, Any] | None = None
        """The last inspection of this conversation (questions about it are answered from it)."""
        self.last_manifest: str = ""
        """The text last inspected (Ctrl+O reopens it)."""
        self._ask_lock = threading.Lock()
        self.stop_build = threading.Event()
        """Set (Esc) to stop the search-index build at its next batch; answers stay lexical."""
        self.building = False
        """The search index is being built now (first start, or after a KB change, or ``/reindex``)."""
        self.build_stopped = False
        """The user stopped the build: answers are lexical until ``/reindex`` or the next start."""

    # -- routing ---------------------------------------------------------------------------------
    def route(self, text: str) -> Route:
        if not text.strip():
            return Route(RouteKind.EMPTY, text)
        command = parse_slash(text)
        if command is not None:
            return Route(RouteKind.COMMAND, text, command[0], tuple(command[1]))
        if render.looks_like_manifest(text):
            # a manifest pasted while the tour waits for a fixed one is the tour's answer
            if self.tour_active and getattr(self.tour, "wants_manifest", False):
                return Route(RouteKind.TOUR, text)
            return Route(RouteKind.MANIFEST, text)
        if self.diagnoser is not None and self.diagnoser.detects(text):
            return Route(RouteKind.DIAGNOSE, text)
        question = render.clean(text).strip()
        if self.tour_active and not is_question(question):
            return Route(RouteKind.TOUR, question)
        if self.last_report is not None and answer_about_bundle(question, self.last_report) is not None:
            return Route(RouteKind.BUNDLE, question)
        return Route(RouteKind.QUESTION, question)

    @property
    def answer_lang(self) -> str:
        return languages.resolve(self.lang)

    # -- the core ---------------------------------------------------------------------------------
    def load_core(self, status: Callable[[str, bool, bool], None],
                  progress: Callable[[int, int], None] | None = None) -> None:
        """Load the KB and indexes (blocking: a worker calls it); ``status(text_key, ready, dense)``;
        ``progress(done, total)`` while the search index is built (first start only)."""
        try:
            if self.assistant is None:
                from assistant.engine import Assistant

                self.assistant = Assistant(cluster_domain=self.cluster_domain, namespace=self.namespace)
            self.assistant.retriever.warm_up(dense=False)
        except Exception as exc:  # noqa: BLE001 - no KB: the UI still runs and says why
            self.core_error = f"{type(exc).__name__}: {exc}"
            self.core_ready.set()
            status("status.failed", False, False)
            return
        self.core_ready.set()
        self.load_dense(status, progress)

    def load_dense(self, status: Callable[[str, bool, bool], None],
                   progress: Callable[[int, int], None] | None = None) -> None:
        """Load (building it if needed) the dense index and the model (blocking). A build the user
        stops (:attr:`stop_build`) keeps the texts encoded so far, so the next one (``/reindex``, the
        next start) encodes only the rest; answers meanwhile are lexical and say so."""
        assert self.assistant is not None
        retriever = self.assistant.retriever
        self.stop_build.clear()
        self.build_stopped = False
        status("status.lexical", False, False)

        reported = []

        def reporting(done: int, total: int) -> None:
            self.building = done < total
            reported.append(done)
            if progress is not None:
                progress(done, total)

        retriever.on_build_progress = reporting
        retriever.build_cancelled = self.stop_build.is_set
        try:
            retriever.warm_up(dense=True)
            self.dense_ready = bool(retriever.dense_ready)
        except Cancelled:
            self.build_stopped = True
            self.dense_ready = False
        except Exception as exc:  # noqa: BLE001 - dense is optional: lexical answers go on, and we say why
            self.core_error = f"{type(exc).__name__}: {exc}"
            self.dense_ready = False
        finally:
            self.building = False
            retriever.on_build_progress = None  # the build is over; drop the window's callbacks
            retriever.build_cancelled = None
            if progress is not None and reported:  # a stopped build leaves no bar behind
                progress(0, 0)
        if self.build_stopped:
            status("status.build_stopped", True, False)
            return
        status("status.ready" if self.dense_ready else "status.degraded", True, self.dense_ready)

    def request_stop_build(self) -> bool:
        """Esc during the index build: stop it at its next batch. False when no build is running."""
        if not self.building:
            return False
        self.stop_build.set()
        return True

    @property
    def degraded_reason(self) -> str | None:
        return self.assistant.retriever.degraded_reason if self.assistant is not None else None

    def _wait_core(self) -> Assistant:
        if not self.core_ready.wait(CORE_TIMEOUT_S) or self.assistant is None:
            raise RuntimeError(self.core_error or "the knowledge base did not load")
        return self.assistant

    def answer(self, question: str) -> AnswerResult:
        """Ask the KB (blocking). Follow-ups share this window's :class:`Context`."""
        assistant = self._wait_core()
        from assistant.engine import Context

        with self._ask_lock:
            if self.context is None:
                self.context = Context()
            early = not self.dense_ready
            answer = assistant.ask(question, lang=self.lang, allow_dense=not early, context=self.context)
        data = answer.to_dict()
        data["answer"] = render.clean(data.get("answer", ""))
        note = render.answer_note(data, lexical_early=early and not self.degraded_reason and not self.build_stopped,
                                  build_stopped=early and self.build_stopped)
        return AnswerResult(data, note)

    def bundle_answer(self, question: str) -> str:
        """Markdown answering a question about the last inspected bundle."""
        return answer_about_bundle(question, self.last_report, lang=self.answer_lang) or ""

    def diagnose(self, text: str) -> str:
        assert self.diagnoser is not None
        return self.diagnoser.diagnose(text, self.answer_lang)

    def manifest_turn(self, text: str) -> Turn:
        self.last_manifest = text
        return Turn(role="manifest", text=render.manifest_summary(text),
                    manifest=text if len(text) <= MAX_STORED_MANIFEST else text[:MAX_STORED_MANIFEST])

    def inspect(self, text: str, cancelled: Callable[[], bool] | None = None,
                progress: Callable[[str, int, int], None] | None = None) -> InspectionResult:
        """Inspect a manifest (blocking), as ``podtalk inspect`` does. ``progress(stage, done, total)``
        as the inspector reports it; ``cancelled()`` True stops it at its next checkpoint
        (:class:`~assistant.errors.Cancelled`)."""
        from assistant.inspection import inspect_text
        from assistant.inspection.command import max_bytes_from_env

        lang = self.answer_lang
        report = inspect_text(text, namespace=self.namespace, cluster_domain=self.cluster_domain,
                              max_bytes=max_bytes_from_env(),  # $PODTALK_MAX_BYTES, as for the CLI
                              progress=progress, cancelled=cancelled)
        if progress is not None:
            progress("report", 0, 1)  # the Markdown and the reach matrix: a second or two for a big bundle
        result = _result(report, lang)
        if cancelled is not None and cancelled():
            raise Cancelled("inspection cancelled while writing the report")
        return result

    def reinspect(self, turn: Turn) -> InspectionResult | None:
        """The live report of a stored inspection turn: its manifest (the last one before it) inspected
        again, which takes milliseconds. None when that manifest is gone, was cut when stored, or no
        longer reads (then the stored Markdown is all there is)."""
        if turn.id is None:
            return None
        manifest = (self.store.turn(turn.reply_to) if turn.reply_to is not None
                    else self.store.last_of("manifest", before=turn.id))  # stored before replies were linked
        text = manifest.manifest if manifest is not None else None
        if not text or len(text) >= MAX_STORED_MANIFEST:
            return None
        from assistant.inspection import inspect_text

        try:
            report = inspect_text(text, namespace=self.namespace, cluster_domain=self.cluster_domain)
        except Exception:  # noqa: BLE001 - unreadable now (a lower limit...): show what was stored
            return None
        return _result(report, turn.lang)

    def export_turns(self) -> list[dict[str, Any]]:
        """The conversation for ``/export``; an inspection stored without its Markdown (older versions)
        gets it from its manifest, inspected again."""
        out = []
        for turn in self.store.all_turns():
            if turn.role == "inspection" and not turn.text:
                again = self.reinspect(turn)
                if again is not None:
                    turn.text = again.markdown
            out.append(turn.to_dict())
        return out

    def remember_inspection(self, report: dict[str, Any]) -> None:
        self.last_report = report

    def restore(self) -> None:
        """Pick up the last manifest and report of a reloaded conversation, however far back."""
        manifest, report = self.store.last_of("manifest"), self.store.last_of("inspection")
        self.last_manifest = manifest.manifest or "" if manifest else ""
        self.last_report = report.report if report else None

    def last_stored_manifest(self) -> str:
        """The manifest Ctrl+O reopens: the last one inspected in this conversation."""
        return self.last_manifest

    # -- the tour ---------------------------------------------------------------------------------
    @property
    def tour_active(self) -> bool:
        return self.tour is not None and self.tour.active

    def tour_session(self) -> TourSession:
        if self.tour is None:
            from assistant.tour import TourSession

            self.tour = TourSession(lang=self.answer_lang)
        return self.tour

    def tour_command(self, sub: str) -> str:
        tour = self.tour_session()
        tour.lang = self.answer_lang
        if sub == "reset":
            return tour.handle("restart")  # asks for a "yes" first: a reset loses the progress
        if sub in ("quit", "stop", "exit"):
            return tour.handle("quit") if tour.active else ""
        return tour.start_or_resume()

    def tour_reply(self, text: str) -> str:
        return self.tour_session().handle(text)

    def tour_status(self) -> str:
        return render.clean(self.tour.status()) if self.tour is not None and self.tour.active else ""

    def set_lang(self, lang: str | None) -> str:
        """Set (or cycle, when None) the answer language; returns it."""
        if lang in LANGS:
            self.lang = lang
        else:
            self.lang = LANGS[(LANGS.index(self.lang) + 1) % len(LANGS)]
        if self.tour is not None:
            self.tour.lang = self.answer_lang
        return self.lang


def _result(report: Any, lang: str) -> InspectionResult:
    """Everything the chat shows of a report, made once (by the worker that inspected it)."""
    matrix = None
    if report.reach:
        from assistant.inspection import reach_matrix

        matrix = reach_matrix(report)
    return InspectionResult(report.to_dict(), lang, report, render.inspection_markdown(report, lang=lang), matrix)


def is_question(text: str) -> bool:
    """During the tour, input that is a question for the KB rather than an answer to the tour.

    Tour answers are short (``b``, ``2``, a rule id, a DNS name, ``next``); a question ends with a
    question mark (``?``/``？``) and has more than one word, or starts with ``?``.
    """
    s = text.strip()
    if s.startswith(("?", "？")) and len(s) > 1:
        return True
    return s.endswith(("?", "？")) and (len(s.split()) > 1 or any("\u4e00" <= ch <= "\u9fff" for ch in s) and len(s) > 3)
