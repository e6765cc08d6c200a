"""Recognise questions about Kubernetes areas podtalk does not cover (``kb/scope.yaml``).

Retrieval always returns *some* entry; for "how do I resize a PVC" the nearest networking entry
would be a confident-looking wrong answer. A question that names an uncovered area and no
networking term podtalk knows is declined, with the area named so the user knows where to look.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.knowledge.yaml_cache import read_yaml

from assistant.retrieval.terms import TermMatcher
from assistant.retrieval.text import has_cjk


@dataclass(frozen=True)
class Area:
    id: str
    name: dict[str, str]
    doc: str
    en: tuple[str, ...]
    zh: tuple[str, ...]


def _compile(terms: list[str]) -> TermMatcher | None:
    return TermMatcher(terms) if terms else None


class ScopeGuard:
    """Decides whether a question is about an uncovered area."""

    def __init__(self, areas: list[Area], networking_en: set[str], networking_zh: set[str]) -> None:
        self.areas = areas
        self._area_en = [(a, _compile(list(a.en))) for a in areas]
        self._net_en = _compile(sorted(w for w in networking_en if len(w) > 2))
        self._net_zh = sorted((w for w in networking_zh if len(w) > 1), key=len, reverse=True)

    @classmethod
    def from_kb(cls, kb: Any, path: Path | None = None) -> "ScopeGuard":
        path = path or (Path(kb.root) / "scope.yaml" if kb.root else None)
        areas: list[Area] = []
        if path and path.exists():
            data = read_yaml(path) or {}
            for a in data.get("areas", []):
                areas.append(Area(a["id"], a["name"], a.get("doc", ""), tuple(a["terms"].get("en", [])),
                                  tuple(a["terms"].get("zh", []))))
        net_en: set[str] = set()
        net_zh: set[str] = set()
        for e in kb.entries:
            for kw in e.data["keywords"]["en"]:
                net_en.add(kw.lower())
            for kw in e.data["keywords"]["zh"]:
                (net_zh if has_cjk(kw) else net_en).add(kw.lower())
        for item in kb.glossary:
            net_en.add(str(item["en"]).lower())
            net_zh.update(z.lower() for z in item["zh"])
        # words that every question may contain are not evidence of a networking question
        generic = {"pod", "pods", "container", "containers", "kubernetes", "k8s", "cluster", "node", "nodes",
                   "deployment", "namespace", "kubectl", "yaml", "label", "labels"}
        net_en -= generic
        area_terms = {t.lower() for a in areas for t in a.en + a.zh}
        net_en -= area_terms
        net_zh -= area_terms
        net_zh -= {"容器", "集群", "节点", "命名空间", "标签", "部署"}
        return cls(areas, net_en, net_zh)

    def networking_terms(self, question: str) -> bool:
        q = question.lower()
        if self._net_en is not None and self._net_en.search(q):
            return True
        return any(w in q for w in self._net_zh)

    def uncovered_area(self, question: str) -> Area | None:
        """The uncovered area the question is about, or None (in scope, or unknown)."""
        q = question.lower()
        hit = None
        for area, pattern in self._area_en:
            if (pattern is not None and pattern.search(q)) or any(t.lower() in q for t in area.zh):
                hit = area
                break
        if hit is None or self.networking_terms(question):
            return None
        return hit
