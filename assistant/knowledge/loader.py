"""Load ``kb/entries/<topic>/<id>.yaml`` into validated ``Entry`` objects.

Validation happens on load so a broken entry is reported with its file name before it can turn into
a wrong answer: schema (``entry.schema.json``), topic ids from ``kb/topics.yaml``, unique ids, the folder
matching the topic, and ``related`` ids that exist.

Every bilingual text must be given in each language of :mod:`assistant.languages`: the schema file
spells out ``en`` and ``zh`` once, and the loader requires every registered language wherever the file
requires ``en``. Code reads entries through ``Entry``'s typed accessors (``entry.summary(lang)``,
``entry.commands``, ``entry.steps``...); ``Entry.data`` stays the validated mapping (for hashing, and for
code that walks every text of an entry).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from assistant import languages
from assistant.knowledge import kb_snapshot, regex_cache
from assistant.knowledge.yaml_cache import YAMLDataError, is_plain_json, parse_yaml, read_yaml

from assistant.errors import KBError

SCHEMA_PATH = Path(__file__).with_name("entry.schema.json")
_VALIDATED_FILE = "kb-validated-v1.json"
_VALIDATED_KEEP = 4000
_OPTIONAL_FIELDS: dict[str, Any] = {
    "verified": {  # the docs version a version- or add-on-dependent entry was last checked against
        "type": "object", "required": ["kubernetes", "date"], "additionalProperties": False,
        "properties": {"kubernetes": {"type": "string", "pattern": "^1\\.[0-9]+$"},
                       "date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}},
    },
    "history": {  # behaviour that changed, for questions that name an old version or term
        "type": "array", "minItems": 1,
        "items": {"type": "object", "required": ["version", "terms", "en", "zh"], "additionalProperties": False,
                  "properties": {"version": {"type": "string", "pattern": "^1\\.[0-9]+$"},
                                 "terms": {"type": "array", "items": {"type": "string", "minLength": 1}},
                                 "en": {"type": "string", "minLength": 1}, "zh": {"type": "string", "minLength": 1}}},
    },
}
"""Optional entry fields added to ``entry.schema.json`` at load time (the JSON file wins if it has them)."""
COMMAND_NEEDS = ("cluster", "node", "pod", "client", "none")
"""Optional ``needs`` of a command or step: kubectl (or a cluster CLI) with cluster access, a shell on a
node, a shell inside a Pod, a machine that reaches the node or load balancer address, or nothing at all."""


def _read_topics(path: Path) -> dict[str, dict[str, str]]:
    """``kb/topics.yaml``: the contract's topic ids in order, each with a title in every language."""
    try:
        data = read_yaml(path)
    except (OSError, UnicodeDecodeError, YAMLDataError) as exc:
        raise KBError(f"{path}: cannot read topics: {exc}") from None
    langs = languages.codes()
    topics: dict[str, dict[str, str]] = {}
    for i, item in enumerate(data if isinstance(data, list) else [None]):
        title = item.get("title") if isinstance(item, dict) else None
        if not (isinstance(title, dict) and isinstance(item.get("id"), str) and all(title.get(k) for k in langs)):
            raise KBError(f"{path}: item {i + 1} needs 'id' and 'title: {{{', '.join(langs)}}}'")
        if item["id"] in topics:
            raise KBError(f"{path}: duplicate topic id {item['id']!r}")
        topics[item["id"]] = {k: str(title[k]) for k in langs}
    return topics


def _default_topics() -> dict[str, dict[str, str]]:
    from assistant.paths import REPO_DIR

    return _read_topics(REPO_DIR / "kb" / "topics.yaml")


TOPICS: dict[str, dict[str, str]] = _default_topics()
TOPIC_IDS: tuple[str, ...] = tuple(TOPICS)
"""The contract's topic ids, from ``kb/topics.yaml`` (data, not code)."""


def _texts(item: Mapping[str, Any]) -> Mapping[str, str]:
    """The per-language texts of a KB item (its keys that are language codes), read-only."""
    return MappingProxyType({k: v for k, v in item.items() if k in languages.codes()})


@dataclass(frozen=True)
class LocalText:
    """One text in every language: a fact or a pitfall."""

    texts: Mapping[str, str]

    def text(self, lang: str) -> str:
        return self.texts[lang]

    def __getitem__(self, lang: str) -> str:
        """``fact[lang]``, as the raw mapping was read (``fact.text(lang)`` says the same)."""
        return self.texts[lang]


