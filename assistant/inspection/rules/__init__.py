"""The rule registry: each rule is a small function registered under its contract id.

A rule function reads a :class:`Context` and yields :class:`Hit` (object, line, message);
:func:`run_rules` turns hits into :class:`~assistant.inspection.findings.Finding` by adding the
severity, hint and doc link from ``kb/rules.yaml``. Adding a rule touches one function here and
one entry there, never a central list. Findings come out sorted (line, rule, object, message)
so that output is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from ..reach import ReachMatrix

from ..catalog import load_catalog
from ..checkpoints import NONE, Checkpoint
from ..findings import Finding
from ..model import Bundle
from ..parse import Problem

__all__ = ["Context", "Hit", "rule", "registered", "run_rules"]


class Hit(NamedTuple):
    object: str
    line: int
    message: str
    severity: str | None = None
    """Lower than the rule's catalogued severity when the evidence is weaker (contract: "severity
    may be lowered"); ``None`` keeps the catalogue's."""


@dataclass
class Context:
    bundle: Bundle
    problems: list[Problem] = field(default_factory=list)
    cluster_domain: str = "cluster.local"
    _reach: Any = field(default=None, repr=False)
    _dependencies: Any = field(default=None, repr=False)

    @property
    def dependencies(self) -> list:
        """The Services each workload names (env, args, ConfigMaps), found once per inspection."""
        if self._dependencies is None:
            from ..dependencies import find_dependencies

            self._dependencies = find_dependencies(self.bundle, self.cluster_domain)
        return self._dependencies

    @property
    def reach(self) -> "ReachMatrix":
        """The bundle's reachability, built once and shared by rules and the report."""
        if self._reach is None:
            from ..reach import ReachMatrix

            self._reach = ReachMatrix(self.bundle)
        return self._reach


RuleFunction = Callable[[Context], Iterable[Hit]]
_REGISTRY: dict[str, RuleFunction] = {}


def rule(rule_id: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register ``function`` as the implementation of ``rule_id``."""
    def register(function: RuleFunction) -> RuleFunction:
        if rule_id in _REGISTRY:
            raise ValueError(f"rule {rule_id} registered twice")
        _REGISTRY[rule_id] = function
        return function
    return register


def registered() -> dict[str, RuleFunction]:
    _load_rule_modules()
    return dict(_REGISTRY)


def _load_rule_modules() -> None:
    from . import (  # noqa: F401
        dependencies, documents, ingress, names, namespaces, networkpolicy, pods, services, workloads,
    )


def run_rules(context: Context, checkpoint: Checkpoint = NONE) -> list[Finding]:
    """Every rule's findings, sorted; ``checkpoint("rules", done, total)`` runs before each rule and after the last."""
    catalog = load_catalog()
    findings: set[Finding] = set()
    rules = registered()
    for done, (rule_id, function) in enumerate(rules.items()):
        checkpoint("rules", done, len(rules))
        info = catalog[rule_id]
        for hit in function(context):
            findings.add(Finding(rule_id, hit.severity or info.severity, hit.object, max(int(hit.line), 1),
                                 hit.message, info.text("hint"), info.doc))
    checkpoint("rules", len(rules), len(rules))
    return sorted(findings, key=lambda f: (f.line, f.rule, f.object, f.message))
