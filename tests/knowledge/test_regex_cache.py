"""Compiled regular expressions remembered across processes: the same patterns as ``re.compile``,
never an error from a damaged store, and never read by another Python build."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys

import pytest

from tests.conftest import REPO

# every pattern of the answer path's data files, with the flags their modules compile them with
_CHILD = r"""
import json, re, sys
from assistant.knowledge import regex_cache
from assistant.answering.entities import patterns
from assistant.answering.intents import rules
from assistant.diagnosis.catalog import load_catalog
from assistant.retrieval.scope import ScopeGuard
from assistant.knowledge import load_kb

texts = json.loads(sys.stdin.read())
compiled = [p for k, v in patterns().items() if isinstance(v, list) for p in v]
for group in ("intents", "computed"):
    for by_lang in rules()[group].values():
        for pats in by_lang.values():
            compiled += list(pats)
catalog = load_catalog()
for clue in catalog.clues:
    compiled += list(clue.patterns) + list(clue.unless)
guard = ScopeGuard.from_kb(load_kb())
out = []
for p in compiled:
    plain = re.compile(p.pattern, p.flags)
    out.append([p.pattern, p.flags, plain.flags, p.groups, plain.groups, p.groupindex == plain.groupindex,
                [[m.span() for m in p.finditer(t)] == [m.span() for m in plain.finditer(t)] for t in texts]])
print(json.dumps({"store": str(regex_cache._path), "patterns": out}))
"""


def _compile_in_child(cache, texts: list[str]) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO), PODTALK_CACHE=str(cache))
    out = subprocess.run([sys.executable, "-c", _CHILD], input=json.dumps(texts), capture_output=True, text=True,
                         env=env, check=True, timeout=120).stdout
    return json.loads(out)


def _texts() -> list[str]:
    from assistant.evaluation.datasets import load_questions

    texts = [q.question for q in load_questions(REPO / "eval" / "questions.yaml")]
    return texts + ["service api in namespace shop", "名为 web 的 service 在命名空间 prod 里",
                    "dial tcp 10.96.0.10:53: i/o timeout", "NAME READY STATUS RESTARTS AGE\nweb-0 0/1 Pending 0 1m"]


@pytest.mark.slow
def test_patterns_from_the_store_match_exactly_like_re_compile(tmp_path):
    texts = _texts()
    first = _compile_in_child(tmp_path, texts)      # compiles, stores at exit
    store = first["store"]
    assert store and os.path.exists(store)
    second = _compile_in_child(tmp_path, texts)     # every pattern from the store
    assert len(second["patterns"]) > 300
    for pattern, flags, plain_flags, groups, plain_groups, same_names, same_matches in second["patterns"]:
        assert (flags, groups, same_names) == (plain_flags, plain_groups, True), pattern
        assert all(same_matches), pattern
    assert second == first


def test_a_damaged_store_or_code_the_engine_refuses_means_compiling_again(tmp_path):
    from assistant.knowledge import regex_cache

    env = dict(os.environ, PYTHONPATH=str(REPO), PODTALK_CACHE=str(tmp_path))
    child = ("import sys; from assistant.knowledge import regex_cache as r; p = r.compile(sys.argv[1], 2); "
             "print(p.flags, bool(p.search('a Service named API')), r._path)")
    pattern = r"\bservice\s+named\s+(\w+)"
    run = lambda: subprocess.run([sys.executable, "-c", child, pattern], capture_output=True, text=True,  # noqa: E731
                                 env=env, check=True, timeout=60).stdout.split()
    flags, found, store = run()
    assert (flags, found) == (str(re.compile(pattern, re.I).flags), "True")
    # code the C engine rejects, under a valid checksum: compiled again, same result
    bad = {(pattern, 2): (re.compile(pattern, re.I).flags, 1, {}, [0, 1, 2, 3])}
    payload = regex_cache._encode(bad)
    with open(store, "wb") as fh:
        fh.write(regex_cache._MAGIC + hashlib.sha256(payload).digest() + payload)
    assert run()[:2] == [flags, "True"]
    with open(store, "wb") as fh:                   # a truncated, unreadable store
        fh.write(regex_cache._MAGIC + b"\0" * 10)
    assert run()[:2] == [flags, "True"]


def test_the_store_belongs_to_one_python_build(monkeypatch):
    from assistant.knowledge import regex_cache

    here = regex_cache._build_id()
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert regex_cache._build_id() != here


def test_invalid_patterns_raise_like_re_compile():
    import pytest

    from assistant.knowledge import regex_cache

    with pytest.raises(re.error):
        regex_cache.compile("(unclosed", re.I)
    assert regex_cache.compile(b"bytes", 0).pattern == b"bytes"   # not stored, still compiled