@dataclass(frozen=True)
class Command:
    """A command worth running, what it shows in every language, and where it runs (``COMMAND_NEEDS``)."""

    cmd: str
    texts: Mapping[str, str]
    needs: str | None = None

    def text(self, lang: str) -> str:
        return self.texts[lang]


@dataclass(frozen=True)
class Step:
    """One step of a troubleshooting checklist, with the command that checks it (``""``: none)."""

    texts: Mapping[str, str]
    cmd: str = ""
    needs: str | None = None

    def text(self, lang: str) -> str:
        return self.texts[lang]


@dataclass(frozen=True)
class Table:
    """A comparison table: ``columns[lang][0]`` is the aspect column; every row has one cell per column."""

    columns: Mapping[str, tuple[str, ...]]
    rows: tuple[Mapping[str, tuple[str, ...]], ...]

    def header(self, lang: str) -> tuple[str, ...]:
        return self.columns[lang]

    def body(self, lang: str) -> list[tuple[str, ...]]:
        return [row[lang] for row in self.rows]


@dataclass(frozen=True)
class HistoryNote:
    """Behaviour that changed in a Kubernetes version, for questions that name an old version or term."""

    version: str
    terms: tuple[str, ...]
    texts: Mapping[str, str]

    def text(self, lang: str) -> str:
        return self.texts[lang]


@dataclass(frozen=True)
class Verified:
    """The docs version a version- or add-on-dependent entry was last checked against."""

    kubernetes: str
    date: str


@dataclass(frozen=True)
class Record:
    """A validated YAML record with an id, a topic and bilingual texts: what a KB entry and a
    diagnosis cause share (each adds the accessors of its own schema)."""

    data: dict[str, Any]
    path: Path

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def topic(self) -> str:
        return self.data["topic"]

    def text(self, name: str, lang: str) -> str:
        """A bilingual text field (title, summary, details, fix...) in ``lang``."""
        return self.data[name][lang]

    def title(self, lang: str = languages.DEFAULT) -> str:
        return self.data["title"][lang]


@dataclass(frozen=True)
class Entry(Record):
    """One knowledge-base entry, read through typed accessors; ``data`` is the validated YAML mapping."""

    def summary(self, lang: str) -> str:
        return self.data["summary"][lang]

    def details(self, lang: str) -> str:
        return self.data["details"][lang]

    def keywords(self, lang: str) -> tuple[str, ...]:
        return tuple(self.data["keywords"][lang])

    def questions(self, lang: str) -> tuple[str, ...]:
        """The sample questions an author wrote in ``lang`` (indexed for retrieval)."""
        return tuple(self.data["questions"][lang])

    @property
    def url(self) -> str:
        """The first (most specific) official source."""
        return self.data["sources"][0]

    @property
    def sources(self) -> tuple[str, ...]:
        """Official sources, the most specific first."""
        return tuple(self.data["sources"])

    @property
    def related(self) -> tuple[str, ...]:
        """Ids of related entries (checked to exist by ``KnowledgeBase.dangling_related``)."""
        return tuple(self.data["related"])

    @cached_property
    def facts(self) -> tuple[LocalText, ...]:
        """Short facts, the most asked first (``fact.text(lang)``)."""
        return tuple(LocalText(_texts(f)) for f in self.data["facts"])

    @cached_property
    def pitfalls(self) -> tuple[LocalText, ...]:
        return tuple(LocalText(_texts(p)) for p in self.data["pitfalls"])

    @cached_property
    def commands(self) -> tuple[Command, ...]:
        return tuple(Command(c["cmd"], _texts(c), c.get("needs")) for c in self.data["commands"])

    @cached_property
    def steps(self) -> tuple[Step, ...]:
        """A troubleshooting checklist, in order (empty for other entries)."""
        return tuple(Step(_texts(s), s.get("cmd", ""), s.get("needs")) for s in self.data.get("steps", []))

    @property
    def is_troubleshooting(self) -> bool:
        """Whether the entry has a checklist (``steps``): it answers a symptom."""
        return bool(self.data.get("steps"))

    @cached_property
    def table(self) -> Table | None:
        """A side-by-side comparison table, if the entry has one."""
        t = self.data.get("table")
        if not t:
            return None
        return Table(MappingProxyType({k: tuple(v) for k, v in _texts(t["columns"]).items()}),
                     tuple(MappingProxyType({k: tuple(v) for k, v in _texts(r).items()}) for r in t["rows"]))

    @property
    def example(self) -> str | None:
        """A minimal example manifest (YAML text), if the entry has one."""
        return self.data.get("example")

    @cached_property
    def history(self) -> tuple[HistoryNote, ...]:
        return tuple(HistoryNote(h["version"], tuple(h["terms"]), _texts(h)) for h in self.data.get("history", []))

    @property
    def verified(self) -> Verified | None:
        v = self.data.get("verified")
        return Verified(v["kubernetes"], v["date"]) if v else None


