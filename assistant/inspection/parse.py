"""Read manifest text into documents with line numbers, under explicit limits.

Users paste whatever is in their clipboard, so parsing is the hostile edge of the inspector.
Instead of ``yaml.safe_load_all`` (which expands aliases eagerly, recurses per nesting level and
silently keeps the last of duplicate keys) this module builds plain Python values straight from
the safe parser's *event stream* with an explicit stack. That one pass

* counts nesting depth and refuses a document deeper than ``max_depth`` before anything recurses;
* counts the size every alias would expand to and refuses an alias bomb before it is walked;
* records duplicate mapping keys (the API server keeps only one value) with their line;
* records, for every mapping with a ``kind`` key, the line of that key (an object's line).

Documents are split on ``---`` lines first, so one malformed document is reported as
``yaml-invalid`` with its line and column while the others are still inspected. Input that is
too large, binary or not UTF-8 is refused with :class:`~assistant.errors.ManifestError` before
any parsing; everything else ends as data or as a :class:`Problem`, never as a traceback.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import ScalarNode

from assistant.errors import ManifestError

from .checkpoints import EVERY, NONE, Checkpoint

__all__ = ["Limits", "Document", "Problem", "ParseResult", "parse_manifest", "decode_input"]

_SafeParser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DOC_START = re.compile(r"^---(?=[ \t\r\n]|$)")
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
# Scalars whose SafeConstructor result is kept; timestamps and binary stay text so that a
# report is always JSON-serialisable and a schema check sees what the API server would.
_TYPED_TAGS = {
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


@dataclass(frozen=True)
class Limits:
    """Explicit ceilings for one inspection; every refusal message names the one it hit."""

    max_bytes: int = 10 * 1024 * 1024
    """Input larger than this is refused before parsing."""
    max_documents: int = 10_000
    """Documents (after ``kind: List`` unpacking) in one input."""
    max_depth: int = 100
    """Nesting depth of one document's collections."""
    max_alias_nodes: int = 1_000_000
    """Nodes the aliases of one document may expand to in total (billion-laughs guard)."""


@dataclass
class Document:
    """One Kubernetes-object-shaped document (or one item of a ``kind: List``)."""

    index: int
    """1-based position in the input (List items share their List's index)."""
    line: int
    """1-based line of the object's ``kind`` key, or of the document start."""
    data: Any
    """The parsed value: usually a dict, but anything YAML can express."""
    end_line: int = 0
    """Last line of the document (to attribute duplicate keys)."""


@dataclass
class Problem:
    """Something about the text itself: a syntax error, a duplicate key, a refused document."""

    rule: str
    line: int
    message: str
    column: int | None = None
    document: int = 0
    severity: str | None = None
    """Lower than the rule's own when the problem is harmless (a key repeated with the same value)."""


@dataclass
class ParseResult:
    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Refused(Exception):
    """A document exceeded one of the limits; carries the finding message."""


def decode_input(raw: str | bytes, limits: Limits) -> str:
    """Turn raw input into text, refusing oversize, binary and non-UTF-8 input by name."""
    size = len(raw.encode("utf-8", "surrogatepass")) if isinstance(raw, str) else len(raw)
    if isinstance(raw, str) and len(raw) > limits.max_bytes:
        size = max(size, len(raw))
    if size > limits.max_bytes:
        raise ManifestError(
            f"input is {size:,} bytes, over the max_bytes limit of {limits.max_bytes:,} bytes "
            "(raise it with --max-bytes N or PODTALK_MAX_BYTES=N if this is intended)"
        )
    if isinstance(raw, str):
        return raw
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ManifestError("input is UTF-16 encoded; save it as UTF-8 and try again")
    if b"\x00" in raw[:8192]:
        raise ManifestError("input looks binary (it contains NUL bytes), not a YAML or JSON manifest")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ManifestError(
            f"input is not UTF-8 text (byte 0x{raw[exc.start]:02x} at line {line}); "
            "manifests must be UTF-8"
        ) from None


def _split_documents(text: str) -> list[tuple[int, str]]:
    """Split on ``---`` lines; returns (0-based line offset, chunk) pairs."""
    chunks: list[tuple[int, str]] = []
    start, current = 0, []
    for number, line in enumerate(text.splitlines(keepends=True)):
        if _DOC_START.match(line) and current and not _only_directives(current):
            chunks.append((start, "".join(current)))
            start, current = number, []
        current.append(line)
    if current:
        chunks.append((start, "".join(current)))
    return chunks


def _only_directives(lines: list[str]) -> bool:
    """Directives (``%YAML 1.1``) belong to the document that follows them."""
    content = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return bool(content) and all(line.startswith("%") for line in content)


def _scalar(event: yaml.ScalarEvent) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        tag = _RESOLVER.resolve(ScalarNode, event.value, event.implicit)
    if tag in _TYPED_TAGS:
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
        except Exception:  # noqa: BLE001 - a weird scalar stays text, never a crash
            return event.value
    return event.value


