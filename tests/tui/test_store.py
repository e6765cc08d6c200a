"""The conversation database without the UI: windows side by side, history merged, undo, legacy
import, damaged or locked files, and a writer killed with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading

from assistant.tui.store import DB_FILE, SCHEMA_VERSION, Store, Turn
from tests.conftest import REPO


def _q(text: str) -> Turn:
    return Turn(role="question", text=text)


def test_roundtrip_unicode_and_settings(tmp_path):
    store = Store.load(tmp_path)
    store.add_turn(_q("什么是 Service？"))
    store.add_turn(Turn(role="answer", text="A Service…", answer={"answer": "A Service…", "sources": []}))
    store.remember_prompt("什么是 Service？")
    store.set_setting("theme", "textual-light")
    store.close()
    again = Store.load(tmp_path)
    assert [t["role"] for t in again.turns] == ["question", "answer"]
    assert again.turns[0]["text"] == "什么是 Service？" and again.turns[1]["answer"]["answer"] == "A Service…"
    assert again.history == ["什么是 Service？"]
    assert again.settings["theme"] == "textual-light"
    assert again.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert again.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_two_windows_keep_their_own_conversations_and_share_the_prompt_history(tmp_path):
    first, second = Store.load(tmp_path), Store.load(tmp_path)
    assert first.conversation_id != second.conversation_id  # a live window's conversation is not taken

    def write(store: Store, tag: str) -> None:
        for i in range(50):
            store.remember_prompt(f"{tag} question {i}")
            store.add_turn(_q(f"{tag} question {i}"))

    threads = [threading.Thread(target=write, args=(s, tag)) for s, tag in ((first, "A"), (second, "B"))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert [t["text"] for t in first.turns] == [f"A question {i}" for i in range(50)]
    assert [t["text"] for t in second.turns] == [f"B question {i}" for i in range(50)]
    third = Store.load(tmp_path)
    assert {f"A question {i}" for i in range(50)} | {f"B question {i}" for i in range(50)} <= set(third.history)
    assert third.search_prompts("B question 4")[:2] == ["B question 49", "B question 48"]


def test_closed_window_conversation_is_reopened_and_empty_ones_are_dropped(tmp_path):
    store = Store.load(tmp_path)
    store.add_turn(_q("what is kube-proxy"))
    kept = store.conversation_id
    store.close()
    empty = Store.load(tmp_path)
    assert empty.conversation_id == kept
    empty.new_conversation()
    empty.close()
    again = Store.load(tmp_path)
    assert again.conversation_id == kept
    assert [c.title for c in again.conversations()] == ["what is kube-proxy"]


def test_clear_and_delete_are_undone(tmp_path):
    store = Store.load(tmp_path)
    store.add_turn(_q("one"))
    first = store.conversation_id
    store.clear_conversation()
    assert store.turns == [] and store.count_turns() == 0
    assert store.undo() == "clear"
    assert [t["text"] for t in store.turns] == ["one"]
    store.delete()
    assert store.conversation_id != first and first not in [c.id for c in store.conversations()]
    assert store.undo() == "delete"
    assert store.conversation_id == first and [t["text"] for t in store.turns] == ["one"]
    assert store.undo() is None


def test_pages_of_turns_for_scrolling_up(tmp_path):
    store = Store.load(tmp_path)
    for i in range(100):
        store.add_turn(_q(f"q{i}"))
    last = store.recent_turns(30)
    assert [t.text for t in last] == [f"q{i}" for i in range(70, 100)]
    older = store.recent_turns(30, before=last[0].id)
    assert [t.text for t in older] == [f"q{i}" for i in range(40, 70)]
    assert store.count_turns() == 100


def test_legacy_json_is_imported_once(tmp_path):
    turns = [{"role": "question", "text": "old question"}, {"role": "answer", "text": "old answer",
                                                             "answer": {"answer": "old answer"}},
             {"role": "bogus"}, "not a turn"]
    (tmp_path / "conversation.json").write_text(json.dumps({"version": 1, "turns": turns}), encoding="utf-8")
    (tmp_path / "prompt-history.json").write_text(json.dumps(["old question"]), encoding="utf-8")
    store = Store.load(tmp_path)
    assert [t["text"] for t in store.turns] == ["old question", "old answer"]
    assert store.history == ["old question"]
    store.close()
    again = Store.load(tmp_path)
    assert len(again.conversations()) == 1 and again.history == ["old question"]


def test_damaged_database_gives_one_line_and_an_in_memory_store(tmp_path):
    (tmp_path / DB_FILE).write_bytes(b"garbage" * 1000)
    store = Store.load(tmp_path)
    assert store.in_memory and store.last_error and "damaged" in store.last_error and "\n" not in store.last_error
    store.add_turn(_q("still works"))
    assert [t["text"] for t in store.turns] == ["still works"]
    assert (tmp_path / DB_FILE).read_bytes().startswith(b"garbage")


def test_newer_schema_is_not_touched(tmp_path):
    db = sqlite3.connect(tmp_path / DB_FILE)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    store = Store.load(tmp_path)
    assert store.in_memory and "newer podtalk" in (store.last_error or "")


def test_locked_database_gives_one_line(tmp_path, monkeypatch):
    import assistant.tui.store as store_module

    Store.load(tmp_path).close()
    locker = sqlite3.connect(tmp_path / DB_FILE, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
        monkeypatch.setattr(store_module, "LOCKED_AT_START_WAIT_S", 0.3)
        store = Store.load(tmp_path)
        assert store.in_memory and "locked" in (store.last_error or "")
    finally:
        locker.execute("ROLLBACK")
        locker.close()


def test_unwritable_state_dir_is_reported_not_raised(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = Store.load(blocker / "state")
    assert store.in_memory and store.last_error
    store.add_turn(_q("q"))
    assert store.turns[0]["text"] == "q"


WRITER = r"""
import sys
from pathlib import Path
from assistant.tui.store import Store, Turn
store = Store.load(Path(sys.argv[1]))
i = 0
while True:
    store.add_turn(Turn(role="question", text=f"turn {i}"))
    store.remember_prompt(f"turn {i}")
    if i == 200:
        print("WROTE", flush=True)
    i += 1