@dataclass
class KnowledgeBase:
    """All entries, by id, in a stable order, plus the glossary."""

    entries: list[Entry]
    glossary: list[dict[str, Any]] = field(default_factory=list)
    root: Path | None = None
    topic_titles: dict[str, dict[str, str]] = field(default_factory=lambda: dict(TOPICS))

    def topic_title(self, topic: str, lang: str = "en") -> str:
        """A topic's title from ``topics.yaml`` (the id itself if unknown)."""
        return self.topic_titles.get(topic, {}).get(lang, topic)

    @cached_property
    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    def topics(self) -> dict[str, list[Entry]]:
        """Entries grouped by topic, in contract order."""
        out: dict[str, list[Entry]] = {t: [] for t in self.topic_titles}
        for e in self.entries:
            out[e.topic].append(e)
        return out

    def dangling_related(self) -> list[str]:
        """Problems with ``related`` links (ids that do not exist), one message per entry."""
        out = []
        for e in self.entries:
            missing = [r for r in e.related if r not in self.by_id]
            if missing:
                out.append(f"{e.path}: related ids do not exist: {', '.join(missing)}")
        return out

    @cached_property
    def content_hash(self) -> str:
        """A hash of every entry and the glossary: the index cache key's KB part."""
        h = hashlib.sha256()
        for e in self.entries:
            h.update(json.dumps(e.data, sort_keys=True, ensure_ascii=False).encode())
        h.update(json.dumps(self.glossary, sort_keys=True, ensure_ascii=False).encode())
        return h.hexdigest()


def _load_schema() -> dict[str, Any]:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    for name, spec in _OPTIONAL_FIELDS.items():
        schema["properties"].setdefault(name, spec)
    for name in ("commands", "steps"):  # where a command runs: kubectl against a cluster, a node shell, ...
        schema["properties"][name]["items"]["properties"].setdefault("needs", {"enum": list(COMMAND_NEEDS)})
    return every_language(schema)


def every_language(node: Any) -> Any:
    """``node`` with each registered language allowed (and required) wherever ``en`` is: the schema
    file names ``en`` and ``zh`` once, the registry adds the rest."""
    if isinstance(node, list):
        return [every_language(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: every_language(v) for k, v in node.items()}
    props = out.get("properties")
    if isinstance(props, dict) and languages.DEFAULT in props:
        for code in languages.codes():
            props.setdefault(code, props[languages.DEFAULT])
        required = out.get("required")
        if isinstance(required, list) and languages.DEFAULT in required:
            out["required"] = required + [c for c in languages.codes() if c not in required]
    return out


_SCHEMA_DIGEST: dict[tuple[str, ...], str] = {}


def _schema_digest() -> str:
    """The validation cache's schema part, per set of registered languages."""
    langs = languages.codes()
    if langs not in _SCHEMA_DIGEST:
        h = hashlib.sha256(SCHEMA_PATH.read_bytes())
        h.update(str(TOPIC_IDS).encode())
        h.update(json.dumps([_OPTIONAL_FIELDS, COMMAND_NEEDS, langs], sort_keys=True).encode())
        _SCHEMA_DIGEST[langs] = h.hexdigest()
    return _SCHEMA_DIGEST[langs]


def schema_errors(data: Any, schema: dict[str, Any]) -> list[str]:
    """``path: message`` for every way ``data`` breaks ``schema`` (JSON Schema 2020-12), in path order:
    the one validator of KB entries and of the diagnosis catalog's files."""
    import jsonschema  # imported here: only validation needs it

    validator = jsonschema.Draft202012Validator(schema)
    errors = []
    for err in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.path]):
        where = "/".join(str(p) for p in err.path) or "(top level)"
        errors.append(f"{where}: {err.message}")
    return errors


