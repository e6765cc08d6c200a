"""Parsed YAML remembered by content: never stale, survives a damaged store, exact values only."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

_CHILD = r"""
import sys
from assistant.knowledge.yaml_cache import read_yaml
print(repr(read_yaml(sys.argv[1])))
"""


def _read_in_child(path, cache) -> str:
    env = dict(os.environ, PYTHONPATH=str(REPO), PODTALK_CACHE=str(cache))
    return subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, env=env,
                          check=True, timeout=60).stdout.strip()


def test_values_come_back_identical_and_edits_are_never_served_stale(tmp_path):
    cache, data = tmp_path / "cache", tmp_path / "entry.yaml"
    data.write_text("id: a\nports: [80, 443]\nnested: {x: 1.5, y: null, z: true}\n", encoding="utf-8")
    first = _read_in_child(data, cache)
    assert (cache / "parsed-yaml.bin").exists()            # stored at exit of the first process
    assert _read_in_child(data, cache) == first == repr({"id": "a", "ports": [80, 443],
                                                          "nested": {"x": 1.5, "y": None, "z": True}})
    data.write_text("id: b\n", encoding="utf-8")            # same path, new content
    assert _read_in_child(data, cache) == repr({"id": "b"})
    (cache / "parsed-yaml.bin").write_bytes(b"podtalk-yaml-3\n" + b"\0" * 40)  # damaged store
    assert _read_in_child(data, cache) == repr({"id": "b"})
    assert _read_in_child(data, cache) == repr({"id": "b"})  # stored again
    store = (cache / "parsed-yaml.bin").read_bytes()
    at = store.index(b'{"id": "b"}')
    (cache / "parsed-yaml.bin").write_bytes(store[:at] + b'{"id": "c"}' + store[at + 11:])  # a damaged record
    assert _read_in_child(data, cache) == repr({"id": "b"})


def test_values_json_cannot_hold_are_parsed_every_time(tmp_path):
    from assistant.knowledge.yaml_cache import YAMLDataError, parse_yaml

    assert parse_yaml(b"verified: 2026-12-05\n") == {"verified": datetime.date(2026, 12, 5)}
    assert parse_yaml(b"verified: 2026-12-05\n") == {"verified": datetime.date(2026, 12, 5)}
    assert parse_yaml(b"{1: one}\n") == {1: "one"}
    with pytest.raises(YAMLDataError, match="line 2"):
        parse_yaml(b"a: 1\nb: [unclosed\n")
