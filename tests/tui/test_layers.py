"""The chat's modules import in one direction: the app on top; controller, store, commands, render,
i18n and bundle answers below it, never importing the app or each other in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

TUI = Path(__file__).resolve().parents[2] / "assistant" / "tui"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant.tui"):
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("assistant.tui"))
    return out


def _module(path: Path) -> str:
    rel = path.relative_to(TUI.parent.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_no_import_cycle_in_the_chat_and_nothing_imports_the_app():
    graph = {_module(p): _imports(p) for p in TUI.rglob("*.py")}
    for module, deps in graph.items():
        assert "assistant.tui.app" not in deps or module == "assistant.tui.app", module

    def visit(node: str, stack: list[str]) -> None:
        assert node not in stack, " -> ".join(stack + [node])
        for dep in graph.get(node, ()):
            visit(dep, stack + [node])

    for module in graph:
        visit(module, [])


def test_the_core_of_the_chat_is_textual_free():
    for name in ("controller", "store", "commands", "render", "i18n", "bundle_qa"):
        source = (TUI / f"{name}.py").read_text(encoding="utf-8")
        assert "textual" not in {n.split(".")[0] for n in _all_imports(source)}, name


def _all_imports(source: str) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out
