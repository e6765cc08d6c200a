"""The inspection report and its three renderings: contract JSON, human text, SARIF 2.1.0.

Rendering is pure (a report in, a string out) so the CLI, the chat UI and tests share it.
Text output strips control characters from anything that came from the manifest, so a
pasted ANSI escape is never replayed into the user's terminal.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from assistant import languages

from .catalog import SEVERITIES, load_catalog
from .explain import ServiceBackends
from .findings import Finding
from .model import ObjectRef, Skipped
from .reach import Verdict
from .view import RowLimits, ReachFilter, build_view, clean

__all__ = ["Report", "render_text", "render_json", "render_sarif"]

_COLOURS = {"error": "31", "warning": "33", "info": "36", "ok": "32", "dim": "2", "bold": "1"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


@dataclass
class Report:
    objects: list[ObjectRef] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    dns: list[str] = field(default_factory=list)
    cname: dict[str, str] = field(default_factory=dict)
    env: dict[str, list[str]] = field(default_factory=dict)
    reach: list[Verdict] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    services: list[ServiceBackends] = field(default_factory=list)
    """Service -> pods and resolved target ports (text output; not part of the JSON contract)."""
    reach_notes: list[str] = field(default_factory=list)
    """How to read the reach rows (a StatefulSet split into pods); text and chat only."""
    expected: list[tuple[Verdict, str]] = field(default_factory=list)
    """Connections the workloads' configuration expects (env, args, ConfigMaps naming a Service),
    with their verdicts and what names them (DOT/HTML pictures; not part of the JSON contract)."""

    def to_dict(self) -> dict[str, Any]:
        """Exactly the contract's ``inspect --format json`` object, plus ``skipped``."""
        return {
            "objects": [o.to_dict() for o in self.objects],
            "findings": [f.to_dict() for f in self.findings],
            "dns": list(self.dns),
            "cname": dict(self.cname),
            "env": {k: list(v) for k, v in self.env.items()},
            "reach": [v.to_dict() for v in self.reach],
            "skipped": [s.to_dict() for s in self.skipped],
        }

    def worst(self) -> str | None:
        """The most severe finding's severity, or ``None``."""
        for severity in SEVERITIES:
            if any(f.severity == severity for f in self.findings):
                return severity
        return None


_clean = clean


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)


