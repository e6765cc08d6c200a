"""Rules about the text and the shape of each document: syntax, limits, duplicate keys, schema."""

from __future__ import annotations

from collections.abc import Iterator

from ..schema import validate_object
from . import Context, Hit, rule


def _object_at(context: Context, document: int, line: int) -> str:
    """The object a text problem belongs to (the nearest object start at or before the line)."""
    best = None
    for ref in context.bundle.objects:
        if ref.document == document and (best is None or ref.line <= line):
            best = ref
    return best.id if best else f"document/{document}"


def _problems(context: Context, rule_id: str) -> Iterator[Hit]:
    for problem in context.problems:
        if problem.rule == rule_id:
            yield Hit(_object_at(context, problem.document, problem.line), problem.line, problem.message,
                      problem.severity)


@rule("yaml-invalid")
def yaml_invalid(context: Context) -> Iterator[Hit]:
    return _problems(context, "yaml-invalid")


@rule("yaml-limit-exceeded")
def yaml_limit_exceeded(context: Context) -> Iterator[Hit]:
    return _problems(context, "yaml-limit-exceeded")


@rule("yaml-duplicate-key")
def yaml_duplicate_key(context: Context) -> Iterator[Hit]:
    for hit in _problems(context, "yaml-duplicate-key"):
        yield Hit(hit.object, hit.line, f"{hit.object}: {hit.message}", hit.severity)


def _has_template_placeholder(value: object, depth: int = 0) -> bool:
    """``{{cell}}`` in a template parses as a mapping keyed by a mapping (kept as its JSON text)."""
    if depth > 50:
        return False
    if isinstance(value, dict):
        return any((isinstance(k, str) and k.startswith('{"') and v is None) or _has_template_placeholder(v, depth + 1)
                   for k, v in value.items())
    if isinstance(value, list):
        return any(_has_template_placeholder(v, depth + 1) for v in value)
    return False


@rule("schema-invalid")
def schema_invalid(context: Context) -> Iterator[Hit]:
    validated: set[int] = set()
    for ref in context.bundle.objects:
        errors = validate_object(ref.data)
        if errors is None:
            continue
        validated.add(id(ref))
        note = (" (the document has {{...}} template placeholders: render the template first)"
                if errors and _has_template_placeholder(ref.data) else "")
        for error in errors:
            yield Hit(ref.id, ref.line, f"{ref.id}: {error.path}: {error.message}{note}")
    # Kinds without a shipped schema (old apiVersions) still get the model's type checks.
    for problem in context.bundle.type_problems:
        if id(problem.ref) not in validated:
            yield Hit(problem.ref.id, problem.ref.line, f"{problem.ref.id}: {problem.message}")
