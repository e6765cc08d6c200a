"""The fast schema check says "valid" exactly when jsonschema finds no error (it decides which objects
skip jsonschema), on every object of the eval and test manifests and on thousands of mutations of them."""

from __future__ import annotations

import copy
import random
from pathlib import Path

import pytest

from assistant.inspection.parse import parse_manifest
from assistant.inspection.schema import _fast_check, _validator, validate_object

REPO = Path(__file__).resolve().parents[2]
VALUES = [0, 1, 1.0, 1.5, -3, "x", "TCP", "", True, False, None, [], {}, ["a"], {"unknown": 1}, {"name": "x"}]


def _objects() -> list[dict]:
    objects = []
    for path in sorted((REPO / "eval" / "manifests").glob("*.yaml")):
        if path.name.endswith(".expect.yaml"):
            continue
        for doc in parse_manifest(path.read_text(encoding="utf-8")).documents:
            data = doc.data
            if isinstance(data, dict) and isinstance(data.get("kind"), str) and isinstance(data.get("apiVersion"), str) \
                    and _fast_check(data["kind"], data["apiVersion"]) is not None:
                objects.append(data)
    return objects


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


def _mutate(obj: dict, rng: random.Random) -> dict:
    """One random edit: a value replaced by another type, a key removed, or an unknown key added."""
    out = copy.deepcopy(obj)
    path = rng.choice([p for p in _paths(out) if p and p[0] not in ("kind", "apiVersion")])
    parent = out
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    action = rng.random()
    if action < 0.6:
        parent[last] = copy.deepcopy(rng.choice(VALUES))
    elif action < 0.8:
        del parent[last]
    elif isinstance(parent[last], dict):
        parent[last][rng.choice(["unknown", "name", "port", "protocol", "labels"])] = copy.deepcopy(rng.choice(VALUES))
    else:
        parent[last] = [parent[last]]
    return out


def _agrees(data: dict) -> bool:
    fast = _fast_check(data["kind"], data["apiVersion"])
    slow = _validator(data["kind"], data["apiVersion"])
    return fast(data) == (next(iter(slow.iter_errors(data)), None) is None)


OBJECTS = _objects()


def test_the_eval_manifests_cover_many_kinds():
    assert len({o["kind"] for o in OBJECTS}) >= 12 and len(OBJECTS) >= 150


def test_fast_check_agrees_with_jsonschema_on_real_objects():
    assert [o["metadata"].get("name") for o in OBJECTS if not _agrees(o)] == []


@pytest.mark.parametrize("seed", range(4))
def test_fast_check_agrees_with_jsonschema_on_mutated_objects(seed):
    rng = random.Random(seed)
    disagreements, invalid = [], 0
    for _ in range(600):
        obj = _mutate(rng.choice(OBJECTS), rng)
        if not _agrees(obj):
            disagreements.append(obj)
        invalid += bool(validate_object(obj))
    assert disagreements == []
    assert invalid > 100  # the mutations do reach both answers


def test_an_invalid_object_still_gets_jsonschema_messages():
    deploy = copy.deepcopy(next(o for o in OBJECTS if o["kind"] == "Deployment"))
    deploy["spec"]["replicas"] = "two"
    errors = validate_object(deploy)
    assert [(e.path, e.message) for e in errors] == [("spec.replicas", "'two' is not of type 'integer', 'null'")]