def _schema_errors(data: Any) -> list[str]:
    return schema_errors(data, _load_schema())


def _validated_path() -> Path:
    from assistant.paths import cache_dir

    return cache_dir() / _VALIDATED_FILE


def _read_validated() -> set[str]:
    """Digests of entry files (with this schema) that passed schema validation before."""
    try:
        data = json.loads(_validated_path().read_text(encoding="utf-8"))
        return set(data) if isinstance(data, list) else set()
    except (OSError, ValueError):
        return set()


def _write_validated(digests: set[str], new: list[str]) -> None:
    """Remember newly validated digests (atomically; an unwritable cache is fine)."""
    from assistant.atomic import atomic_write_text

    keep = [d for d in digests if d not in new][: _VALIDATED_KEEP - len(new)] + new
    try:
        atomic_write_text(_validated_path(), json.dumps(keep))
    except OSError:
        pass


def load_entry(
    path: Path, *, validated: set[str] | None = None, newly: list[str] | None = None,
    topic_ids: tuple[str, ...] = TOPIC_IDS,
) -> Entry:
    """Parse and schema-check one entry file; raise ``KBError`` naming the file.

    ``validated`` holds digests (schema + file bytes) already known to pass the schema check, which
    is then skipped (it costs ~0.2 s for the KB, jsonschema import included); a file that passes now
    has its digest appended to ``newly``.
    """
    try:
        raw = path.read_bytes()
        data = parse_yaml(raw)
    except (OSError, UnicodeDecodeError, YAMLDataError) as exc:
        raise KBError(f"{path}: cannot read entry: {exc}") from None
    if not isinstance(data, dict):
        raise KBError(f"{path}: an entry must be a YAML mapping")
    digest = None
    if validated is not None:
        digest = hashlib.sha256(_schema_digest().encode() + raw).hexdigest()[:32]
    errors = [] if digest is not None and digest in validated else _schema_errors(data)
    if not errors and digest is not None and newly is not None and digest not in validated:
        newly.append(digest)
    if errors:
        raise KBError(f"{path}: invalid entry: " + "; ".join(errors[:5]))
    if data["topic"] not in topic_ids:
        raise KBError(f"{path}: unknown topic id {data['topic']!r} (known: {', '.join(topic_ids)})")
    if path.stem != data["id"]:
        raise KBError(f"{path}: file name must be the entry id ({data['id']}.yaml)")
    return Entry(data=join_cjk_lines(data), path=path)


_CJK_GAP = regex_cache.compile("(?<=[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]) +"
                      "(?=[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef])"
                      "|(?<=[\u3001\u3002\uff0c\uff1a\uff1b\uff01\uff1f\uff09]) +| +(?=[\u3001\u3002\uff0c\uff1a\uff1b\uff01\uff1f\uff09])")
"""Spaces between two Chinese characters, after Chinese punctuation (，。、：；！？）) or before it."""


def join_cjk_lines(data: Any, zh: bool = False) -> Any:
    """``data`` with the spaces YAML folding leaves between two Chinese characters removed from every
    text of a language written without spaces (``zh``: ``在每个节点 上`` -> ``在每个节点上``), so every
    consumer of the KB gets clean text."""
    if isinstance(data, dict):
        return {k: join_cjk_lines(v, zh or languages.joins_without_spaces(k)) for k, v in data.items()}
    if isinstance(data, list):
        return [join_cjk_lines(v, zh) for v in data]
    if zh and isinstance(data, str):
        return _CJK_GAP.sub("", data)
    return data


def find_entry(entry_id: str, root: Path | None = None) -> Entry | None:
    """One validated entry by id, without loading the whole KB (the tour quotes a few entries);
    None if no entry file has that id. Raises ``KBError`` for a broken entry, like ``load_kb``."""
    from assistant.paths import kb_dir

    root = Path(root) if root else kb_dir()
    for path in sorted((root / "entries").glob(f"*/{entry_id}.yaml")):
        validated = _read_validated()
        newly: list[str] = []
        entry = load_entry(path, validated=validated, newly=newly)
        if newly:
            _write_validated(validated, newly)
        return entry
    return None


