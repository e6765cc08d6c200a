"""``inspect --format dot``: the reach picture as Graphviz DOT.

Namespaces are clusters and workloads are nodes. An allowed edge carries its ports. A complete
matrix has n^2 edges, which no one can read, so a destination that every source of the picture may
reach on a port is marked "open to all" in its node instead of drawing n edges. Denied pairs are
drawn only where something expects them to work (a workload's env, args or ConfigMap names the
destination's Service): dashed red, labelled with the port and what names it.
"""

from __future__ import annotations

from .pairs import fold_pairs, namespace_of
from .view import ReachFilter, clean

__all__ = ["render_dot"]


def _quote(text: str) -> str:
    return '"' + clean(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_dot(report, reach_filter: ReachFilter | None = None) -> str:  # noqa: ANN001 - Report (import cycle)
    reach_filter = reach_filter or ReachFilter()
    verdicts = reach_filter.apply(report.reach)
    expected = [(v, via) for v, via in report.expected if reach_filter.matches(v)]
    nodes = sorted({v.source for v in verdicts} | {v.destination for v in verdicts}
                   | {v.source for v, _ in expected} | {v.destination for v, _ in expected})
    sources = {v.source for v in verdicts}
    open_ports: dict[str, list[str]] = {}
    by_port: dict[tuple[str, str], set[str]] = {}
    for v in verdicts:
        if v.allowed:
            by_port.setdefault((v.destination, f"{v.port}/{v.protocol}"), set()).add(v.source)
    for (destination, port), allowed_from in by_port.items():
        if len(sources) > 2 and allowed_from >= sources:
            open_ports.setdefault(destination, []).append(port)
    lines = ["digraph reach {", "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fillcolor="#f5f5f5", '
             'fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=9];',
             '  label="podtalk reach\\lgreen edge: allowed (ports)\\ldashed red edge: denied, but the source names '
             'the destination\'s Service (env, args, ConfigMap)\\lopen: reachable from every workload shown\\l";',
             "  labelloc=t;"]
    ids = {name: f"n{i}" for i, name in enumerate(nodes)}
    for i, ns in enumerate(sorted({namespace_of(n) for n in nodes})):
        lines.append(f"  subgraph cluster_{i} {{")
        lines.append(f"    label={_quote('namespace ' + ns)}; style=dashed; color=\"#888888\";")
        for name in nodes:
            if namespace_of(name) != ns:
                continue
            label = name.split("/", 1)[1]
            fill = "#f5f5f5"
            if name in open_ports:
                label += "\\nopen: " + ", ".join(sorted(open_ports[name], key=lambda p: int(p.split("/")[0])))
                fill = "#fff4d6"
            lines.append(f"    {ids[name]} [label={_quote(label)}, fillcolor=\"{fill}\"];")
        lines.append("  }")
    for (source, destination), pair in sorted(fold_pairs(verdicts).items()):
        ports = [p for p in pair.allowed if p not in open_ports.get(destination, [])]
        if ports and source != destination:
            lines.append(f"  {ids[source]} -> {ids[destination]} [color=\"#2e7d32\", label={_quote(', '.join(ports))}];")
    seen: set[tuple] = set()
    for verdict, via in expected:
        if verdict.allowed:
            continue
        key = (verdict.source, verdict.destination, verdict.port, verdict.protocol)
        if key in seen:
            continue
        seen.add(key)
        label = f"{verdict.port}/{verdict.protocol} denied ({via})"
        lines.append(f"  {ids[verdict.source]} -> {ids[verdict.destination]} [color=\"#c62828\", style=dashed, "
                     f"fontcolor=\"#c62828\", label={_quote(label)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