"""


def test_kill_9_while_writing_loses_at_most_the_turn_being_written(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], cwd=REPO, stdout=subprocess.PIPE,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == b"WROTE"
        child.send_signal(signal.SIGKILL)  # in the middle of the write loop
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    store = Store.load(tmp_path)
    convs = store.conversations()
    assert len(convs) == 1 and store.conversation_id == convs[0].id  # the dead window's is free again
    texts = [t["text"] for t in store.turns]
    assert len(texts) > 200 and texts == [f"turn {i}" for i in range(len(texts))]  # no gap, no torn row
    assert store.history[-1] in (texts[-1], f"turn {len(texts) - 2}")


def test_undo_of_a_clear_works_from_another_window_even_after_the_first_closed(tmp_path):
    first = Store.load(tmp_path)
    first.add_turn(_q("kept question"))
    cleared = first.conversation_id
    first.clear_conversation()
    first.close()
    other = Store.load(tmp_path)  # a new window, started after the one that cleared was closed
    other.new_conversation()
    assert other.can_undo
    assert other.undo() == "clear"
    assert other.conversation_id == cleared and [t["text"] for t in other.turns] == ["kept question"]
    assert other.undo() is None and not Store.load(tmp_path).can_undo  # undone once, for every window


def test_replies_sit_under_their_own_question_when_two_windows_share_a_conversation(tmp_path):
    a, b = Store.load(tmp_path), Store.load(tmp_path)
    b.switch(a.conversation_id)
    qa = a.add_turn(_q("A asks"))
    qb = b.add_turn(_q("B asks"))
    b.add_turn(Turn(role="answer", text="answer to B", reply_to=qb.id))  # B's answer comes first
    a.add_turn(Turn(role="answer", text="answer to A", reply_to=qa.id))
    order = ["A asks", "answer to A", "B asks", "answer to B"]
    for store in (a, b):
        assert [t.text for t in store.recent_turns(10)] == order
        newest_two = store.recent_turns(2)
        assert [t.text for t in newest_two] == order[2:]
        assert [t.text for t in store.recent_turns(10, before=newest_two[0].order_key)] == order[:2]
    assert a.changed_elsewhere() and not a.changed_elsewhere()  # B wrote since A last looked; then nothing
    assert [t.text for t in a.turns_after(qa.id)] == ["B asks", "answer to B", "answer to A"]


STARTER = r"""
import sys, time
from pathlib import Path
from assistant.tui.store import Store
start = float(sys.argv[2])
while time.time() < start:
    pass
store = Store.load(Path(sys.argv[1]))
print("memory" if store.in_memory else "file", store.last_error or "", flush=True)
"""


def test_windows_started_at_the_same_moment_on_a_new_database_all_get_the_file(tmp_path):
    """The schema migration and the one-time legacy import each run once, under a write lock: two
    windows opening a fresh database together used to both migrate (duplicate column) or both import
    (duplicate meta key), and one fell back to a temporary in-memory conversation."""
    import time

    (tmp_path / "prompt-history.json").write_text(json.dumps(["old question"]), encoding="utf-8")
    start = time.time() + 1.0
    children = [subprocess.Popen([sys.executable, "-c", STARTER, str(tmp_path), str(start)], cwd=REPO,
                                 stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
                for _ in range(4)]
    outputs = [child.communicate(timeout=60)[0].strip() for child in children]
    assert outputs == ["file"] * 4
    assert Store.load(tmp_path).history == ["old question"]  # imported once