def load_kb(root: Path | None = None) -> KnowledgeBase:
    """Load and validate the whole KB under ``root`` (default: the repository's ``kb/``)."""
    from assistant.paths import kb_dir

    root = Path(root) if root else kb_dir()
    entries_dir = root / "entries"
    if not entries_dir.is_dir():
        raise KBError(f"{entries_dir}: knowledge base not found")
    paths = sorted(entries_dir.glob("*/*.yaml"))
    snapshot_key = _snapshot_key(root, paths)
    remembered = kb_snapshot.read(root, snapshot_key)
    if remembered is not None:
        return _from_snapshot(root, remembered)
    entries: list[Entry] = []
    seen: dict[str, Path] = {}
    topics = _read_topics(root / "topics.yaml") if (root / "topics.yaml").exists() else dict(TOPICS)
    validated = _read_validated()
    newly: list[str] = []
    for path in paths:
        entry = load_entry(path, validated=validated, newly=newly, topic_ids=tuple(topics))
        if entry.id in seen:
            raise KBError(f"{path}: duplicate entry id {entry.id!r} (also in {seen[entry.id]})")
        if path.parent.name != entry.topic:
            raise KBError(f"{path}: entry of topic {entry.topic!r} must live in entries/{entry.topic}/")
        seen[entry.id] = path
        entries.append(entry)
    if not entries:
        raise KBError(f"{entries_dir}: no entries")
    glossary = _load_glossary(root / "glossary.yaml")
    if newly:
        _write_validated(validated, newly)
    kb = KnowledgeBase(entries=entries, glossary=glossary, root=root, topic_titles=topics)
    if kb_snapshot.settled(_snapshot_files(root, paths)) and is_plain_json(kb.glossary) \
            and is_plain_json(topics) and all(is_plain_json(e.data) for e in entries):
        kb_snapshot.write(root, snapshot_key, {
            "entries": [[str(e.path.relative_to(root)), e.data] for e in entries], "glossary": glossary,
            "topics": topics, "content_hash": kb.content_hash})
    return kb


_SNAPSHOT_CODE: str | None = None


def _snapshot_key(root: Path, paths: list[Path]) -> str:
    """What a remembered KB depends on: its files (by ``stat``), the schema, the registered languages
    and the code that turns the files into entries (this module and the language registry)."""
    global _SNAPSHOT_CODE
    if _SNAPSHOT_CODE is None:
        _SNAPSHOT_CODE = kb_snapshot.code_digest(Path(__file__), Path(languages.__file__))
    return kb_snapshot.files_stamp(_snapshot_files(root, paths),
                                   str(root.resolve()), _schema_digest(), _SNAPSHOT_CODE, *languages.codes())


def _snapshot_files(root: Path, paths: list[Path]) -> list[Path]:
    return [*paths, root / "topics.yaml", root / "glossary.yaml"]


def _from_snapshot(root: Path, snap: dict[str, Any]) -> KnowledgeBase:
    """The KB a previous load of the same files built (every check passed then)."""
    entries = [Entry(data=data, path=root / rel) for rel, data in snap["entries"]]
    kb = KnowledgeBase(entries=entries, glossary=snap["glossary"], root=root, topic_titles=snap["topics"])
    kb.__dict__["content_hash"] = snap["content_hash"]  # the cached_property's value, as computed then
    return kb


def _load_glossary(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    try:
        data = read_yaml(path) or []
    except YAMLDataError as exc:
        raise KBError(f"{path}: cannot parse glossary: {exc}") from None
    if not isinstance(data, list):
        raise KBError(f"{path}: the glossary must be a list of {{zh: [...], en: ...}} pairs")
    for i, item in enumerate(data):
        if not isinstance(item, dict) or "zh" not in item or "en" not in item:
            raise KBError(f"{path}: item {i + 1} needs 'zh' and 'en'")
    # a single Chinese term becomes a one-item list, in a new mapping (the parsed YAML may be cached)
    return [{**item, "zh": [item["zh"]]} if isinstance(item["zh"], str) else item for item in data]


def validated_digests() -> set[str]:
    """Digests of data files that passed their schema before (shared with the diagnosis catalog)."""
    return _read_validated()


def remember_validated(digests: set[str], new: list[str]) -> None:
    """Record newly validated digests (atomically; an unwritable cache is fine)."""
    if new:
        _write_validated(digests, new)
