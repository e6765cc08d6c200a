"""The manifest screen: a YAML editor for long manifests, ``ctrl+e`` opens ``$EDITOR``.

Dismisses with the text to inspect (``ctrl+r``) or ``None`` (Escape). Escape is a priority binding:
the code editor would otherwise take it, and the screen says "Esc back". Ctrl+O in the chat reopens
the last manifest here to fix it and inspect again. YAML is highlighted (tree-sitter-yaml).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static, TextArea

from assistant.tui.i18n import t
from assistant.tui.widgets.footer import LocalizedFooter


def _yaml_area(text: str) -> TextArea:
    """A code editor for YAML, highlighted when tree-sitter's YAML grammar is installed."""
    try:
        area = TextArea.code_editor(text, language="yaml", id="manifest-text")
    except Exception:  # noqa: BLE001 - no syntax support installed: plain editor
        area = TextArea.code_editor(text, id="manifest-text")
    area.cursor_blink = False
    return area


class ManifestScreen(Screen[str | None]):
    """Paste or edit a manifest, then inspect it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "inspect", "Inspect", id="manifest.inspect", priority=True),
        Binding("ctrl+e", "external_editor", "$EDITOR", id="manifest.editor", priority=True),
        Binding("escape", "cancel", "Back", id="manifest.back", priority=True),
    ]

    def __init__(self, text: str = "", *, lang: str = "en") -> None:
        super().__init__()
        self._initial = text
        self.lang = lang

    def compose(self) -> ComposeResult:
        yield Static(t(self.lang, "manifest.title"), id="manifest-title")
        yield _yaml_area(self._initial)
        yield LocalizedFooter()

    def on_mount(self) -> None:
        self.query_one("#manifest-text", TextArea).focus()

    def action_inspect(self) -> None:
        text = self.query_one("#manifest-text", TextArea).text
        self.dismiss(text if text.strip() else None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_external_editor(self) -> None:
        area = self.query_one("#manifest-text", TextArea)
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        fd, name = tempfile.mkstemp(prefix="podtalk-", suffix=".yaml")
        path = Path(name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(area.text)
            with self.app.suspend():
                result = subprocess.run([*shlex.split(editor), str(path)], check=False)
            if result.returncode == 0:
                area.text = path.read_text(encoding="utf-8", errors="replace")
            else:
                self.notify(f"{editor} exited with {result.returncode}; manifest unchanged", severity="warning")
        except (OSError, ValueError) as exc:
            self.notify(f"could not run {editor}: {exc}", severity="error")
        finally:
            path.unlink(missing_ok=True)
