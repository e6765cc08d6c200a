"""What the chat keeps on disk: conversations, their turns and the prompt history, in one SQLite file.

Why SQLite (stdlib ``sqlite3``) and not JSON files: several podtalk windows may be open at once.
Each turn and each prompt is one small ``INSERT`` in its own transaction, so windows never overwrite
each other, a ``kill -9`` loses at most the turn being written, and start-up reads only the last few
turns however long the history is (older turns are read page by page as the user scrolls up).

- One database, ``state_dir()/podtalk.db``, in WAL mode (readers never block the writer), with a
  busy timeout so two windows writing at the same moment wait for each other instead of failing.
- The schema is versioned with ``PRAGMA user_version`` and migrated forward by :data:`MIGRATIONS`.
- The JSON files of earlier versions (``conversation.json``, ``prompt-history.json``) are imported
  once, into a conversation of their own; the files are left where they are.
- A damaged, locked or too-new database never crashes the app: :attr:`Store.last_error` gets one
  line and the store runs on a fresh in-memory database for this session.
- Settings (theme, language, the user's keymap) stay in ``settings.json``: a file people edit.

Pure Python, no Textual: tested without the UI.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from assistant.atomic import atomic_write_text
from assistant.paths import state_dir

DB_FILE = "podtalk.db"
LEGACY_CONVERSATION_FILE = "conversation.json"
LEGACY_HISTORY_FILE = "prompt-history.json"
SETTINGS_FILE = "settings.json"
MAX_HISTORY = 500
"""Prompts offered by Up/Down (Ctrl+R searches all of them)."""
BUSY_TIMEOUT_MS = 3000
LOCKED_AT_START_WAIT_S = 5.0
"""How long a starting window keeps retrying a database other windows hold locked before it falls back
to an unsaved in-memory conversation (a database locked for good still opens within this time)."""
DEFAULT_SETTINGS: dict[str, Any] = {"theme": "textual-dark", "lang": "auto"}

Role = Literal["question", "manifest", "answer", "inspection", "notice", "error"]
ROLES: tuple[str, ...] = ("question", "manifest", "answer", "inspection", "notice", "error")

MIGRATIONS: tuple[str, ...] = (
    # version 1
    """
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS conversations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        title TEXT NOT NULL DEFAULT '',
        created REAL NOT NULL,
        updated REAL NOT NULL,
        deleted REAL,
        owner TEXT,
        owner_pid INTEGER
    );
    CREATE TABLE IF NOT EXISTS turns (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation INTEGER NOT NULL REFERENCES conversations(id),
        role TEXT NOT NULL,
        text TEXT NOT NULL DEFAULT '',
        data TEXT NOT NULL DEFAULT '{}',
        time TEXT NOT NULL DEFAULT '',
        cleared REAL
    );
    CREATE INDEX IF NOT EXISTS turns_by_conversation ON turns (conversation, id);
    CREATE TABLE IF NOT EXISTS prompts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        text TEXT NOT NULL,
        time REAL NOT NULL
    );
    """,
    # version 2: replies kept next to their question when windows share a conversation; undo in the file
    """
    ALTER TABLE turns ADD COLUMN reply_to INTEGER;
    CREATE INDEX IF NOT EXISTS turns_in_order ON turns (conversation, COALESCE(reply_to, id), id);
    CREATE TABLE IF NOT EXISTS undo_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        conversation INTEGER NOT NULL,
        stamp REAL NOT NULL,
        undone REAL
    );
    """,
)
UNDO_WINDOW_S = 3600.0
"""How long a clear or delete can be undone (afterwards the rows are purged at the next start)."""
ORDER = "COALESCE(reply_to, id)"
"""Display order of a conversation: a reply (answer, report, bundle answer) sits right after the turn
it answers, whichever window wrote what in between; the turn id breaks ties."""
SCHEMA_VERSION = len(MIGRATIONS)


def now_stamp() -> str:
    return datetime.now().isoformat(timespec="seconds")


@dataclass
class Turn:
    """One turn of a conversation. ``role`` says which of the optional fields are set."""

    role: Role
    text: str = ""
    time: str = ""
    answer: dict[str, Any] | None = None
    """``Answer.to_dict()`` (role ``answer``)."""
    note: str | None = None
    """Why an answer may be weaker than usual (role ``answer``)."""
    report: dict[str, Any] | None = None
    """``Report.to_dict()`` (role ``inspection``)."""
    lang: str = "en"
    hints: dict[str, str] = field(default_factory=dict)
    manifest: str | None = None
    """The inspected text (role ``manifest``), capped."""
    kind: str = ""
    """A notice's kind (``bundle`` for an answer about the inspected manifest), for its style."""
    id: int | None = None
    """Row id once stored (monotonic across windows)."""
    reply_to: int | None = None
    """The id of the turn this one answers (an answer's question, a report's manifest), so two windows
    writing to one conversation show each reply under its own question."""

    _DATA_FIELDS = ("answer", "note", "report", "lang", "hints", "manifest", "kind")

    def to_dict(self) -> dict[str, Any]:
        """The export shape (``/export json``): role, text, time and whatever the role carries."""
        out: dict[str, Any] = {"role": self.role, "text": self.text}
        if self.time:
            out["time"] = self.time
        for name in self._DATA_FIELDS:
            value = getattr(self, name)
            if value not in (None, {}, "") and not (name == "lang" and self.role not in ("inspection",)):
                out[name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Turn | None:
        """A turn from a stored or legacy dict; None when it is not a turn."""
        role = data.get("role")
        if role not in ROLES:
            return None
        hints = data.get("hints") if isinstance(data.get("hints"), dict) else {}
        return cls(role=role, text=str(data.get("text") or ""), time=str(data.get("time") or ""),
                   answer=data.get("answer") if isinstance(data.get("answer"), dict) else None,
                   note=data.get("note") if isinstance(data.get("note"), str) else None,
                   report=data.get("report") if isinstance(data.get("report"), dict) else None,
                   lang=str(data.get("lang") or "en"), hints=hints,
                   manifest=data.get("manifest") if isinstance(data.get("manifest"), str) else None,
                   kind=str(data.get("kind") or ""))

    @property
    def order_key(self) -> tuple[int, int]:
        """Where the turn sits in its conversation (stored turns only): see :data:`ORDER`."""
        tid = self.id or 0
        return (self.reply_to or tid, tid)

    def _data_json(self) -> str:
        return json.dumps({n: getattr(self, n) for n in self._DATA_FIELDS if getattr(self, n) not in (None, {}, "")},
                          ensure_ascii=False)


@dataclass(frozen=True)
class ConversationInfo:
    id: int
    title: str
    updated: float
    turns: int


def _read_json(path: Path, default: Any) -> Any:
    """The JSON in ``path``, or ``default`` when it is missing or unreadable (never raises)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


class StoreUnavailable(Exception):
    """The database cannot be used (damaged, locked, newer schema): the message is one line."""


class Store:
    """The UI's persistent state, bound to one directory (the state dir unless given).

    One instance per window; every write is committed at once. Methods never raise on a storage
    error: they set :attr:`last_error` (shown once by the UI) and carry on.
    """

    def __init__(self, root: Path, db: sqlite3.Connection, *, in_memory: bool) -> None:
        self.root = root
        self.db = db
        self.in_memory = in_memory
        self.owner = f"{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.conversation_id = 0
        self.settings: dict[str, Any] = dict(DEFAULT_SETTINGS)
        self.keymap: dict[str, str] = {}
        """User rebindings from settings.json ``{"keymap": {"app.help": "f5"}}``: binding id -> keys."""
        self.last_error: str | None = None
        """Why the last operation on disk failed, or None: the UI shows it once."""
        self._lock = threading.RLock()
        self._data_version: int | None = None
        self.changed_elsewhere()  # the baseline: what other windows commit from now on is "changed"

    # -- opening ----------------------------------------------------------------------------------
    @classmethod
    def load(cls, root: Path | None = None, *, new_conversation: bool = False) -> Store:
        """Open (creating, migrating, importing as needed) the database under ``root``.

        Picks the most recent conversation no other live window holds, or starts one.
        """
        root = root or state_dir()
        error: str | None = None
        deadline = time.monotonic() + LOCKED_AT_START_WAIT_S
        while True:
            try:
                store = cls._open_file(root)
                break
            except StoreUnavailable as exc:
                # windows started together contend for the first writes; SQLite answers a read-then-write
                # transaction that lost the race with "locked" at once, whatever the busy timeout: wait
                # and open again rather than fall back to a conversation that is not saved
                if "locked" in str(exc) and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                error = str(exc)
                store = cls(root, _open_db(None), in_memory=True)
                break
        store._load_settings()
        if new_conversation:
            store.new_conversation()
        elif not store.conversation_id:
            store._claim_conversation()
        store.last_error = error
        return store

    @classmethod
    def _open_file(cls, root: Path) -> Store:
        """The database file opened, migrated, imported and a conversation claimed; StoreUnavailable if not."""
        store = cls(root, _open_db(root / DB_FILE), in_memory=False)
        try:
            store._import_legacy_json()
            store._purge_deleted()
            store._claim_conversation(strict=True)
        except sqlite3.Error as exc:
            store.db.close()
            reason = "is locked by another program" if "locked" in str(exc) else f"cannot be written ({exc})"
            raise StoreUnavailable(f"the conversation database {root / DB_FILE} {reason}") from exc
        return store

    def _load_settings(self) -> None:
        settings = _read_json(self.root / SETTINGS_FILE, {})
        if isinstance(settings, dict):
            self.settings.update({k: v for k, v in settings.items() if isinstance(v, str)})
            keymap = settings.get("keymap")
            if isinstance(keymap, dict):
                self.keymap = {k: v for k, v in keymap.items() if isinstance(k, str) and isinstance(v, str)}

    def _import_legacy_json(self) -> None:
        """Bring in the conversation and prompt history of the JSON-file versions, once."""
        if self.db.execute("SELECT 1 FROM meta WHERE key='legacy_json_imported'").fetchone():
            return
        legacy = _read_json(self.root / LEGACY_CONVERSATION_FILE, {})
        turns = legacy.get("turns") if isinstance(legacy, dict) else None
        history = _read_json(self.root / LEGACY_HISTORY_FILE, [])
        with self.db:
            # claimed first, in the same transaction: of two windows started at once, one imports and
            # the other finds the mark (it waited for the first's write lock) and imports nothing
            if not self.db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('legacy_json_imported', ?)",
                                   (now_stamp(),)).rowcount:
                return
            if isinstance(turns, list) and turns:
                cid = self._insert_conversation("imported")
                for raw in turns:
                    turn = Turn.from_dict(raw) if isinstance(raw, dict) else None
                    if turn is not None:
                        self._insert_turn(cid, turn)
                self.db.execute("UPDATE conversations SET owner=NULL, owner_pid=NULL WHERE id=?", (cid,))
            if isinstance(history, list):
                self.db.executemany("INSERT INTO prompts (text, time) VALUES (?, ?)",
                                    [(h, time.time()) for h in history if isinstance(h, str) and h.strip()])

    def _purge_deleted(self) -> None:
        """Conversations deleted (and not undone) in an earlier session are gone for good."""
        cutoff = time.time() - UNDO_WINDOW_S
        with self.db:
            old = [r[0] for r in self.db.execute("SELECT id FROM conversations WHERE deleted < ?", (cutoff,))]
            for cid in old:
                self.db.execute("DELETE FROM turns WHERE conversation=?", (cid,))
                self.db.execute("DELETE FROM conversations WHERE id=?", (cid,))
            self.db.execute("DELETE FROM turns WHERE cleared < ?", (cutoff,))
            self.db.execute("DELETE FROM undo_log WHERE stamp < ?", (cutoff,))

    def _claim_conversation(self, strict: bool = False) -> None:
        """Take the most recent conversation no live window holds, else start one (``strict``: raise
        storage errors instead of recording them)."""
        if strict:
            self._claim_or_create()
            return
        with self._lock:
            try:
                self._claim_or_create()
                return
            except sqlite3.Error as exc:
                self._failed("open a conversation", exc)
        self.new_conversation()

    def _claim_or_create(self) -> None:
        with self._lock:
            rows = self.db.execute("SELECT id, owner_pid FROM conversations WHERE deleted IS NULL "
                                   "ORDER BY updated DESC, id DESC LIMIT 20").fetchall()
            for cid, pid in rows:
                if _pid_alive(pid):
                    continue
                with self.db:  # conditional: two windows starting at once cannot both take it
                    taken = self.db.execute("UPDATE conversations SET owner=?, owner_pid=? WHERE id=? AND "
                                            "owner_pid IS ?", (self.owner, os.getpid(), cid, pid)).rowcount
                if taken:
                    self.conversation_id = cid
                    return
            with self.db:
                self.conversation_id = self._insert_conversation()

    def close(self) -> None:
        """Release this window's conversation (another window may pick it up) and close the file.

        An empty, untitled conversation is dropped: it would otherwise be what the next window opens.
        """
        with self._lock:
            try:
                with self.db:
                    self.db.execute("DELETE FROM conversations WHERE owner=? AND title='' AND NOT EXISTS "
                                    "(SELECT 1 FROM turns WHERE conversation=conversations.id)", (self.owner,))
                    self.db.execute("UPDATE conversations SET owner=NULL, owner_pid=NULL WHERE owner=?",
                                    (self.owner,))
                self.db.close()
            except sqlite3.Error:
                pass

    # -- helpers ----------------------------------------------------------------------------------
    def _failed(self, what: str, exc: BaseException) -> None:
        self.last_error = f"could not {what} in {self.root / DB_FILE}: {exc}"

    def _insert_conversation(self, title: str = "") -> int:
        stamp = time.time()
        cur = self.db.execute("INSERT INTO conversations (title, created, updated, owner, owner_pid) "
                              "VALUES (?, ?, ?, ?, ?)", (title, stamp, stamp, self.owner, os.getpid()))
        return int(cur.lastrowid or 0)

    def _insert_turn(self, cid: int, turn: Turn) -> int:
        cur = self.db.execute("INSERT INTO turns (conversation, role, text, data, time, reply_to) "
                              "VALUES (?, ?, ?, ?, ?, ?)",
                              (cid, turn.role, turn.text, turn._data_json(), turn.time, turn.reply_to))
        return int(cur.lastrowid or 0)

    @staticmethod
    def _turn_from_row(row: tuple[Any, ...]) -> Turn:
        tid, role, text, data, stamp, reply_to = row
        try:
            extra = json.loads(data)
        except ValueError:
            extra = {}
        turn = Turn.from_dict({**(extra if isinstance(extra, dict) else {}), "role": role, "text": text,
                               "time": stamp}) or Turn(role="notice", text=text)
        turn.id = tid
        turn.reply_to = reply_to
        return turn

    # -- conversations ----------------------------------------------------------------------------
    def new_conversation(self, title: str = "") -> int:
        """Start an empty conversation in this window (the previous one is kept)."""
        with self._lock:
            try:
                with self.db:
                    self.db.execute("UPDATE conversations SET owner=NULL, owner_pid=NULL WHERE owner=?",
                                    (self.owner,))
                    self.conversation_id = self._insert_conversation(title)
            except sqlite3.Error as exc:
                self._failed("start a conversation", exc)
            return self.conversation_id

    def conversations(self) -> list[ConversationInfo]:
        """Every conversation, most recently used first."""
        with self._lock:
            try:
                rows = self.db.execute(
                    "SELECT c.id, c.title, c.updated, (SELECT COUNT(*) FROM turns t WHERE t.conversation=c.id "
                    "AND t.cleared IS NULL) FROM conversations c WHERE c.deleted IS NULL "
                    "ORDER BY c.updated DESC, c.id DESC").fetchall()
            except sqlite3.Error as exc:
                self._failed("list conversations", exc)
                return []
        return [ConversationInfo(int(r[0]), r[1] or "", float(r[2]), int(r[3])) for r in rows]

    def title(self, cid: int | None = None) -> str:
        cid = self.conversation_id if cid is None else cid
        with self._lock:
            try:
                row = self.db.execute("SELECT title FROM conversations WHERE id=?", (cid,)).fetchone()
            except sqlite3.Error:
                return ""
        return (row[0] or "") if row else ""

    def switch(self, cid: int) -> bool:
        """Make ``cid`` this window's conversation; False when it does not exist."""
        with self._lock:
            try:
                row = self.db.execute("SELECT id FROM conversations WHERE id=? AND deleted IS NULL",
                                      (cid,)).fetchone()
                if not row:
                    return False
                with self.db:
                    self.db.execute("UPDATE conversations SET owner=NULL, owner_pid=NULL WHERE owner=?",
                                    (self.owner,))
                    self.db.execute("UPDATE conversations SET owner=?, owner_pid=?, updated=? WHERE id=?",
                                    (self.owner, os.getpid(), time.time(), cid))
            except sqlite3.Error as exc:
                self._failed("switch conversations", exc)
                return False
            self.conversation_id = cid
            return True

    def rename(self, title: str, cid: int | None = None) -> None:
        cid = self.conversation_id if cid is None else cid
        with self._lock:
            try:
                with self.db:
                    self.db.execute("UPDATE conversations SET title=? WHERE id=?", (title.strip()[:80], cid))
            except sqlite3.Error as exc:
                self._failed("rename the conversation", exc)

    def delete(self, cid: int | None = None) -> None:
        """Delete a conversation (``undo``, from any window, brings it back); deleting this window's starts a new one."""
        cid = self.conversation_id if cid is None else cid
        stamp = time.time()
        with self._lock:
            try:
                with self.db:
                    self.db.execute("UPDATE conversations SET deleted=?, owner=NULL, owner_pid=NULL WHERE id=?",
                                    (stamp, cid))
                    self.db.execute("INSERT INTO undo_log (kind, conversation, stamp) VALUES ('delete', ?, ?)",
                                    (cid, stamp))
            except sqlite3.Error as exc:
                self._failed("delete the conversation", exc)
                return
        if cid == self.conversation_id:
            self.new_conversation()

    def clear_conversation(self) -> None:
        """Hide every turn of this conversation (``undo``, from any window, shows them again)."""
        stamp = time.time()
        with self._lock:
            try:
                with self.db:
                    self.db.execute("UPDATE turns SET cleared=? WHERE conversation=? AND cleared IS NULL",
                                    (stamp, self.conversation_id))
                    self.db.execute("INSERT INTO undo_log (kind, conversation, stamp) VALUES ('clear', ?, ?)",
                                    (self.conversation_id, stamp))
            except sqlite3.Error as exc:
                self._failed("clear the conversation", exc)

    def undo(self) -> str | None:
        """Undo the last clear or delete, whichever window made it (within :data:`UNDO_WINDOW_S`):
        ``"clear"``/``"delete"``, or None. The undo log is in the database, so a window opened after
        the one that cleared was closed can still bring the turns back; two windows undoing at once
        undo two different actions (each claims its row with a conditional update)."""
        with self._lock:
            try:
                with self.db:
                    row = self.db.execute("SELECT id, kind, conversation, stamp FROM undo_log WHERE undone IS NULL "
                                          "AND stamp >= ? ORDER BY id DESC LIMIT 1",
                                          (time.time() - UNDO_WINDOW_S,)).fetchone()
                    if row is None:
                        return None
                    uid, kind, cid, stamp = row
                    self.db.execute("UPDATE undo_log SET undone=? WHERE id=? AND undone IS NULL", (time.time(), uid))
                    if kind == "clear":
                        self.db.execute("UPDATE turns SET cleared=NULL WHERE conversation=? AND cleared=?",
                                        (cid, stamp))
                    else:
                        self.db.execute("UPDATE conversations SET deleted=NULL WHERE id=? AND deleted=?",
                                        (cid, stamp))
            except sqlite3.Error as exc:
                self._failed("undo", exc)
                return None
        if kind == "delete" or cid != self.conversation_id:
            self.switch(cid)
        return str(kind)

    @property
    def can_undo(self) -> bool:
        with self._lock:
            try:
                return self.db.execute("SELECT 1 FROM undo_log WHERE undone IS NULL AND stamp >= ? LIMIT 1",
                                       (time.time() - UNDO_WINDOW_S,)).fetchone() is not None
            except sqlite3.Error:
                return False

    # -- turns ------------------------------------------------------------------------------------
    def add_turn(self, turn: Turn) -> Turn:
        """Store ``turn`` at the end of this window's conversation (committed before returning)."""
        if not turn.time:
            turn.time = now_stamp()
        with self._lock:
            try:
                with self.db:
                    turn.id = self._insert_turn(self.conversation_id, turn)
                    self.db.execute("UPDATE conversations SET updated=? WHERE id=?",
                                    (time.time(), self.conversation_id))
                    if turn.role == "question":
                        self.db.execute("UPDATE conversations SET title=? WHERE id=? AND title=''",
                                        (" ".join(turn.text.split())[:60], self.conversation_id))
            except sqlite3.Error as exc:
                self._failed("save the turn", exc)
        return turn

    def count_turns(self) -> int:
        with self._lock:
            try:
                row = self.db.execute("SELECT COUNT(*) FROM turns WHERE conversation=? AND cleared IS NULL",
                                      (self.conversation_id,)).fetchone()
            except sqlite3.Error:
                return 0
        return int(row[0])

    def recent_turns(self, limit: int, before: tuple[int, int] | int | None = None) -> list[Turn]:
        """The last ``limit`` turns in display order (see :data:`ORDER`), oldest first; with ``before``
        (a turn's :attr:`Turn.order_key`, or the id of a turn that answers nothing) only those above it."""
        key = (before, before) if isinstance(before, int) else before or (2**62, 2**62)
        with self._lock:
            try:
                rows = self.db.execute(
                    f"SELECT id, role, text, data, time, reply_to FROM turns WHERE conversation=? AND cleared IS NULL "
                    f"AND ({ORDER}, id) < (?, ?) ORDER BY {ORDER} DESC, id DESC LIMIT ?",
                    (self.conversation_id, key[0], key[1], limit)).fetchall()
            except sqlite3.Error as exc:
                self._failed("read the conversation", exc)
                return []
        return [self._turn_from_row(r) for r in reversed(rows)]

    def turns_after(self, turn_id: int) -> list[Turn]:
        """Turns of this conversation stored after the id ``turn_id`` (by any window), by id."""
        with self._lock:
            try:
                rows = self.db.execute("SELECT id, role, text, data, time, reply_to FROM turns WHERE conversation=? "
                                       "AND cleared IS NULL AND id > ? ORDER BY id", (self.conversation_id, turn_id)).fetchall()
            except sqlite3.Error as exc:
                self._failed("read the conversation", exc)
                return []
        return [self._turn_from_row(r) for r in rows]

    def changed_elsewhere(self) -> bool:
        """True when another connection (window) committed to the database since the last call: a cheap
        check (no table is read) the chat makes every second before looking for new turns."""
        with self._lock:
            try:
                version = self.db.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error:
                return False
        changed = self._data_version is not None and version != self._data_version
        self._data_version = version
        return changed

    def sync_point(self) -> tuple[int, int]:
        """(visible turns, highest turn id) of this conversation: what a window compares to notice that
        another window added, cleared or restored turns."""
        with self._lock:
            try:
                row = self.db.execute("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM turns WHERE conversation=? AND "
                                      "cleared IS NULL", (self.conversation_id,)).fetchone()
            except sqlite3.Error:
                return (0, 0)
        return (int(row[0]), int(row[1]))

    def turn(self, turn_id: int) -> Turn | None:
        """One stored turn of this conversation by id (the manifest a report answers), or None."""
        with self._lock:
            try:
                row = self.db.execute("SELECT id, role, text, data, time, reply_to FROM turns WHERE id=? AND "
                                      "conversation=? AND cleared IS NULL", (turn_id, self.conversation_id)).fetchone()
            except sqlite3.Error:
                return None
        return self._turn_from_row(row) if row else None

    def last_of(self, role: Role, before: int | None = None) -> Turn | None:
        """The newest turn of ``role`` in this conversation (the last manifest, the last report), or the
        newest before the turn id ``before`` (the manifest a stored report came from)."""
        with self._lock:
            try:
                row = self.db.execute("SELECT id, role, text, data, time, reply_to FROM turns WHERE conversation=? AND "
                                      "cleared IS NULL AND role=? AND id < ? ORDER BY id DESC LIMIT 1",
                                      (self.conversation_id, role,
                                       before if before is not None else 2**62)).fetchone()
            except sqlite3.Error:
                return None
        return self._turn_from_row(row) if row else None

    def all_turns(self) -> list[Turn]:
        """Every turn of this window's conversation (for export), oldest first."""
        return self.recent_turns(2**31)

    @property
    def turns(self) -> list[dict[str, Any]]:
        """This conversation's turns as plain dicts (what ``/export json`` writes)."""
        return [t.to_dict() for t in self.all_turns()]

    # -- prompt history ---------------------------------------------------------------------------
    def remember_prompt(self, text: str) -> None:
        """Add a prompt to the history every window shares (consecutive repeats are kept once)."""
        if not text.strip():
            return
        with self._lock:
            try:
                last = self.db.execute("SELECT text FROM prompts ORDER BY id DESC LIMIT 1").fetchone()
                if last and last[0] == text:
                    return
                with self.db:
                    self.db.execute("INSERT INTO prompts (text, time) VALUES (?, ?)", (text, time.time()))
            except sqlite3.Error as exc:
                self._failed("save the prompt history", exc)

    @property
    def history(self) -> list[str]:
        """The last :data:`MAX_HISTORY` prompts of every window, oldest first, read fresh each time."""
        with self._lock:
            try:
                rows = self.db.execute("SELECT text FROM prompts ORDER BY id DESC LIMIT ?", (MAX_HISTORY,)).fetchall()
            except sqlite3.Error:
                return []
        out: list[str] = []
        for (text,) in reversed(rows):
            if not out or out[-1] != text:
                out.append(text)
        return out

    def search_prompts(self, query: str, limit: int = 50) -> list[str]:
        """Distinct earlier prompts containing ``query`` (case-insensitive), most recent first."""
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._lock:
            try:
                rows = self.db.execute("SELECT text, MAX(id) AS last FROM prompts WHERE text LIKE ? ESCAPE '\\' "
                                       "GROUP BY text ORDER BY last DESC LIMIT ?", (pattern, limit)).fetchall()
            except sqlite3.Error:
                return []
        return [r[0] for r in rows]

    # -- settings ---------------------------------------------------------------------------------
    def set_setting(self, key: str, value: str) -> None:
        if self.settings.get(key) == value:
            return
        self.settings[key] = value
        try:
            atomic_write_text(self.root / SETTINGS_FILE, json.dumps(
                {**self.settings, **({"keymap": self.keymap} if self.keymap else {})}, ensure_ascii=False, indent=1))
        except OSError as exc:
            self.last_error = f"could not save {SETTINGS_FILE} in {self.root}: {exc.strerror or exc}"


def _open_db(path: Path | None) -> sqlite3.Connection:
    """A connection with the schema migrated to :data:`SCHEMA_VERSION`; ``None``: in memory."""
    target = ":memory:" if path is None else str(path)
    try:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
                             isolation_level="DEFERRED")
    except (OSError, sqlite3.Error) as exc:
        raise StoreUnavailable(f"cannot open the conversation database {target}: {exc}") from exc
    try:
        db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if path is not None:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a killed process loses no commit
        _migrate(db, target)
        db.execute("SELECT COUNT(*) FROM conversations").fetchone()
    except sqlite3.DatabaseError as exc:
        db.close()
        reason = "is locked by another program" if "locked" in str(exc) else f"is damaged ({exc})"
        raise StoreUnavailable(f"the conversation database {target} {reason}") from exc
    return db


def _migrate(db: sqlite3.Connection, target: str) -> None:
    """Bring the schema to :data:`SCHEMA_VERSION` in one write transaction. Why not ``executescript``:
    it commits as it goes, so two windows started at the same moment could both see the old version
    and both run a migration that is not idempotent (``ALTER TABLE ... ADD COLUMN``); under
    ``BEGIN IMMEDIATE`` the second waits (busy timeout), then reads the new version and does nothing."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    level = db.isolation_level
    db.isolation_level = None  # explicit transaction control
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreUnavailable(f"the conversation database {target} was written by a newer podtalk "
                                       f"(schema {version} > {SCHEMA_VERSION})")
            for number in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version={number + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    finally:
        db.isolation_level = level
