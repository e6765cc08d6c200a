"""Load the diagnosis data: causes (``kb/causes/<area>/<id>.yaml``), clue definitions
(``kb/clues/*.yaml``) and narrowing questions (``kb/narrowing.yaml``), validated on load.

Like the KB loader, a broken file is a :class:`~assistant.errors.KBError` that names the file and the
field (schema errors, a file name that is not the id, an area that is not the folder, an unknown topic,
a duplicate id, a regex that does not compile, a clue id no clue file defines). Links to KB entries
(``related``) are checked against a loaded KB by :meth:`Catalog.problems`, which the tests run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import hashlib

from assistant import languages
from assistant.knowledge import kb_snapshot, regex_cache
from assistant.errors import KBError
from assistant.knowledge.loader import (
    TOPIC_IDS, KnowledgeBase, Record, every_language, remember_validated, schema_errors, validated_digests,
)
from assistant.knowledge.yaml_cache import YAMLDataError, is_plain_json, parse_yaml

HERE = Path(__file__).parent
_VALIDATION: dict[str, Any] = {}
"""This process's view of the validated-digest store: ``known`` (read once) and ``new`` (written at the end
of ``load_catalog``). A cause or clue file whose bytes (with its schema) passed before is not validated,
and its patterns are not compiled, again: a cold ``podtalk ask`` spent ~0.5 s re-checking 113 files."""
CLUE_KINDS = ("signature", "observation", "environment")


_FLAGS = re.IGNORECASE | re.MULTILINE | re.ASCII


@dataclass(frozen=True)
class Clue:
    """What a text can reveal: an error signature, an observation, or the environment."""

    id: str
    kind: str
    label: dict[str, str]
    pattern_sources: tuple[str, ...]
    unless_sources: tuple[str, ...] = ()
    path: Path | None = None

    @cached_property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        """Compiled on first use (a question that reports no failure never needs most clues)."""
        return tuple(regex_cache.compile_all(list(self.pattern_sources), _FLAGS))

    @cached_property
    def unless(self) -> tuple[re.Pattern[str], ...]:
        return tuple(regex_cache.compile_all(list(self.unless_sources), _FLAGS))


@dataclass(frozen=True)
class Cause(Record):
    """One cause of a pod-communication failure; ``data`` is the validated YAML mapping."""

    @property
    def area(self) -> str:
        return self.data["area"]

    def symptoms(self, lang: str) -> tuple[str, ...]:
        """How an engineer would describe the failure, in ``lang`` (matched against questions)."""
        return tuple(self.data["symptoms"][lang])

    @property
    def check_cmd(self) -> str:
        """The one command that tells this cause apart."""
        return self.data["check"]["cmd"]

    def check_read(self, lang: str) -> str:
        """How to read the check command's output, in ``lang``."""
        return self.data["check"]["read"][lang]

    @property
    def signatures(self) -> list[str]:
        return self.data["signatures"]

    @property
    def rule_in(self) -> list[str]:
        return self.data["rule_in"]

    @property
    def rule_out(self) -> list[str]:
        return self.data["rule_out"]

    @property
    def related(self) -> list[str]:
        return self.data["related"]

    @property
    def sources(self) -> list[str]:
        return self.data["sources"]

    @property
    def requires(self) -> list[str]:
        return self.data.get("requires", [])

    @property
    def lead(self) -> str | None:
        """The related entry that leads the sources when this cause leads (None: the default choice)."""
        return self.data.get("lead")

    @property
    def commonness(self) -> str:
        """``common``, ``occasional`` (the default) or ``rare``: the prior the ranking starts from."""
        return self.data.get("commonness", "occasional")

    def clue_ids(self) -> set[str]:
        return set(self.signatures) | set(self.rule_in) | set(self.rule_out) | set(self.requires)


@dataclass(frozen=True)
class Choice:
    label: dict[str, str]
    clues: tuple[str, ...]


@dataclass(frozen=True)
class Narrowing:
    """A question with numbered choices; each choice stands for clue ids the asker confirms."""

    id: str
    text: dict[str, str]
    choices: tuple[Choice, ...]


@dataclass
class Catalog:
    """Every cause, clue and narrowing question, by id."""

    causes: list[Cause]
    clues: list[Clue]
    narrowing: list[Narrowing] = field(default_factory=list)
    root: Path | None = None

    @cached_property
    def cause_by_id(self) -> dict[str, Cause]:
        return {c.id: c for c in self.causes}

    @cached_property
    def clue_by_id(self) -> dict[str, Clue]:
        return {c.id: c for c in self.clues}

    def problems(self, kb: KnowledgeBase) -> list[str]:
        """Links that point nowhere: ``related`` ids that are not KB entries, one message per cause."""
        out = []
        for c in self.causes:
            missing = [r for r in c.related if r not in kb.by_id]
            if missing:
                out.append(f"{c.path}: related: not KB entry ids: {', '.join(missing)}")
        return out


