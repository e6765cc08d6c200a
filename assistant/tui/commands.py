"""podtalk's own commands: ``/`` commands typed in the prompt and the command palette's provider.

Both routes end in :meth:`PodtalkApp.run_command`, so ``/export json`` and the palette's
"Export conversation as JSON" do exactly the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from assistant.tui.app import PodtalkApp


@dataclass(frozen=True)
class Command:
    name: str
    """What follows the slash (``/export``)."""
    usage: str
    """Arguments, for the help line."""
    help: str


SLASH_COMMANDS: tuple[Command, ...] = (
    Command("help", "", "show the help (F1)"),
    Command("topics", "", "list the knowledge base's topics"),
    Command("tour", "[quit|reset]", "start or resume the guided tour"),
    Command("inspect", "", "open the manifest screen (ctrl+o); or just paste YAML here"),
    Command("clear", "", "clear the conversation (ctrl+l)"),
    Command("export", "[md|json]", "save the conversation with its sources (ctrl+s)"),
    Command("copy", "[code]", "copy the last answer, or its last code block (f2)"),
    Command("lang", "[auto|en|zh]", "answer language (f3 toggles)"),
    Command("theme", "[light|dark]", "switch between the light and dark theme (ctrl+t)"),
    Command("quit", "", "leave podtalk (ctrl+q)"),
)
BY_NAME = {c.name: c for c in SLASH_COMMANDS}


def parse_slash(text: str) -> tuple[str, list[str]] | None:
    """``("export", ["json"])`` for ``"/export json"``; None when ``text`` is not a slash command.

    A path such as ``/etc/hosts`` or a multi-line text is not a command.
    """
    stripped = text.strip()
    if not stripped.startswith("/") or "\n" in stripped:
        return None
    name, *args = stripped[1:].split()
    if not name or "/" in name:
        return None
    return name.lower(), args


def slash_help() -> str:
    rows = ["| command | what it does |", "|---|---|"]
    rows += [f"| `/{c.name}{' ' + c.usage if c.usage else ''}` | {c.help} |" for c in SLASH_COMMANDS]
    return "\n".join(rows)


# (palette title, help, command name, args)
PALETTE: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("podtalk: Topics", "List the knowledge base's topics", "topics", ()),
    ("podtalk: Tour", "Start or resume the guided onboarding tour", "tour", ()),
    ("podtalk: Inspect a manifest", "Open the manifest screen (YAML editor, ctrl+e for $EDITOR)", "inspect", ()),
    ("podtalk: Clear conversation", "Start a new conversation", "clear", ()),
    ("podtalk: Export conversation as Markdown", "Write the conversation with sources to a .md file", "export", ("md",)),
    ("podtalk: Export conversation as JSON", "Write the conversation with sources to a .json file", "export", ("json",)),
    ("podtalk: Copy last answer", "Copy the last answer's Markdown to the clipboard", "copy", ()),
    ("podtalk: Copy last code block", "Copy the last code block of the last answer", "copy", ("code",)),
    ("podtalk: Toggle language", "Cycle the answer language: auto, en, zh", "lang", ()),
    ("podtalk: Toggle light/dark theme", "Switch between the light and the dark theme", "theme", ()),
    ("podtalk: Help", "Keys, commands and tips", "help", ()),
)


class PodtalkCommands(Provider):
    """The palette's podtalk commands (shown on open, fuzzy-searched as you type)."""

    @property
    def _app(self) -> PodtalkApp:
        return self.app  # type: ignore[return-value]

    def _callback(self, name: str, args: tuple[str, ...]):
        return partial(self._app.run_command, name, list(args))

    async def discover(self) -> Hits:
        for title, help_text, name, args in PALETTE:
            yield DiscoveryHit(title, self._callback(name, args), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, name, args in PALETTE:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._callback(name, args), help=help_text)