def render_text(report: Report, color: bool = False, lang: str = "en", *, reach_filter: ReachFilter | None = None,
                limits: RowLimits | None = None) -> str:
    """Findings grouped by severity and rule (hint and docs once per rule), then skipped objects, DNS,
    env, Service -> pods, and reachability: a per-namespace summary (denied first) and the rows,
    denied first. Every section is capped (see :class:`~assistant.inspection.view.RowLimits`) and says
    how much it left out; ``--format json`` carries everything.

    ``lang="zh"`` shows each rule's title and hint in Chinese (from ``kb/rules.yaml``); messages stay
    English because they quote manifest fields.
    """
    view = build_view(report, lang=lang, reach_filter=reach_filter, limits=limits)

    def paint(text: str, style: str) -> str:
        return f"\x1b[{_COLOURS[style]}m{text}\x1b[0m" if color else text

    def more(hidden: int, what: str) -> None:
        if hidden:
            lines.append(paint(f"  ... {hidden:,} more {what} (all of them: --format json)", "dim"))

    lines: list[str] = [paint(view.summary, "bold")]
    for severity in SEVERITIES:
        groups = [g for g in view.groups if g.severity == severity]
        if not groups:
            continue
        lines.append("")
        title = {"error": "Errors", "warning": "Warnings", "info": "Info"}[severity]
        lines.append(paint(f"{title} ({view.counts[severity]})", severity))
        for group in groups:
            total = len(group.rows) + group.hidden
            lines.append(f"  {paint(group.rule, severity)} ({total}): {group.title}")
            lines.append(paint(f"    hint: {group.hint}", "dim"))
            lines.append(paint(f"    docs: {group.doc}", "dim"))
            for row in group.rows:
                lines.append(f"    line {row.line}  {row.message}")
            if group.hidden:
                lines.append(paint(f"    ... {group.hidden:,} more {group.rule} (all of them: --format json)", "dim"))
    if view.skipped:
        lines += ["", paint(f"Skipped ({len(view.skipped) + view.skipped_hidden})", "bold")]
        lines.extend(f"  {row}" for row in view.skipped)
        more(view.skipped_hidden, "skipped documents")
    if view.dns:
        lines += ["", paint("DNS names", "bold")]
        lines.extend(f"  {name}" for name in view.dns)
        more(view.dns_hidden, "DNS names")
    if view.env:
        lines += ["", paint("Service environment variables (pods created after the Service, same namespace)", "bold")]
        lines.extend(f"  {service}: {names}" for service, names in view.env)
        more(view.env_hidden, "Services")
    if view.services:
        lines += ["", paint("Services -> pods", "bold")]
        for head, ports in view.services:
            lines.append(f"  {head}")
            lines.extend(f"    {p}" for p in ports)
        more(view.services_hidden, "Services")
    if view.reach_all:
        lines += ["", paint("Reachability (pod to pod, under the bundle's NetworkPolicies)", "bold")]
        where = f" matching {view.reach_filter}" if view.reach_filter else ""
        lines.append(f"  {view.reach_total:,} of {view.reach_all:,} pairs{where}")
        lines.extend(f"  note: {note}" for note in view.reach_notes)
        if view.namespace_pairs:
            width = max(len(f"{p.source} -> {p.destination}") for p in view.namespace_pairs)
            for pair in view.namespace_pairs:
                name = f"{pair.source} -> {pair.destination}"
                lines.append(f"  {name:<{width}}  {paint(f'{pair.denied:>5,} denied', 'error') if pair.denied else '    0 denied'}"
                             f"  {pair.allowed:>5,} allowed")
            more(view.namespace_pairs_hidden, "namespace pairs")
        if view.reach_rows and all(v.allowed and v.reason.startswith(_OPEN) for v in view.verdicts):
            lines.append("  every pair is allowed: no NetworkPolicy isolates these pods")
        elif view.reach_rows:
            lines.append("")
            width_from = max(len(v.source) for v in view.reach_rows)
            width_to = max(len(v.destination) for v in view.reach_rows)
            allow, deny = paint("allow", "ok"), paint("deny ", "error")
            for v in view.reach_rows:
                lines.append(f"  {v.source:<{width_from}}  ->  {v.destination:<{width_to}}  "
                             f"{v.port:>5}/{v.protocol:<4} {allow if v.allowed else deny}  {_compact(v)}")
            if view.reach_hidden:
                lines.append(paint(f"  ... {view.reach_hidden:,} more pairs (narrow with --from NS/NAME, --to NS/NAME, "
                                   "--port N, --denied; all of them: --format json)", "dim"))
    return "\n".join(lines) + "\n"


_MAX_REASON = 200
_OPEN = "allowed: no NetworkPolicy isolates"


def _compact(v: Verdict) -> str:
    """A reach reason for a table row that already shows source, destination and port: those are
    said once (``src``/``dst``), and the line is cut to one readable length (the JSON keeps it whole)."""
    reason = v.reason.replace(f" on {v.port}/{v.protocol}", "")
    pairs = sorted({(v.source, "src"), (v.destination, "dst")}, key=lambda p: -len(p[0]))
    for name, short in pairs:
        reason = re.sub(rf"(?<![\w/.-]){re.escape(name)}(?![\w/.-])", "it" if v.source == v.destination else short,
                        reason)
    return reason if len(reason) <= _MAX_REASON else reason[:_MAX_REASON - 1] + "…"


def render_sarif(report: Report, uri: str = "manifest.yaml") -> str:
    """SARIF 2.1.0: one ``reportingDescriptor`` per rule id, a region startLine on every result."""
    catalog = load_catalog()
    level = {"error": "error", "warning": "warning", "info": "note"}
    ids = list(catalog)
    rules = [{
        "id": info.id,
        "name": "".join(part.capitalize() for part in info.id.split("-")),
        "shortDescription": {"text": info.text("title")},
        "fullDescription": {"text": info.text("title")},
        "help": {"text": info.text("hint"), "markdown": f"{info.text('hint')}\n\n[Kubernetes docs]({info.doc})"},
        "helpUri": info.doc,
        "defaultConfiguration": {"level": level[info.severity]},
        "properties": {code: {"title": info.text("title", code), "hint": info.text("hint", code)}
                       for code in languages.codes() if code != languages.DEFAULT},
    } for info in catalog.values()]
    results = [{
        "ruleId": f.rule,
        "ruleIndex": ids.index(f.rule) if f.rule in ids else 0,
        "level": level.get(f.severity, "warning"),
        "message": {"text": f.message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri},
                "region": {"startLine": max(f.line, 1)},
            },
            "logicalLocations": [{"name": f.object, "kind": "object"}],
        }],
    } for f in report.findings]
    sarif = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "podtalk", "informationUri": "https://kubernetes.io/docs/concepts/services-networking/",
                                "rules": rules}},
            "results": results,
        }],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False)