@lru_cache(maxsize=8)
def _schema_for(name: str, langs: tuple[str, ...]) -> dict[str, Any]:
    return every_language(json.loads((HERE / name).read_text(encoding="utf-8")))


def _schema(name: str) -> dict[str, Any]:
    """The schema file ``name`` with every registered language required wherever it requires ``en``
    (the file spells out ``en`` and ``zh``; ``knowledge.loader.every_language`` adds the rest)."""
    return _schema_for(name, languages.codes())


@lru_cache(maxsize=8)
def _schema_key(name: str, langs: tuple[str, ...]) -> bytes:
    """What a validated digest is keyed by: the schema file's bytes, plus the registered languages
    when they make the schema differ from the file (a cached pass for two languages must not skip
    validation for three)."""
    raw = (HERE / name).read_bytes()
    if _schema_for(name, langs) != json.loads(raw):
        raw += json.dumps(langs).encode()
    return raw


def _schema_errors(data: Any, schema_name: str) -> list[str]:
    return schema_errors(data, _schema(schema_name))


def _read_yaml(path: Path) -> Any:
    return _read(path)[0]


def _read(path: Path) -> tuple[Any, bytes]:
    """The parsed file (through the YAML store) and its bytes."""
    try:
        raw = path.read_bytes()
        return parse_yaml(raw), raw
    except (OSError, UnicodeDecodeError, YAMLDataError) as exc:
        raise KBError(f"{path}: cannot read: {exc}") from None


def _checked(data: Any, raw: bytes, schema_name: str) -> tuple[list[str], bool]:
    """Schema errors of ``data`` (none when these bytes passed this schema before) and whether it was
    known to pass."""
    if "known" not in _VALIDATION:
        _VALIDATION["known"], _VALIDATION["new"] = validated_digests(), []
    digest = hashlib.sha256(_schema_key(schema_name, languages.codes()) + b"\0" + raw).hexdigest()[:32]
    if digest in _VALIDATION["known"]:
        return [], True
    errors = _schema_errors(data, schema_name)
    if not errors:
        _VALIDATION["new"].append(digest)
    return errors, False


