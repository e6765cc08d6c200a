"""The command palette's podtalk entries, generated from the command table in the interface language.

The provider reaches the app only through :class:`CommandRunner` (``lang`` and ``run_command``), so
it does not import the app.
"""

from __future__ import annotations

from collections.abc import Awaitable
from functools import partial
from typing import Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from assistant.tui.commands import COMMANDS
from assistant.tui.i18n import t


@runtime_checkable
class CommandRunner(Protocol):
    """What the palette needs from the app."""

    lang: str

    def run_command(self, name: str, args: list[str]) -> Awaitable[None]: ...


class PodtalkCommands(Provider):
    """The palette's podtalk commands (shown on open, fuzzy-searched as you type), in the UI language."""

    def _entries(self) -> list[tuple[str, str, str, tuple[str, ...]]]:
        from assistant.tui.i18n import ui_lang

        runner = self.app
        lang = ui_lang(runner.lang) if isinstance(runner, CommandRunner) else "en"
        return [(f"podtalk: {t(lang, e.title)}", t(lang, e.help), c.name, e.args)
                for c in COMMANDS for e in c.palette]

    def _callback(self, name: str, args: tuple[str, ...]):
        runner = self.app
        assert isinstance(runner, CommandRunner)
        return partial(runner.run_command, name, list(args))

    async def discover(self) -> Hits:
        for title, help_text, name, args in self._entries():
            yield DiscoveryHit(title, self._callback(name, args), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, name, args in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._callback(name, args), help=help_text)
