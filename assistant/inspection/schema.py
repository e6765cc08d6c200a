"""Offline schema validation with the JSON schemas that ``kubernetes-validate`` ships.

``kubernetes_validate.validate`` re-reads a 1.4 MB definitions file for every document; here
the definitions and one validator per (kind, apiVersion) are loaded once and cached, which
makes a document cost well under a millisecond. Validation uses one fixed Kubernetes version
(:data:`KUBERNETES_VERSION`, or the newest shipped if that one is absent) and the *strict*
schemas, because kubectl's default field validation rejects unknown fields too.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["KUBERNETES_VERSION", "SchemaError", "has_schema", "validate_object", "schema_version"]

KUBERNETES_VERSION = "1.33"
_MAX_ERRORS = 3


@dataclass(frozen=True)
class SchemaError:
    path: str
    """Field path such as ``spec.template.spec.containers[0].ports``."""
    message: str


@lru_cache(maxsize=1)
def _schema_dir() -> Any:
    # the package's directory without importing it: its __init__ imports jsonschema (~75 ms) for nothing here
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is not None and spec.origin is not None:
        root: Any = Path(spec.origin).parent / "kubernetes-json-schema"
    else:
        root = resources.files("kubernetes_validate") / "kubernetes-json-schema"
    wanted = root / f"v{KUBERNETES_VERSION}.0-local-strict"
    if wanted.is_dir():
        return wanted
    versions = sorted((p for p in root.iterdir() if p.name.endswith("-local-strict")),
                      key=lambda p: [int(x) for x in re.findall(r"\d+", p.name)])
    return versions[-1]


def schema_version() -> str:
    """The Kubernetes version the schemas describe, e.g. ``1.33``."""
    return ".".join(re.findall(r"\d+", _schema_dir().name)[:2])


@lru_cache(maxsize=1)
def _schema_files() -> frozenset[str]:
    return frozenset(p.name for p in _schema_dir().iterdir())


def _file_name(kind: str, api_version: str) -> str:
    api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return f"{kind.lower()}-{api}.json"


def has_schema(kind: str, api_version: str = "") -> bool:
    """Whether the kind is a Kubernetes built-in (any apiVersion) according to the shipped schemas."""
    prefix = f"{kind.lower()}-"
    return any(name.startswith(prefix) for name in _schema_files())


@lru_cache(maxsize=1)
def _definitions() -> dict:
    return json.loads((_schema_dir() / "_definitions.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _registry() -> Any:
    from referencing import Registry, Resource

    return Resource.from_contents(_definitions()) @ Registry()


@lru_cache(maxsize=256)
def _schema(kind: str, api_version: str) -> tuple[str, dict] | None:
    name = _file_name(kind, api_version)
    if name not in _schema_files():
        return None
    return name, json.loads((_schema_dir() / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=256)
def _validator(kind: str, api_version: str) -> Any:
    """The jsonschema validator (it writes the error messages); imported only when an object fails the fast check."""
    import jsonschema
    from referencing import Resource

    found = _schema(kind, api_version)
    if found is None:
        return None
    registry = Resource.from_contents(found[1]) @ _registry()
    return jsonschema.Draft202012Validator(found[1], registry=registry)


_CHECK_MEMO: dict = {}


@lru_cache(maxsize=256)
def _fast_check(kind: str, api_version: str) -> Any:
    """``schema_check``'s yes/no check for the kind, or None (no schema, or a keyword it does not implement)."""
    from .schema_check import Unsupported, compile_check

    found = _schema(kind, api_version)
    if found is None:
        return None
    try:
        return compile_check(found[0], found[1], _definitions(), _CHECK_MEMO)
    except Unsupported:
        return None


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def _without_crd_schemas(data: dict) -> dict:
    """A CRD with each version's ``openAPIV3Schema`` emptied.

    Those embedded schemas are most of an operator's install manifest (argo-cd's install.yaml is
    34,000 lines, mostly CRD schemas) and validating them against the recursive JSONSchemaProps
    definition costs seconds, while they say nothing about how pods communicate; the rest of the
    CRD is still validated.
    """
    spec = data.get("spec")
    versions = spec.get("versions") if isinstance(spec, dict) else None
    if not isinstance(versions, list):
        return data
    trimmed = []
    for version in versions:
        schema = version.get("schema") if isinstance(version, dict) else None
        if isinstance(schema, dict) and isinstance(schema.get("openAPIV3Schema"), dict):
            version = {**version, "schema": {**schema, "openAPIV3Schema": {}}}
        trimmed.append(version)
    return {**data, "spec": {**spec, "versions": trimmed}}


def validate_object(data: dict) -> list[SchemaError] | None:
    """Schema errors of one object; ``None`` when no schema covers its kind/apiVersion."""
    kind, api_version = data.get("kind"), data.get("apiVersion")
    if not isinstance(kind, str) or not isinstance(api_version, str):
        return None
    if kind == "CustomResourceDefinition":
        data = _without_crd_schemas(data)
    if _schema(kind, api_version) is None:
        return None
    check = _fast_check(kind, api_version)
    try:
        if check is not None and check(data):
            return []  # valid: jsonschema would find nothing either (tested)
    except RecursionError:
        pass  # jsonschema below says it in its own words
    validator = _validator(kind, api_version)
    errors: list[SchemaError] = []
    try:
        for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
            message = error.message
            if len(message) > 160:
                message = message[:157] + "..."
            errors.append(SchemaError(_path(error.absolute_path), message))
            if len(errors) >= _MAX_ERRORS:
                break
    except RecursionError:
        errors.append(SchemaError("(document)", "too deeply nested to validate"))
    return errors
