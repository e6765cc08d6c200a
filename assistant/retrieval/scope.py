"""Recognise questions about Kubernetes areas podtalk does not cover (``kb/scope.yaml``).

Retrieval always returns *some* entry; for "how do I resize a PVC" the nearest networking entry
would be a confident-looking wrong answer. A question that names an uncovered area and no
networking term podtalk knows is declined, with the area named and its official doc linked so the
user knows where to look. An area's ``strong`` signatures (``CrashLoopBackOff``, ``is forbidden:
User``, ``Insufficient cpu``) decline even next to networking words, unless the question also carries
networking evidence (a pasted ``connection refused``, ``no such host``...). Networking evidence also
keeps a question the retriever is unsure about from being declined: a tool word or an IP never
causes a decline by itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.knowledge import regex_cache
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
    strong: tuple[re.Pattern[str], ...] = ()
    outside_kubernetes: bool = False
    """Declines only a question that names nothing of Kubernetes; ``strong`` then names the setting."""
    hint: dict[str, str] | None = None
    """Said instead of "the official documentation for it is linked below" (the link is not its docs)."""
    decisive: tuple[re.Pattern[str], ...] = ()
    """Signatures that keep the decline even when the diagnosis reads a networking signature too."""


def _compile(terms: list[str]) -> TermMatcher | None:
    return TermMatcher(terms) if terms else None


_UNKNOWN = object()


class ScopeGuard:
    """Decides whether a question is about an uncovered area."""

    def __init__(self, areas: list[Area], networking_en: set[str], networking_zh: set[str],
                 evidence: tuple[re.Pattern[str], ...] = (),
                 kubernetes_words: tuple[re.Pattern[str], ...] = ()) -> None:
        self.areas = [a for a in areas if not a.outside_kubernetes]
        self.outside = [a for a in areas if a.outside_kubernetes]
        self._by_id = {a.id: a for a in areas}
        self.evidence = evidence
        self.kubernetes_words = kubernetes_words
        self._area_en = [(a, _compile(list(a.en))) for a in self.areas]
        self._net_en = _compile(sorted(w for w in networking_en if len(w) > 2))
        self._net_zh = sorted((w for w in networking_zh if len(w) > 1), key=len, reverse=True)
        self._verdicts: dict[str, Area | None] = {}  # an answer asks about its question twice

    @classmethod
    def from_kb(cls, kb: Any, path: Path | None = None) -> "ScopeGuard":
        path = path or (Path(kb.root) / "scope.yaml" if kb.root else None)
        areas: list[Area] = []
        evidence: tuple[re.Pattern[str], ...] = ()
        kubernetes_words: tuple[re.Pattern[str], ...] = ()
        if path and path.exists():
            data = read_yaml(path) or {}
            for a in data.get("areas", []):
                areas.append(Area(a["id"], a["name"], a.get("doc", ""), tuple(a["terms"].get("en", [])),
                                  tuple(a["terms"].get("zh", [])),
                                  tuple(regex_cache.compile(p, re.I) for p in a.get("strong", [])),
                                  bool(a.get("outside_kubernetes")), a.get("hint"),
                                  tuple(regex_cache.compile(p, re.I) for p in a.get("decisive", []))))
            evidence = tuple(regex_cache.compile(p, re.I) for p in data.get("networking_evidence", []))
            kubernetes_words = tuple(regex_cache.compile(p, re.I) for p in data.get("kubernetes_words", []))
        net_en: set[str] = set()
        net_zh: set[str] = set()
        for e in kb.entries:
            for kw in e.keywords("en"):
                net_en.add(kw.lower())
            for kw in e.keywords("zh"):
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
        return cls(areas, net_en, net_zh, evidence, kubernetes_words)

    def networking_terms(self, question: str) -> bool:
        q = question.lower()
        if self._net_en is not None and self._net_en.search(q):
            return True
        return any(w in q for w in self._net_zh)

    def networking_evidence(self, question: str) -> bool:
        """Whether the question carries a networking signature (a pasted network error, a Service
        environment variable, a CNI or DNS error): in scope even when retrieval is unsure."""
        return any(p.search(question) for p in self.evidence)

    def uncovered_area(self, question: str) -> Area | None:
        """The uncovered area the question is about, or None (in scope, or unknown); remembered for the
        last few hundred questions (the pipeline and the retriever both ask)."""
        verdict = self._verdicts.get(question, _UNKNOWN)
        if verdict is _UNKNOWN:
            if len(self._verdicts) > 512:
                self._verdicts.clear()
            verdict = self._verdicts[question] = self._uncovered_area(question)
        return verdict  # type: ignore[return-value]

    def decline_is_final(self, area_id: str | None, question: str) -> bool:
        """Whether a decline for ``area_id`` stands against the diagnosis: always for networking outside
        Kubernetes, and for an area whose decisive signature is in the question."""
        area = self._by_id.get(area_id or "")
        return area is not None and (area.outside_kubernetes or any(p.search(question) for p in area.decisive))

    def names_kubernetes(self, question: str) -> bool:
        """Whether the question names anything of Kubernetes (a pod, a Service, kubectl, a CNI...)."""
        return any(p.search(question) for p in self.kubernetes_words)

    def _uncovered_area(self, question: str) -> Area | None:
        q = question.lower()
        for area in self.outside:
            # a browser, a home router, a DNS server program, and nothing of Kubernetes: podtalk's DNS and
            # connection answers (kube-proxy, CoreDNS, a node's conntrack) would be confidently wrong there
            if any(p.search(question) for p in area.strong) and not self.names_kubernetes(question):
                return area
        if not self.networking_evidence(question):
            for area in self.areas:
                if any(p.search(question) for p in area.strong):
                    return area
        hit = None
        for area, pattern in self._area_en:
            if (pattern is not None and pattern.search(q)) or any(t.lower() in q for t in area.zh):
                hit = area
                break
        if hit is None or self.networking_terms(question):
            return None
        return hit
