"""One view model of an inspection report, shared by the text, Markdown, HTML and Rich renderers.

Everything a human reads goes through :func:`build_view` once: strings from the manifest are
cleaned of control characters there (never again in a renderer), hints are localised there, the
reach table is filtered (``--from/--to/--port/--denied``), summarised per namespace pair with the
denied pairs first, and every long section is capped with a count of what was left out. The
renderers only lay the view out, so the CLI and the chat show the same report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import chain, islice
from operator import itemgetter
from typing import Any

from assistant.errors import UsageError
from assistant.terminal_safety import UNSAFE_CHARS

from .catalog import SEVERITIES, load_catalog
from .reach import Verdict

__all__ = ["ReachFilter", "RowLimits", "FindingRow", "RuleGroup", "NamespacePair", "ReportView", "build_view",
           "clean", "parse_workload_ref"]

def clean(text: Any) -> str:
    """Text safe to print: every character ``terminal_safety`` calls unsafe (controls, bidi, zero-width,
    line separators) becomes ``?``, so a reader sees that something was there."""
    return UNSAFE_CHARS.sub("?", str(text))


def parse_workload_ref(text: str | None, option: str = "--from") -> tuple[str, str] | None:
    """``NS/NAME`` (``NAME`` may be ``*``) -> (ns, name); a bare ``NS`` means every workload of it."""
    if text is None:
        return None
    text = text.strip()
    if not text:
        raise UsageError(f"{option} needs NAMESPACE/NAME (or NAMESPACE/* for a whole namespace)")
    ns, _, name = text.partition("/")
    return ns, name or "*"


def _key_matches(wanted: tuple[str, str] | None, key: str) -> bool:
    if wanted is None:
        return True
    ns, name = wanted
    key_ns, _, rest = key.partition("/")
    if key_ns != ns:
        return False
    # keys are ns/name, or ns/Kind/name when names collide
    return name == "*" or rest == name or rest.rsplit("/", 1)[-1] == name


@dataclass(frozen=True)
class ReachFilter:
    """Which reach rows to show: ``--from NS/NAME --to NS/NAME --port N --denied``."""

    source: tuple[str, str] | None = None
    destination: tuple[str, str] | None = None
    port: int | None = None
    denied_only: bool = False

    @classmethod
    def from_options(cls, source: str | None = None, destination: str | None = None, port: int | None = None,
                     denied: bool = False) -> "ReachFilter":
        return cls(parse_workload_ref(source, "--from"), parse_workload_ref(destination, "--to"), port, denied)

    @property
    def active(self) -> bool:
        return bool(self.source or self.destination or self.port is not None or self.denied_only)

    def matches(self, verdict: Verdict) -> bool:
        return ((self.port is None or verdict.port == self.port)
                and (not self.denied_only or not verdict.allowed)
                and _key_matches(self.source, verdict.source) and _key_matches(self.destination, verdict.destination))

    def apply(self, verdicts: list[Verdict]) -> list[Verdict]:
        return [v for v in verdicts if self.matches(v)] if self.active else list(verdicts)

    def describe(self) -> str:
        parts = []
        if self.source:
            parts.append(f"from {'/'.join(self.source)}")
        if self.destination:
            parts.append(f"to {'/'.join(self.destination)}")
        if self.port is not None:
            parts.append(f"port {self.port}")
        if self.denied_only:
            parts.append("denied only")
        return ", ".join(parts)


@dataclass(frozen=True)
class RowLimits:
    """How many rows each section shows (``None``: all). The defaults keep a 200-workload bundle's
    text report under 200 lines; JSON, SARIF and DOT always carry everything."""

    findings_per_rule: int | None = 5
    skipped: int | None = 5
    dns: int | None = 12
    env: int | None = 5
    services: int | None = 8
    namespace_pairs: int | None = 12
    reach_rows: int | None = 30

    @classmethod
    def unlimited(cls) -> "RowLimits":
        return cls(None, None, None, None, None, None, None)


@dataclass
class FindingRow:
    line: int
    object: str
    message: str


@dataclass
class RuleGroup:
    rule: str
    severity: str
    title: str
    hint: str
    doc: str
    rows: list[FindingRow]
    hidden: int = 0


@dataclass
class NamespacePair:
    source: str
    destination: str
    allowed: int
    denied: int


@dataclass
class ReportView:
    objects: int
    counts: dict[str, int]
    groups: list[RuleGroup]
    skipped: list[str]
    skipped_hidden: int
    dns: list[str]
    dns_hidden: int
    env: list[tuple[str, str]]
    env_hidden: int
    services: list[tuple[str, list[str]]]
    services_hidden: int
    reach_total: int
    """Rows after filtering."""
    reach_all: int
    """Rows before filtering."""
    reach_filter: str
    namespace_pairs: list[NamespacePair]
    namespace_pairs_hidden: int
    reach_rows: list[Verdict]
    """Cleaned rows to show, denied first."""
    reach_hidden: int
    verdicts: list[Verdict] = field(default_factory=list, repr=False)
    """Every filtered verdict (uncleaned), for the matrix renderers."""
    reach_notes: list[str] = field(default_factory=list)
    """How to read the rows (a StatefulSet shown per pod...)."""

    @property
    def summary(self) -> str:
        parts = ", ".join(f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for s, n in self.counts.items())
        return f"Inspected {self.objects} object(s): {parts}"


def _cap(items: list, limit: int | None) -> tuple[list, int]:
    if limit is None or len(items) <= limit:
        return items, 0
    return items[:limit], len(items) - limit


def _clean_verdict(v: Verdict, memo: dict[str, str]) -> Verdict:
    def c(text: str) -> str:
        value = memo.get(text)
        if value is None:
            value = memo[text] = clean(text)
        return value
    return Verdict(c(v.source), c(v.destination), v.port, v.protocol, v.allowed, c(v.reason))


def build_view(report: Any, *, lang: str = "en", reach_filter: ReachFilter | None = None,
               limits: RowLimits | None = None) -> ReportView:
    """The report as people read it: localised, cleaned once, filtered and capped."""
    limits = limits or RowLimits()
    reach_filter = reach_filter or ReachFilter()
    catalog = load_catalog()
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in SEVERITIES}
    groups: list[RuleGroup] = []
    for severity in SEVERITIES:
        by_rule: dict[str, list] = {}
        for f in report.findings:
            if f.severity == severity:
                by_rule.setdefault(f.rule, []).append(f)
        for rule_id, findings in by_rule.items():
            info = catalog.get(rule_id)
            shown, hidden = _cap(findings, limits.findings_per_rule)
            groups.append(RuleGroup(
                rule=rule_id, severity=severity,
                title=clean(info.text("title", lang) if info else rule_id),
                hint=clean(info.text("hint", lang) if info else findings[0].hint),
                doc=findings[0].doc,
                rows=[FindingRow(f.line, clean(f.object), clean(f.message)) for f in shown], hidden=hidden))
    skipped_rows = []
    for s in report.skipped:
        what = f"{s.kind}/{s.namespace + '/' if s.namespace else ''}{s.name}" if s.kind else "document"
        skipped_rows.append(clean(f"line {s.line}  {what}: {s.reason}"))
    skipped, skipped_hidden = _cap(skipped_rows, limits.skipped)
    names = [clean(n) for n in report.dns] + [clean(f"{n} CNAME {t}") for n, t in report.cname.items()]
    dns, dns_hidden = _cap(names, limits.dns)
    env, env_hidden = _cap([(clean(k), clean(" ".join(v))) for k, v in report.env.items()], limits.env)
    service_rows = []
    for entry in report.services:
        pods = ", ".join(entry.workloads) or "no pod template in the bundle"
        lines = []
        for port in entry.ports:
            landing = ", ".join(f"{w}:{n if n is not None else '?'}" for w, n in port["resolved"].items())
            lines.append(f"port {port['port']}/{port['protocol']} -> targetPort {port['targetPort']}"
                         + (f" ({landing})" if landing else ""))
        service_rows.append((clean(f"{entry.service} ({entry.type}) -> {pods}"), [clean(x) for x in lines]))
    services, services_hidden = _cap(service_rows, limits.services)

    verdicts = reach_filter.apply(report.reach)
    # counted with C-level iteration (a bundle may have ~10^5 verdicts): workload key -> namespace once
    keys = {*map(itemgetter(0), verdicts), *map(itemgetter(1), verdicts)}
    namespace = {key: key.split("/", 1)[0] for key in keys}
    tally = Counter(zip(map(namespace.__getitem__, map(itemgetter(0), verdicts)),
                         map(namespace.__getitem__, map(itemgetter(1), verdicts)), map(itemgetter(4), verdicts)))
    pairs: dict[tuple[str, str], list[int]] = {}
    for (source, destination, allowed), n in tally.items():
        pairs.setdefault((source, destination), [0, 0])[0 if allowed else 1] += n
    ns_pairs = sorted((NamespacePair(clean(s), clean(d), a, n) for (s, d), (a, n) in pairs.items()),
                      key=lambda p: (-p.denied, p.source, p.destination))
    ns_pairs, ns_hidden = _cap(ns_pairs, limits.namespace_pairs)
    denied_first = chain((v for v in verdicts if not v.allowed), (v for v in verdicts if v.allowed))
    if limits.reach_rows is None:
        shown_rows, reach_hidden = list(denied_first), 0
    else:  # only the rows shown are ordered
        shown_rows = list(islice(denied_first, limits.reach_rows))
        reach_hidden = len(verdicts) - len(shown_rows)
    memo: dict[str, str] = {}
    return ReportView(
        objects=len(report.objects), counts=counts, groups=groups,
        skipped=skipped, skipped_hidden=skipped_hidden, dns=dns, dns_hidden=dns_hidden,
        env=env, env_hidden=env_hidden, services=services, services_hidden=services_hidden,
        reach_total=len(verdicts), reach_all=len(report.reach), reach_filter=reach_filter.describe(),
        namespace_pairs=ns_pairs, namespace_pairs_hidden=ns_hidden,
        reach_rows=[_clean_verdict(v, memo) for v in shown_rows], reach_hidden=reach_hidden,
        verdicts=verdicts, reach_notes=[clean(n) for n in getattr(report, "reach_notes", [])],
    )

