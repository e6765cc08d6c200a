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

from .catalog import SEVERITIES, load_catalog
from .explain import ServiceBackends
from .findings import Finding
from .model import ObjectRef, Skipped
from .reach import Verdict

__all__ = ["Report", "render_text", "render_json", "render_sarif"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
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


def _clean(text: Any) -> str:
    return _CONTROL.sub("?", str(text))


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)


MAX_TEXT_REACH_ROWS = 2000
"""Text output lists at most this many reach rows; JSON and SARIF always carry everything."""


def render_text(report: Report, color: bool = False, lang: str = "en") -> str:
    """Findings by severity with hints, then DNS, CNAMEs, env, Service -> pods, the reach table.

    ``lang="zh"`` shows each rule's hint in Chinese (from ``kb/rules.yaml``); messages stay English
    because they quote manifest fields.
    """
    catalog = load_catalog()

    def paint(text: str, style: str) -> str:
        return f"\x1b[{_COLOURS[style]}m{text}\x1b[0m" if color else text

    lines: list[str] = []
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in SEVERITIES}
    summary = ", ".join(f"{n} {s}{'s' if n != 1 and s != 'info' else ''}" for s, n in counts.items())
    lines.append(paint(f"Inspected {len(report.objects)} object(s): {summary}", "bold"))
    for severity in SEVERITIES:
        group = [f for f in report.findings if f.severity == severity]
        if not group:
            continue
        lines.append("")
        title = {"error": "Errors", "warning": "Warnings", "info": "Info"}[severity]
        lines.append(paint(f"{title} ({len(group)})", severity))
        for f in group:
            lines.append(f"  {paint(f.rule, severity)}  line {f.line}  {_clean(f.object)}")
            lines.append(f"    {_clean(f.message)}")
            hint = catalog[f.rule].text("hint", lang) if lang != "en" and f.rule in catalog else f.hint
            lines.append(paint(f"    hint: {hint}", "dim"))
            lines.append(paint(f"    docs: {f.doc}", "dim"))
    if report.skipped:
        lines.append("")
        lines.append(paint(f"Skipped ({len(report.skipped)})", "bold"))
        for s in report.skipped:
            what = f"{s.kind}/{s.namespace + '/' if s.namespace else ''}{s.name}" if s.kind else "document"
            lines.append(f"  line {s.line}  {_clean(what)}: {_clean(s.reason)}")
    if report.dns or report.cname:
        lines.append("")
        lines.append(paint("DNS names", "bold"))
        lines.extend(f"  {_clean(name)}" for name in report.dns)
        lines.extend(f"  {_clean(name)} CNAME {_clean(target)}" for name, target in report.cname.items())
    if report.env:
        lines.append("")
        lines.append(paint("Service environment variables (pods created after the Service, same namespace)", "bold"))
        for service, names in report.env.items():
            lines.append(f"  {_clean(service)}: {_clean(' '.join(names))}")
    if report.services:
        lines.append("")
        lines.append(paint("Services -> pods", "bold"))
        for entry in report.services:
            pods = ", ".join(entry.workloads) or "no pod template in the bundle"
            lines.append(f"  {_clean(entry.service)} ({entry.type}) -> {_clean(pods)}")
            for port in entry.ports:
                landing = ", ".join(f"{w}:{n if n is not None else '?'}" for w, n in port["resolved"].items())
                lines.append(f"    port {port['port']}/{port['protocol']} -> targetPort {port['targetPort']}"
                             + (f" ({_clean(landing)})" if landing else ""))
    if report.reach:
        lines.append("")
        lines.append(paint("Reachability (pod to pod, under the bundle's NetworkPolicies)", "bold"))
        width_from = max(len(v.source) for v in report.reach)
        width_to = max(len(v.destination) for v in report.reach)
        allow, deny = paint("allow", "ok"), paint("deny ", "error")
        cleaned: dict[str, str] = {}  # names and reasons repeat across the (up to ~10^5) rows
        rows = report.reach
        if len(rows) > MAX_TEXT_REACH_ROWS:
            # a 10^5-row table helps nobody in a terminal (and costs ~0.6 s to print): say how many
            # pairs there are, show the denied ones first (they answer "why can't X reach Y"),
            # and point at the JSON for the whole matrix
            denied = [v for v in rows if not v.allowed]
            allowed_n = len(rows) - len(denied)
            shown = (denied + [v for v in rows if v.allowed])[:MAX_TEXT_REACH_ROWS]
            lines.append(f"  {len(rows):,} pairs: {allowed_n:,} allowed, {len(denied):,} denied; showing "
                         f"{len(shown):,} (denied first). All pairs: --format json")
            rows = shown
        for v in rows:
            src, dst, why = (cleaned.get(x) or cleaned.setdefault(x, _clean(x))
                             for x in (v.source, v.destination, v.reason))
            lines.append(f"  {src:<{width_from}}  ->  {dst:<{width_to}}  "
                         f"{v.port:>5}/{v.protocol:<4} {allow if v.allowed else deny}  {why}")
    return "\n".join(lines) + "\n"


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
        "properties": {"zh": {"title": info.text("title", "zh"), "hint": info.text("hint", "zh")}},
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
