"""Imports flow one way (docs: ../shared/DESIGN.md, "Imports flow one way"): shells (cli, tui, tour,
evaluation) -> engine -> answering / diagnosis -> retrieval -> knowledge, with inspection beside them and
the shared domain rules (naming, terminal safety, errors, paths) at the bottom. This test reads every
module's imports from its AST (module level, inside functions and under TYPE_CHECKING alike) and fails
on any import of a higher layer, and on any import cycle between packages or modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "assistant"

LAYERS: dict[str, int] = {
    # the bottom: shared domain rules, no podtalk imports of their own
    "assistant": 0, "assistant.naming": 0, "assistant.terminal_safety": 0, "assistant.errors": 0,
    "assistant.paths": 0, "assistant.atomic": 0, "assistant.progress_bar": 0, "assistant.languages": 0,
    "assistant.knowledge": 1,
    "assistant.retrieval": 2,
    "assistant.inspection": 2,  # beside retrieval: it needs the bottom (and KB rule metadata), nothing above
    "assistant.answering": 3, "assistant.diagnosis": 3,
    "assistant.engine": 4,
    "assistant.cli": 5, "assistant.__main__": 5, "assistant.tui": 5, "assistant.tour": 5, "assistant.evaluation": 5,
}
"""Layer of each package or top-level module: a module may import its own package and lower layers only
(shells of layer 5 may also use one another, without cycles)."""

SIDEWAYS = {("assistant.inspection", "assistant.retrieval"), ("assistant.retrieval", "assistant.inspection")}
"""Packages on the same layer that must not know each other."""

KNOWN_CYCLES: set[tuple[str, str]] = set()
"""Cycles tolerated for now: none (the tour and tui cycles were broken on their branches)."""


def _module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _unit(module: str) -> str:
    """The layer unit of a module: its top-level package under ``assistant`` (or the module itself)."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else parts[0]


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("assistant"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_pkg else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.startswith("assistant"):
                out.add(name)
                # "from assistant.answering import compose" imports a submodule
                out.update(f"{name}.{a.name}" for a in node.names if (REPO / Path(*f"{name}.{a.name}".split("."))).is_dir()
                           or (REPO / Path(*f"{name}.{a.name}".split("."))).with_suffix(".py").exists())
    return out


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p, _module_name(p)) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_package_has_a_layer():
    missing = sorted({_unit(m) for m in _graph()} - set(LAYERS))
    assert not missing, f"give these a layer in LAYERS: {missing}"


def test_no_upward_or_sideways_import():
    bad = []
    for module, imported in _graph().items():
        own = _unit(module)
        for target in imported:
            unit = _unit(target)
            if unit == own or unit not in LAYERS:
                continue
            if LAYERS[unit] > LAYERS[own] or (LAYERS[unit] == LAYERS[own] and LAYERS[own] < 5) \
                    or (own, unit) in SIDEWAYS:
                bad.append(f"{module} imports {target} (layer {LAYERS[own]} -> {LAYERS[unit]})")
    assert not bad, "\n".join(sorted(bad))


def _cycles(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """Pairs of modules on one import cycle (each pair once, sorted)."""
    nodes = set(graph)
    edges = {m: {t for t in ts if t in nodes and t != m} for m, ts in graph.items()}
    pairs: set[tuple[str, str]] = set()
    for start in nodes:
        seen, stack = {start}, [start]
        while stack:
            for nxt in edges[stack.pop()]:
                if nxt == start:
                    continue
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        for other in seen - {start}:
            # other is reachable from start; a cycle when start is reachable from other too
            back, todo = {other}, [other]
            while todo:
                for nxt in edges[todo.pop()]:
                    if nxt not in back:
                        back.add(nxt)
                        todo.append(nxt)
            if start in back:
                pairs.add(tuple(sorted((start, other))))  # type: ignore[arg-type]
    return pairs


def test_no_import_cycles_between_modules():
    graph = _graph()
    # a module reaching into its own package's __init__ (a registry, a re-export) is not a cycle of design
    graph = {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in graph.items()}
    unexpected = sorted(_cycles(graph) - KNOWN_CYCLES)
    assert not unexpected, "\n".join(f"{a} <-> {b}" for a, b in unexpected)


def test_the_test_sees_an_upward_import(tmp_path):
    """The checker itself: an upward import written into a retrieval module is reported."""
    fake = PACKAGE / "retrieval" / "retriever.py"
    imported = _imports(fake, "assistant.retrieval.retriever")
    assert not any(t.startswith(("assistant.answering", "assistant.engine")) for t in imported)
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from assistant.answering.intents import detect_intent\n", encoding="utf-8")
    assert "assistant.answering.intents" in _imports(probe, "assistant.retrieval.probe")
