"""The podtalk chat app: an input line, the conversation as Markdown, ctrl+q quits.

The core (KB, retriever, model) loads in a thread worker after the first paint, so the input is
usable at once; questions asked before the model is ready are answered lexically and marked.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Input, Markdown, Static


class Message(Markdown):
    """One turn of the conversation."""


class PodtalkApp(App[int]):
    TITLE = "podtalk"
    SUB_TITLE = "how Kubernetes pods communicate"
    CSS = """
    #conversation { height: 1fr; padding: 0 1; }
    Message { margin: 1 0 0 0; }
    Message.question { color: $accent; text-style: bold; }
    #status { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True)]
    AUTO_FOCUS = "#question"

    def __init__(self, *, lang: str = "auto", namespace: str = "default", cluster_domain: str = "cluster.local",
                 manifest: str | None = None, start_tour: bool = False, assistant: Any = None) -> None:
        super().__init__()
        self.lang = lang
        self.namespace = namespace
        self.cluster_domain = cluster_domain
        self.assistant = assistant
        self.dense_ready = False
        self.pending_manifest = manifest

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(id="conversation")
        yield Static("loading knowledge base...", id="status")
        yield Input(placeholder="Ask about pod networking (English or 中文), or paste a manifest", id="question")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#conversation", VerticalScroll).anchor()
        self.load_core()

    @work(thread=True, exclusive=True, group="load")
    def load_core(self) -> None:
        from assistant.engine import Assistant

        if self.assistant is None:
            self.assistant = Assistant(cluster_domain=self.cluster_domain, namespace=self.namespace)
        self.assistant.retriever.warm_up(dense=False)
        self.call_from_thread(self._set_status, "lexical retrieval ready; loading the embedding model...")
        self.assistant.retriever.warm_up(dense=True)
        self.dense_ready = self.assistant.retriever.dense_ready
        self.call_from_thread(self._set_status, "ready" if self.dense_ready else "degraded: lexical retrieval only")

    def _set_status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        event.input.value = ""
        conv = self.query_one("#conversation", VerticalScroll)
        await conv.mount(Message(f"> {text}", classes="question"))
        self.answer(text)

    @work(thread=True, group="answer")
    def answer(self, text: str) -> None:
        try:
            while self.assistant is None:
                import time

                time.sleep(0.05)
            ans = self.assistant.ask(text, lang=self.lang, allow_dense=self.dense_ready)
            body = ans.answer
            if ans.retriever == "lexical" and not self.dense_ready:
                body = "_(answered by the lexical retriever while the model loads)_\n\n" + body
        except Exception as exc:  # the UI never dies on a handler error
            body = f"**Error:** {type(exc).__name__}: {exc}"
        self.call_from_thread(self._show, body)

    async def _show(self, body: str) -> None:
        conv = self.query_one("#conversation", VerticalScroll)
        await conv.mount(Message(body, classes="answer"))


def run_app(**kwargs: Any) -> int:
    app = PodtalkApp(**kwargs)
    app.run()
    return 0