def _compile(path: Path, where: str, patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    """ASCII word boundaries: ``\\bipvs`` must match in "在ipvs模式" (a CJK letter is no ASCII word character)."""
    out = []
    for p in patterns:
        try:
            out.append(regex_cache.compile(p, re.IGNORECASE | re.MULTILINE | re.ASCII))
        except re.error as exc:
            raise KBError(f"{path}: {where}: pattern {p!r} does not compile: {exc}") from None
    return tuple(out)


def load_cause(path: Path) -> Cause:
    """Parse and check one cause file; raise ``KBError`` naming the file and the field."""
    data, raw = _read(path)
    if not isinstance(data, dict):
        raise KBError(f"{path}: a cause must be a YAML mapping")
    errors, _ = _checked(data, raw, "cause.schema.json")
    if errors:
        raise KBError(f"{path}: invalid cause: " + "; ".join(errors[:5]))
    if path.stem != data["id"]:
        raise KBError(f"{path}: id: must equal the file name ({path.stem!r}), not {data['id']!r}")
    if path.parent.name != data["area"]:
        raise KBError(f"{path}: area: {data['area']!r} must be the folder name ({path.parent.name!r})")
    if data["topic"] not in TOPIC_IDS:
        raise KBError(f"{path}: topic: unknown topic id {data['topic']!r}")
    if "lead" in data and data["lead"] not in data["related"]:
        raise KBError(f"{path}: lead: {data['lead']!r} must be one of the cause's related entries")
    return Cause(data=data, path=path)


def load_clue_file(path: Path) -> list[Clue]:
    data, raw = _read(path)
    data = data or []
    errors, known = _checked(data, raw, "clue.schema.json")
    if errors:
        raise KBError(f"{path}: invalid clue file: " + "; ".join(errors[:5]))
    out = []
    for item in data:
        kind_prefix = {"signature": "sig-", "observation": "obs-", "environment": "env-"}[item["kind"]]
        if not item["id"].startswith(kind_prefix):
            raise KBError(f"{path}: {item['id']}: kind {item['kind']} needs the id prefix {kind_prefix!r}")
        pats = list(item["patterns"]) + list(item.get("zh_patterns", []))
        if not known:  # a file seen for the first time: every pattern must compile (checked once)
            _compile(path, f"{item['id']}: patterns", pats)
            _compile(path, f"{item['id']}: unless", item.get("unless", []))
        out.append(Clue(id=item["id"], kind=item["kind"], label=item["label"], pattern_sources=tuple(pats),
                        unless_sources=tuple(item.get("unless", [])), path=path))
    return out


def load_narrowing(path: Path) -> list[Narrowing]:
    if not path.exists():
        return []
    data, raw = _read(path)
    data = data or []
    errors, _ = _checked(data, raw, "narrowing.schema.json")
    if errors:
        raise KBError(f"{path}: invalid narrowing questions: " + "; ".join(errors[:5]))
    return [Narrowing(id=q["id"], text=q["text"],
                      choices=tuple(Choice(label=c["label"], clues=tuple(c["clues"])) for c in q["choices"]))
            for q in data]


def load_catalog(root: Path | None = None) -> Catalog:
    """Load and cross-check causes, clues and narrowing questions under ``root`` (default: ``kb/``)."""
    from assistant.paths import kb_dir

    root = Path(root) if root else kb_dir()
    clue_paths = sorted((root / "clues").glob("*.yaml"))
    cause_paths = sorted((root / "causes").glob("*/*.yaml"))
    files = [*clue_paths, *cause_paths, root / "narrowing.yaml"]
    snapshot_key = _snapshot_key(root, files)
    remembered = kb_snapshot.read(root, snapshot_key, kind="catalog")
    if remembered is not None:
        return _from_snapshot(root, remembered)
    clues: list[Clue] = []
    seen: dict[str, Path] = {}
    for path in clue_paths:
        for clue in load_clue_file(path):
            if clue.id in seen:
                raise KBError(f"{path}: clue id {clue.id!r} is already defined in {seen[clue.id]}")
            seen[clue.id] = path
            clues.append(clue)
    causes: list[Cause] = []
    cause_seen: dict[str, Path] = {}
    for path in cause_paths:
        cause = load_cause(path)
        if cause.id in cause_seen:
            raise KBError(f"{path}: duplicate cause id {cause.id!r} (also in {cause_seen[cause.id]})")
        unknown = sorted(cause.clue_ids() - seen.keys())
        if unknown:
            raise KBError(f"{path}: signatures/rule_in/rule_out: undefined clue ids: {', '.join(unknown)}")
        cause_seen[cause.id] = path
        causes.append(cause)
    narrowing = load_narrowing(root / "narrowing.yaml")
    for q in narrowing:
        for ch in q.choices:
            unknown = sorted(set(ch.clues) - seen.keys())
            if unknown:
                raise KBError(f"{root / 'narrowing.yaml'}: {q.id}: choices: undefined clue ids: {', '.join(unknown)}")
    if _VALIDATION.get("new"):
        remember_validated(_VALIDATION["known"], _VALIDATION["new"])
        _VALIDATION["known"] = _VALIDATION["known"] | set(_VALIDATION["new"])
        _VALIDATION["new"] = []
    catalog = Catalog(causes=causes, clues=clues, narrowing=narrowing, root=root)
    snapshot = _snapshot_of(catalog)
    if kb_snapshot.settled(files) and is_plain_json(snapshot):
        kb_snapshot.write(root, snapshot_key, snapshot, kind="catalog")
    return catalog


def _snapshot_key(root: Path, files: list[Path]) -> str:
    """What a remembered catalog depends on: its files (by ``stat``), the schemas, the topic ids and
    this module's code (see ``kb_snapshot``)."""
    code = kb_snapshot.code_digest(Path(__file__), *(HERE / n for n in _SCHEMAS))
    from assistant import languages

    return kb_snapshot.files_stamp(files, str(root.resolve()), code, *TOPIC_IDS, "|", *languages.codes())


_SCHEMAS = ("cause.schema.json", "clue.schema.json", "narrowing.schema.json")


def _snapshot_of(catalog: Catalog) -> dict[str, Any]:
    """The checked catalog as plain data (paths relative to its root)."""
    root = catalog.root
    assert root is not None

    def rel(path: Path | None) -> str:
        return str(Path(path).relative_to(root)) if path else ""

    return {
        "clues": [[c.id, c.kind, c.label, list(c.pattern_sources), list(c.unless_sources), rel(c.path)]
                  for c in catalog.clues],
        "causes": [[rel(c.path), c.data] for c in catalog.causes],
        "narrowing": [[q.id, q.text, [[ch.label, list(ch.clues)] for ch in q.choices]] for q in catalog.narrowing],
    }


def _from_snapshot(root: Path, snap: dict[str, Any]) -> Catalog:
    """The catalog a previous load of the same files built (every check passed then)."""
    clues = [Clue(id=cid, kind=kind, label=label, pattern_sources=tuple(pats), unless_sources=tuple(unless),
                  path=root / path if path else None) for cid, kind, label, pats, unless, path in snap["clues"]]
    causes = [Cause(data=data, path=root / path) for path, data in snap["causes"]]
    narrowing = [Narrowing(id=qid, text=text, choices=tuple(Choice(label=label, clues=tuple(ids))
                                                            for label, ids in choices))
                 for qid, text, choices in snap["narrowing"]]
    return Catalog(causes=causes, clues=clues, narrowing=narrowing, root=root)


_CATALOGS: dict[str, Catalog] = {}


def cached_catalog(root: Path | None = None) -> Catalog:
    """One loaded catalog per root for the process (the CLI and the chat load it once)."""
    from assistant.paths import kb_dir

    key = str(Path(root) if root else kb_dir())
    if key not in _CATALOGS:
        _CATALOGS[key] = load_catalog(root)
    return _CATALOGS[key]
