"""podtalk's commands: one table that drives ``/`` commands, the command palette and the help text.

Why one table (as harlequin's ``actions.py``): a new command is one :class:`Command` row plus its
handler; the slash help, the palette entries and the help screen's command list are generated from
it, in the interface language, so they cannot drift apart. Textual-free: the palette provider
(:mod:`assistant.tui.palette`) reads this table and talks to the app through a small protocol, so
neither module imports the app (no ``app`` <-> ``commands`` import cycle).
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant import languages
from assistant.tui.i18n import t


@dataclass(frozen=True)
class PaletteEntry:
    title: str
    """i18n key of the palette title."""
    help: str
    """i18n key of the palette help line."""
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Command:
    name: str
    """What follows the slash (``/export``)."""
    usage: str
    """Arguments, for the help line."""
    key: str = ""
    """The key that does the same (shown in the help), or empty."""
    palette: tuple[PaletteEntry, ...] = ()

    @property
    def handler(self) -> str:
        """Name of the app method that runs it (``command_<name>``)."""
        return f"command_{self.name}"

    def help(self, lang: str) -> str:
        return t(lang, f"cmd.{self.name}")


def _p(name: str, *args: str, suffix: str = "") -> PaletteEntry:
    key = f"palette.{name}{suffix}"
    return PaletteEntry(key, key + ".help", args)


COMMANDS: tuple[Command, ...] = (
    Command("help", "", "F1", (_p("help"),)),
    Command("topics", "", "", (_p("topics"),)),
    Command("tour", "[quit|reset]", "", (_p("tour"),)),
    Command("inspect", "", "Ctrl+O", (_p("inspect"),)),
    Command("reindex", "", "", (_p("reindex"),)),
    Command("new", "", "", (_p("new"),)),
    Command("chats", "", "Ctrl+N", (_p("chats"),)),
    Command("rename", "TITLE", "", ()),
    Command("delete", "", "", (_p("delete"),)),
    Command("clear", "", "", (_p("clear"),)),
    Command("undo", "", "", (_p("undo"),)),
    Command("history", "", "Ctrl+R", (_p("history"),)),
    Command("export", "[md|json]", "Ctrl+S", (_p("export", "md", suffix=".md"), _p("export", "json", suffix=".json"))),
    Command("copy", "[code]", "F2", (_p("copy"), _p("copy", "code", suffix=".code"))),
    Command("lang", "[" + "|".join(("auto", *languages.codes())) + "]", "F3", (_p("lang"),)),
    Command("theme", "[light|dark]", "Ctrl+T", (_p("theme"),)),
    Command("quit", "", "Ctrl+Q", ()),
)
BY_NAME: dict[str, Command] = {c.name: c for c in COMMANDS}


def parse_slash(text: str) -> tuple[str, list[str]] | None:
    """``("export", ["json"])`` for ``"/export json"``; None when ``text`` is not a slash command.

    A path such as ``/etc/hosts`` or a multi-line text is not a command.
    """
    stripped = text.strip()
    if not stripped.startswith("/") or "\n" in stripped:
        return None
    name, *args = stripped[1:].split() or [""]
    if not name or "/" in name:
        return None
    return name.lower(), args


def slash_help(lang: str) -> str:
    """The commands as a Markdown table (help screen, unknown-command notice)."""
    rows = [f"| {t(lang, 'help.col.command')} | {t(lang, 'help.col.what')} |", "|---|---|"]
    for c in COMMANDS:
        usage = f" {c.usage}" if c.usage else ""
        key = f" ({c.key})" if c.key else ""
        rows.append(f"| `/{c.name}{usage}` | {c.help(lang)}{key} |")
    return "\n".join(rows)
