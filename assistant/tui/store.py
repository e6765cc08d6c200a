"""What the chat UI keeps on disk: the conversation, the prompt history and the settings.

Everything lives in the XDG state directory (:func:`assistant.paths.state_dir`) and is written
atomically (a temporary file in the same directory, then ``os.replace``), after every turn, so a
crash or ``kill -9`` loses at most the turn being answered and never leaves a half-written file.
Pure Python, no Textual: the store is tested without the UI.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.atomic import atomic_write_text
from assistant.paths import state_dir

CONVERSATION_FILE = "conversation.json"
HISTORY_FILE = "prompt-history.json"
SETTINGS_FILE = "settings.json"
MAX_HISTORY = 500
MAX_TURNS = 1000

DEFAULT_SETTINGS: dict[str, Any] = {"theme": "textual-dark", "lang": "auto"}


def _read_json(path: Path, default: Any) -> Any:
    """The JSON in ``path``, or ``default`` when it is missing or unreadable (never raises)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


@dataclass
class Store:
    """The UI's persistent state, bound to one directory (the state dir unless given)."""

    root: Path = field(default_factory=state_dir)
    turns: list[dict[str, Any]] = field(default_factory=list)
    """The conversation: one dict per turn (see :mod:`assistant.tui.render` for the keys)."""
    history: list[str] = field(default_factory=list)
    """Earlier prompts, oldest first."""
    settings: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_SETTINGS))
    keymap: dict[str, str] = field(default_factory=dict)
    """User rebindings from settings.json ``{"keymap": {"app.help": "f5"}}``: binding id -> keys."""
    last_error: str | None = None
    """Why the last save failed (read-only state dir...), or None: the UI shows it once."""

    @classmethod
    def load(cls, root: Path | None = None) -> Store:
        store = cls(root=root or state_dir())
        turns = _read_json(store.root / CONVERSATION_FILE, {})
        if isinstance(turns, dict) and isinstance(turns.get("turns"), list):
            store.turns = [t for t in turns["turns"] if isinstance(t, dict) and "role" in t][-MAX_TURNS:]
        history = _read_json(store.root / HISTORY_FILE, [])
        if isinstance(history, list):
            store.history = [h for h in history if isinstance(h, str)][-MAX_HISTORY:]
        settings = _read_json(store.root / SETTINGS_FILE, {})
        if isinstance(settings, dict):
            store.settings.update({k: v for k, v in settings.items() if isinstance(v, str)})
            keymap = settings.get("keymap")
            if isinstance(keymap, dict):
                store.keymap = {k: v for k, v in keymap.items() if isinstance(k, str) and isinstance(v, str)}
        return store

    def _save(self, name: str, data: Any) -> bool:
        try:
            atomic_write_text(self.root / name, json.dumps(data, ensure_ascii=False, indent=1))
            return True
        except OSError as exc:
            self.last_error = f"could not save {name} in {self.root}: {exc.strerror or exc}"
            return False

    def add_turn(self, turn: dict[str, Any]) -> None:
        self.turns.append(turn)
        del self.turns[:-MAX_TURNS]
        self.save_conversation()

    def save_conversation(self) -> bool:
        return self._save(CONVERSATION_FILE, {"version": 1, "turns": self.turns})

    def clear_conversation(self) -> None:
        self.turns = []
        self.save_conversation()

    def remember_prompt(self, text: str) -> None:
        if not text.strip():
            return
        if self.history and self.history[-1] == text:
            return
        self.history.append(text)
        del self.history[:-MAX_HISTORY]
        self._save(HISTORY_FILE, self.history)

    def set_setting(self, key: str, value: str) -> None:
        if self.settings.get(key) == value:
            return
        self.settings[key] = value
        self._save(SETTINGS_FILE, {**self.settings, **({"keymap": self.keymap} if self.keymap else {})})