def _hashable(key: Any) -> Any:
    """Mapping keys must be hashable; complex YAML keys (``? [a]``) become their JSON text."""
    try:
        hash(key)
        return key
    except TypeError:
        return json.dumps(key, sort_keys=True, default=str)


class _Frame:
    __slots__ = ("value", "anchor", "size", "key", "key_line", "has_key", "merges", "kind_line")

    def __init__(self, value: Any, anchor: str | None) -> None:
        self.value = value
        self.anchor = anchor
        self.size = 1
        self.key: Any = None
        self.key_line = 0
        self.has_key = False
        self.merges: list[Any] = []
        self.kind_line = 0


def _build_chunk(chunk: str, offset: int, limits: Limits, doc_index: int,
                 problems: list[Problem], kind_lines: dict[int, int]) -> list[tuple[Any, int, int]]:
    """Parse one chunk into (value, start line, end line) per YAML document in it."""
    docs: list[tuple[Any, int, int]] = []
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int]] = {}
    open_anchors: set[str] = set()
    expanded = 0
    root: Any = None
    doc_line = offset + 1

    def attach(value: Any, size: int, line: int) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        top = stack[-1]
        top.size += size
        if isinstance(top.value, list):
            top.value.append(value)
            return
        if not top.has_key:
            top.key, top.key_line, top.has_key = _hashable(value), line, True
            return
        key = top.key
        top.has_key = False
        if isinstance(key, _MergeKey):
            top.merges.append(value)
            return
        if key in top.value:
            same = top.value[key] == value
            problems.append(Problem(
                "yaml-duplicate-key", top.key_line,
                f"key {key!r} repeats in one mapping (line {top.key_line}); "
                + ("both values are equal, so nothing is lost" if same else "only the last value is kept"),
                document=doc_index, severity="info" if same else None,
            ))
        if key == "kind":
            top.kind_line = top.key_line
        top.value[key] = value

    parser = _SafeParser(chunk)
    try:
        while parser.check_event():
            event = parser.get_event()
            line = event.start_mark.line + offset + 1 if event.start_mark else offset + 1
            if isinstance(event, yaml.DocumentStartEvent):
                root, doc_line, anchors, expanded = None, line, {}, 0
            elif isinstance(event, yaml.DocumentEndEvent):
                docs.append((root, doc_line, line))
            elif isinstance(event, yaml.ScalarEvent):
                value = _scalar(event)
                is_key = bool(stack) and isinstance(stack[-1].value, dict) and not stack[-1].has_key
                if is_key and value == "<<" and event.implicit[0] and event.tag in (None, "!"):
                    value = _MergeKey()  # the YAML merge key
                if event.anchor:
                    anchors[event.anchor] = (value, 1)
                attach(value, 1, line)
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                if len(stack) >= limits.max_depth:
                    raise _Refused(
                        f"nesting deeper than the max_depth limit of {limits.max_depth} levels (line {line})"
                    )
                frame = _Frame([] if isinstance(event, yaml.SequenceStartEvent) else {}, event.anchor)
                if event.anchor:
                    open_anchors.add(event.anchor)
                stack.append(frame)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                frame = stack.pop()
                if frame.merges:
                    _apply_merges(frame.value, frame.merges)
                if isinstance(frame.value, dict) and frame.kind_line:
                    kind_lines[id(frame.value)] = frame.kind_line
                if frame.anchor:
                    open_anchors.discard(frame.anchor)
                    anchors[frame.anchor] = (frame.value, frame.size)
                attach(frame.value, frame.size, line)
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor in open_anchors:
                    raise _Refused(f"recursive alias *{event.anchor} (line {line}) refers to its own anchor")
                if event.anchor not in anchors:
                    raise yaml.composer.ComposerError(
                        None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
                value, size = anchors[event.anchor]
                expanded += size
                if expanded > limits.max_alias_nodes:
                    raise _Refused(
                        f"aliases expand to more than the max_alias_nodes limit of "
                        f"{limits.max_alias_nodes:,} nodes (alias *{event.anchor} at line {line}); "
                        "refused as a possible alias bomb"
                    )
                attach(value, size, line)
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()
    return docs


class _MergeKey:
    """Marker for the YAML merge key ``<<`` (merges are applied when the mapping closes)."""

    def __hash__(self) -> int:
        return id(self)


def _apply_merges(target: dict, merges: list[Any]) -> None:
    for merged in merges:
        sources = merged if isinstance(merged, list) else [merged]
        for source in sources:
            if isinstance(source, dict):
                for key, value in source.items():
                    target.setdefault(key, value)


def _error_position(exc: Exception, offset: int, chunk: str) -> tuple[int, int | None, str]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if isinstance(exc, yaml.reader.ReaderError):
        text = str(exc).splitlines()[0] if str(exc) else "unreadable character"
        return offset + 1, None, text
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"{context}: {problem}" if context else str(problem)
    if mark is None:
        return offset + 1, None, message
    line = mark.line + offset + 1
    column = mark.column + 1
    source = chunk.splitlines()[mark.line] if mark.line < len(chunk.splitlines()) else ""
    if "\t" in source[: mark.column + 1]:
        message += " (a tab: YAML does not allow tabs for indentation; use spaces)"
    return line, column, message


def _looks_like_json(text: str) -> bool:
    stripped = text.lstrip("\ufeff \t\r\n")
    return stripped[:1] in ("{", "[")


def _parse_json(text: str, problems: list[Problem]) -> list[tuple[Any, int, int]] | None:
    """JSON that YAML could not read (tab indentation is common); lines are recovered by search."""
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict:
        result: dict = {}
        for key, value in items:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    try:
        value = json.loads(text.lstrip("\ufeff"), object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return None
    for key in duplicates:
        problems.append(Problem("yaml-duplicate-key", 1,
                                f"key {key!r} repeats in one JSON object; only the last value is kept",
                                document=1))
    return [(value, 1, text.count("\n") + 1)]


def _json_kind_lines(text: str, value: Any, kind_lines: dict[int, int]) -> None:
    """Assign each object with a kind the line of the next ``"kind": "<Kind>"`` occurrence."""
    found = [(m.group(1), text.count("\n", 0, m.start()) + 1)
             for m in re.finditer(r'"kind"\s*:\s*"([^"\\]*)"', text)]
    used: set[int] = set()
    todo = [value]
    while todo:
        item = todo.pop(0)
        if isinstance(item, dict):
            kind = item.get("kind")
            for position, (name, line) in enumerate(found):
                if position not in used and name == kind:
                    used.add(position)
                    kind_lines[id(item)] = line
                    break
            items = item.get("items")
            if isinstance(items, list):
                todo.extend(items)


def _depth(value: Any) -> int:
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            todo.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _is_list(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("kind"), str)
            and value["kind"].endswith("List") and isinstance(value.get("items"), list))


def parse_manifest(raw: str | bytes, limits: Limits | None = None, *, checkpoint: Checkpoint = NONE) -> ParseResult:
    """Parse a whole manifest bundle; see the module docstring for what is refused and how.
    ``checkpoint("parse", chunks done, chunks)`` runs before the first chunk, every ``EVERY`` and after the last."""
    limits = limits or Limits()
    text = decode_input(raw, limits)
    result = ParseResult()
    if text.startswith("\ufeff"):
        text = text[1:]
    chunks = _split_documents(text)
    if len(chunks) > limits.max_documents:
        raise ManifestError(
            f"input has {len(chunks):,} documents, over the max_documents limit of {limits.max_documents:,}"
        )
    kind_lines: dict[int, int] = {}
    parsed: list[tuple[Any, int, int, int]] = []
    for number, (offset, chunk) in enumerate(chunks, start=1):
        if number % EVERY == 1:
            checkpoint("parse", number - 1, len(chunks))
        try:
            docs = _build_chunk(chunk, offset, limits, number, result.problems, kind_lines)
        except _Refused as exc:
            result.problems.append(Problem("yaml-limit-exceeded", offset + 1,
                                           f"document {number} refused: {exc}", document=number))
            continue
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            docs = _parse_json(chunk, result.problems) if _looks_like_json(chunk) else None
            if docs is None:
                line, column, message = _error_position(exc, offset, chunk)
                if "maximum nesting depth" in message:
                    result.problems.append(Problem(
                        "yaml-limit-exceeded", line,
                        f"document {number} refused: nesting deeper than the max_depth limit of "
                        f"{limits.max_depth} levels (line {line})", document=number))
                    continue
                where = f"line {line}" + (f", column {column}" if column else "")
                result.problems.append(Problem("yaml-invalid", line,
                                               f"document {number}, {where}: {message}",
                                               column=column, document=number))
                continue
            if docs and _depth(docs[0][0]) > limits.max_depth:
                result.problems.append(Problem(
                    "yaml-limit-exceeded", offset + 1,
                    f"document {number} refused: nesting deeper than the max_depth limit of "
                    f"{limits.max_depth} levels", document=number))
                continue
            _json_kind_lines(chunk, docs[0][0], kind_lines)
        for value, start, end in docs:
            parsed.append((value, start, end, number))

    for value, start, end, number in parsed:
        if value is None:
            continue  # an empty document (only comments, or a bare ---) is fine
        items = value["items"] if _is_list(value) else [value]
        for item in items:
            line = kind_lines.get(id(item), start) if isinstance(item, dict) else start
            result.documents.append(Document(number, line, item, end))
            if len(result.documents) > limits.max_documents:
                raise ManifestError(
                    f"input has more than the max_documents limit of {limits.max_documents:,} "
                    "objects (after unpacking kind: List)"
                )
    checkpoint("parse", len(chunks), len(chunks))
    return result
