"""The reachability matrix: may pods of workload A open a connection to port P of workload B?

Semantics follow the Kubernetes NetworkPolicy docs (see ``manifest-anchors.md`` section 9):

* a pod is isolated for a direction only when some policy of its namespace selects it and has
  that direction in its effective policyTypes (omitted: Ingress, plus Egress if egress rules
  exist); non-isolated directions allow everything;
* policies are additive: any rule of any selecting policy may allow;
* a connection needs the source's egress AND the destination's ingress;
* ``from``/``to`` absent or empty admits every peer, ``ports`` absent or empty every port;
  ``ingress: []`` (or none) with Ingress isolation admits nothing;
* peers: podSelector alone = the policy's namespace; namespaceSelector alone = all pods of
  matching namespaces; both in one element = AND; separate elements = OR;
* ports: protocol defaults to TCP, ``endPort`` is an inclusive range, a named port resolves
  against the destination pod's container ports (name and protocol);
* ipBlock peers are treated as never matching pod IPs (implementation-defined), and a verdict
  says so when an ipBlock was the only thing that could have allowed it.

Which policies select each workload and which workloads each rule's peers admit are computed
once, so the matrix is O(pairs x selecting rules) set lookups.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .checkpoints import EVERY, NONE, Checkpoint
from .model import Bundle, NetworkPolicy, ObjectRef, PolicyRule, Workload
from .selection import (
    CONTROLLER_KEYS, STS_POD_INDEX, STS_POD_NAME, peer_matches, peer_workloads, policy_selects, policy_workloads,
    rule_ports_match,
)

__all__ = ["Verdict", "ReachMatrix", "reach", "MAX_PER_POD_REPLICAS"]

MAX_PER_POD_REPLICAS = 100
"""A StatefulSet is split into per-pod rows only up to this many replicas (beyond, the workload
keeps one row and policies selecting single pods are judged as if they selected all of them)."""


class Verdict(NamedTuple):
    """One (source, destination, port/protocol) verdict. A named tuple, not a frozen dataclass: a big
    bundle has ~10^5 of them and a tuple is made ~5x faster (immutable and hashable alike)."""

    source: str
    destination: str
    port: int
    protocol: str
    allowed: bool
    reason: str

    def to_dict(self) -> dict:
        return {"from": self.source, "to": self.destination, "port": self.port,
                "protocol": self.protocol, "allowed": self.allowed, "reason": self.reason}


@dataclass
class _Rule:
    policy: NetworkPolicy
    rule: PolicyRule
    peers: frozenset[int] | None
    """Indices of workloads the rule's peers admit; ``None``: every peer."""
    has_ip_block: bool
    text: str = ""
    """``NetworkPolicy <key> (<rule>)``: built once, not once per verdict (200x100 has ~10^5)."""
    named_ports: bool = False
    """Some port of the rule is a name (resolved per destination)."""


def _pod_selectors(bundle: Bundle) -> list:
    """Every pod selector of every policy (the policies' own and their peers')."""
    selectors = [p.pod_selector for p in bundle.policies]
    for policy in bundle.policies:
        for rule in (*policy.ingress, *policy.egress):
            selectors.extend(peer.pod_selector for peer in rule.peers or [] if peer.pod_selector is not None)
    return selectors


def _split_statefulsets(bundle: Bundle) -> list[tuple[Workload, Workload]]:
    """The units of the matrix as (unit, the bundle workload it stands for): workloads, with a
    StatefulSet split into its pods when some policy selects only some of them
    (``statefulset.kubernetes.io/pod-name: db-0``)."""
    selectors = [s for s in _pod_selectors(bundle) if any(r.key in CONTROLLER_KEYS for r in s.requirements)]
    if not selectors:
        return [(w, w) for w in bundle.workloads]
    units: list[tuple[Workload, Workload]] = []
    taken = {w.key for w in bundle.workloads}
    for workload in bundle.workloads:
        if workload.controller == "StatefulSet" and 1 < workload.replicas <= MAX_PER_POD_REPLICAS:
            pods = []
            for ordinal in range(workload.replicas):
                labels = dict(workload.labels)
                labels[STS_POD_NAME] = f"{workload.name}-{ordinal}"
                labels[STS_POD_INDEX] = str(ordinal)
                pods.append(labels)
            if any(0 < sum(1 for labels in pods if s.matches(labels)) < len(pods) for s in selectors):
                for ordinal, labels in enumerate(pods):
                    ref = ObjectRef("Pod", workload.namespace, f"{workload.name}-{ordinal}", workload.ref.line,
                                    workload.ref.api_version, workload.ref.document, {})
                    unit = Workload(ref=ref, labels=labels, containers=workload.containers,
                                    host_network=workload.host_network, controller="Pod",
                                    origin=f"pod {ordinal} of StatefulSet {workload.key}")
                    if unit.key in taken:  # a bare Pod of the same name: qualify the StatefulSet's pod
                        unit.alias = f"StatefulSet/{workload.name}/{ordinal}"
                    units.append((unit, workload))
                continue
        units.append((workload, workload))
    return units


class ReachMatrix:
    """Reachability between the bundle's workloads (per pod for partially selected StatefulSets)."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        pairs = sorted(_split_statefulsets(bundle), key=lambda pair: (pair[0].key, pair[0].kind))
        self.workloads = [unit for unit, _ in pairs]
        self._index = {id(w): i for i, w in enumerate(self.workloads)}
        self._units: dict[int, list[int]] = {}
        for i, (_, owner) in enumerate(pairs):
            self._units.setdefault(id(owner), []).append(i)
        self._cache: dict = {}
        self._port_admits: dict[tuple, bool] = {}
        self._verdicts: list[Verdict] | None = None
        self.notes = [f"{owner.label} is shown per pod ({self.workloads[ids[0]].key} ... "
                      f"{self.workloads[ids[-1]].key}): a NetworkPolicy selects only some of its pods"
                      for owner in bundle.workloads for ids in [self._units.get(id(owner), [])]
                      if len(ids) > 1]
        self.ingress: list[list[NetworkPolicy]] = []
        self.egress: list[list[NetworkPolicy]] = []
        self.ingress_rules: list[list[_Rule]] = []
        self.egress_rules: list[list[_Rule]] = []
        compiled: dict[int, _Rule] = {}
        unsplit = all(unit is owner for unit, owner in pairs)

        def compile_rule(policy: NetworkPolicy, rule: PolicyRule) -> _Rule:
            key = id(rule)
            if key not in compiled:
                if rule.peers is None:
                    peers = None
                elif unsplit:  # the units are the bundle's workloads: the bundle's answers apply
                    peers = frozenset(self._index[id(w)] for p in rule.peers for w in peer_workloads(bundle, policy, p))
                else:
                    peers = frozenset(i for i, w in enumerate(self.workloads)
                                      if any(peer_matches(bundle, policy, p, w) for p in rule.peers))
                compiled[key] = _Rule(policy, rule, peers,
                                      rule.peers is not None and any(p.ip_block is not None for p in rule.peers),
                                      f"NetworkPolicy {policy.key} ({rule.describe()})",
                                      any(isinstance(p.port, str) for p in rule.ports or ()))
            return compiled[key]

        by_namespace: dict[str, list[NetworkPolicy]] = {}
        for policy in sorted(bundle.policies, key=lambda p: (p.ref.namespace, p.ref.name)):
            by_namespace.setdefault(policy.ref.namespace, []).append(policy)
        if unsplit:
            selects = {id(p): {id(w) for w in policy_workloads(bundle, p)} for p in bundle.policies}
        for workload in self.workloads:
            if unsplit:
                selecting = [p for p in by_namespace.get(workload.namespace, []) if id(workload) in selects[id(p)]]
            else:
                selecting = [p for p in by_namespace.get(workload.namespace, []) if policy_selects(p, workload)]
            ingress = [p for p in selecting if "Ingress" in p.policy_types]
            egress = [p for p in selecting if "Egress" in p.policy_types]
            self.ingress.append(ingress)
            self.egress.append(egress)
            self.ingress_rules.append([compile_rule(p, r) for p in ingress for r in p.ingress])
            self.egress_rules.append([compile_rule(p, r) for p in egress for r in p.egress])
        # the isolating policies' names, joined once per workload rather than once per denied verdict
        self.ingress_names = [", ".join(p.key for p in ps) for ps in self.ingress]
        self.egress_names = [", ".join(p.key for p in ps) for ps in self.egress]
        groups: dict[tuple[int, ...], int] = {}
        self.ingress_group = [groups.setdefault(tuple(id(r) for r in rs), len(groups)) for rs in self.ingress_rules]
        self.egress_group = [groups.setdefault(tuple(id(r) for r in rs), len(groups)) for rs in self.egress_rules]

    def _direction(self, rules: list[_Rule], group: tuple, names: str, peer: int, d: int, destination: Workload,
                   port: int, protocol: str, cache: dict) -> tuple[bool, str, bool]:
        """(allowed, deciding rule text, an ipBlock rule matched the port).

        The rules whose ports admit ``port`` depend only on the rule list (``group``: workloads
        selected by the same policies share it) and the destination port, so they are filtered once
        per (group, destination, port) and each verdict only scans the survivors' peer sets.
        """
        key = (group, d, port, protocol)
        entry = cache.get(key)
        if entry is None:
            matching = [r for r in rules if rule_ports_match(r.rule.ports, port, protocol, destination) is not False]
            entry = cache[key] = (matching, any(r.has_ip_block for r in matching))
        for compiled in entry[0]:
            if compiled.peers is None or peer in compiled.peers:
                return True, compiled.text, False
        return False, names, entry[1]

    def units(self, workload: Workload) -> list[Workload]:
        """The matrix rows standing for a bundle workload (its pods, if it was split)."""
        return [self.workloads[i] for i in self._units.get(id(workload), [])]

    def verdict_between(self, source: Workload, destination: Workload, port: int, protocol: str) -> Verdict:
        """One verdict between two matrix units, for any port (declared or not)."""
        s, d = self._index[id(source)], self._index[id(destination)]
        if not self.egress[s] and not self.ingress[d]:
            return Verdict(source.key, destination.key, port, protocol, True,
                           f"allowed: no NetworkPolicy isolates {destination.key} (ingress) or {source.key} (egress)")
        return self._verdict(s, source.key, d, destination.key, destination, port, protocol, self._cache)

    def verdicts(self, checkpoint: Checkpoint = NONE) -> list[Verdict]:
        """Every verdict, source-major over units sorted by key (computed once).

        ``checkpoint("reach", pairs done, pairs)`` runs before the first pair, every ``EVERY`` pairs
        and after the last; a cancelled computation keeps nothing (the next call starts over)."""
        if self._verdicts is None:
            self._verdicts = self._all_verdicts(checkpoint)
        return self._verdicts

    def _all_verdicts(self, checkpoint: Checkpoint) -> list[Verdict]:
        """The matrix, source-major. What does not depend on the source is worked out once: per
        destination, its ports and the ingress rules admitting each; per (egress rule list,
        destination), the egress outcome of each port. A verdict then costs a scan of the few
        surviving ingress rules' peer sets and its reason text."""
        result: list[Verdict] = []
        append = result.append
        new = tuple.__new__  # Verdict(...) without the named tuple's Python-level __new__: ~10^5 of them
        workloads = self.workloads
        n = len(workloads)
        keys = [w.key for w in workloads]
        ports = [sorted({(p.number, p.protocol) for p in w.ports if isinstance(p.number, int)}) for w in workloads]
        # per destination: (port, protocol, "port/protocol", ingress rules admitting the port, an ipBlock among them)
        # per destination port: which sources its ingress rules admit, as {source: first admitting rule's
        # text} plus the text for every other source (a rule without peers) or None; destinations
        # selected by the same policies share it
        targets = []
        admitted: dict[tuple[int, ...], tuple[dict[int, str], str | None]] = {}
        for d, dst in enumerate(workloads):
            rows = []
            for port, protocol in ports[d]:
                matching = [r for r in self.ingress_rules[d]
                            if rule_ports_match(r.rule.ports, port, protocol, dst) is not False]
                key = tuple(id(r) for r in matching)
                admit = admitted.get(key)
                if admit is None:
                    first: dict[int, str] = {}
                    others = None
                    for r in matching:  # in order: the first rule that admits a source decides its text
                        if r.peers is None:
                            others = r.text
                            break
                        for source in r.peers:
                            first.setdefault(source, r.text)
                    admit = admitted[key] = (first, others)
                rows.append((port, protocol, f" on {port}/{protocol}", admit[0], admit[1],
                             any(r.has_ip_block for r in matching)))
            targets.append(rows)
        ingress_denied = [f"{keys[d]} is ingress-isolated by NetworkPolicy {self.ingress_names[d]} and no ingress rule "
                          "allows " for d in range(n)]
        egress_outcomes: dict[tuple[int, int], list[tuple[bool, str | None, bool]]] = {}
        allowed_both: dict[tuple[str, str], str] = {}
        checkpoint("reach", 0, n * n)
        for s in range(n):
            source = keys[s]
            egress_isolated = bool(self.egress[s])
            egress_group = self.egress_group[s]
            egress_denied = (f"denied: {source} is egress-isolated by NetworkPolicy {self.egress_names[s]} "
                             "and no egress rule allows ")
            for d in range(n):
                if checkpoint.active and d % EVERY == 0 and (s or d):
                    checkpoint("reach", s * n + d, n * n)
                rows = targets[d]
                if not rows:
                    continue
                destination = keys[d]
                ingress_isolated = bool(self.ingress[d])
                if not egress_isolated and not ingress_isolated:
                    reason = f"allowed: no NetworkPolicy isolates {destination} (ingress) or {source} (egress)"
                    for port, protocol, _, _, _, _ in rows:
                        append(new(Verdict, (source, destination, port, protocol, True, reason)))
                    continue
                if egress_isolated:
                    outcomes = egress_outcomes.get((egress_group, d))
                    if outcomes is None:
                        outcomes = egress_outcomes[(egress_group, d)] = self._egress_outcomes(s, d)
                for k, (port, protocol, target, admit, admit_others, ingress_ip) in enumerate(rows):
                    if egress_isolated:
                        egress_ok, egress_why, egress_ip = outcomes[k]
                    else:
                        egress_ok, egress_why, egress_ip = True, None, False
                    ingress_why = None
                    if ingress_isolated:
                        ingress_why = admit.get(s, admit_others)
                        ingress_ok = ingress_why is not None
                    else:
                        ingress_ok = True
                    if egress_ok and ingress_ok:
                        if ingress_isolated and egress_isolated:  # no names in it: one string per rule pair
                            reason = allowed_both.get((ingress_why, egress_why))
                            if reason is None:
                                reason = allowed_both[(ingress_why, egress_why)] = (
                                    f"allowed: ingress allowed by {ingress_why}; egress allowed by {egress_why}")
                        elif ingress_isolated:
                            reason = f"allowed: ingress allowed by {ingress_why}; {source} is not egress-isolated"
                        else:
                            reason = f"allowed: egress allowed by {egress_why}; {destination} is not ingress-isolated"
                        append(new(Verdict, (source, destination, port, protocol, True, reason)))
                        continue
                    # the denied reason, from parts made once per source and per destination
                    if not egress_ok:
                        reason = egress_denied + destination + target
                        if not ingress_ok:
                            reason += "; " + ingress_denied[d] + source + target
                    else:
                        reason = "denied: " + ingress_denied[d] + source + target
                    if (not egress_ok and egress_ip) or (not ingress_ok and ingress_ip):
                        reason += " (ipBlock peers are treated as not matching pod IPs)"
                    if s == d:
                        reason += " (this is traffic between pods of the same workload; a pod can always reach itself)"
                    append(new(Verdict, (source, destination, port, protocol, False, reason)))
        checkpoint("reach", n * n, n * n)
        return self._note_host_network(result)

    def _egress_outcomes(self, s: int, d: int) -> list[tuple[bool, str | None, bool]]:
        """Per port of destination ``d``: (allowed by an egress rule of ``s``, that rule's text or
        None, an ipBlock rule admits the port). Shared by every source with the same egress rules."""
        dst = self.workloads[d]
        outcomes = []
        admits = self._port_admits
        for port, protocol in sorted({(p.number, p.protocol) for p in dst.ports if isinstance(p.number, int)}):
            matching = []
            for r in self.egress_rules[s]:
                # whether a rule's ports admit a port depends on the destination only through named ports
                key = (id(r), port, protocol, d if r.named_ports else -1)
                ok = admits.get(key)
                if ok is None:
                    ok = admits[key] = rule_ports_match(r.rule.ports, port, protocol, dst) is not False
                if ok:
                    matching.append(r)
            why = next((r.text for r in matching if r.peers is None or d in r.peers), None)
            outcomes.append((why is not None, why, why is None and any(r.has_ip_block for r in matching)))
        return outcomes

    def _note_host_network(self, verdicts: list[Verdict]) -> list[Verdict]:
        """NetworkPolicy behaviour for hostNetwork pods is implementation-defined: say so."""
        host = {w.key for w in self.workloads if w.host_network}
        if not host:
            return verdicts
        note = " (hostNetwork pod involved: most network plugins do not apply NetworkPolicy to it)"
        return [Verdict(v.source, v.destination, v.port, v.protocol, v.allowed, v.reason + note)
                if v.source in host or v.destination in host else v for v in verdicts]

    def _verdict(self, s: int, source: str, d: int, destination: str, dst: Workload, port: int,
                 protocol: str, cache: dict) -> Verdict:
        target = f"{port}/{protocol}"
        if self.egress[s]:
            egress_ok, egress_why, egress_ip = self._direction(
                self.egress_rules[s], ("e", self.egress_group[s]), self.egress_names[s], d, d, dst, port, protocol, cache)
        else:
            egress_ok, egress_why, egress_ip = True, "", False
        if self.ingress[d]:
            ingress_ok, ingress_why, ingress_ip = self._direction(
                self.ingress_rules[d], ("i", self.ingress_group[d]), self.ingress_names[d], s, d, dst, port, protocol,
                cache)
        else:
            ingress_ok, ingress_why, ingress_ip = True, "", False

        if egress_ok and ingress_ok:
            parts = []
            if self.ingress[d]:
                parts.append(f"ingress allowed by {ingress_why}")
            if self.egress[s]:
                parts.append(f"egress allowed by {egress_why}")
            if not self.ingress[d]:
                parts.append(f"{destination} is not ingress-isolated")
            if not self.egress[s]:
                parts.append(f"{source} is not egress-isolated")
            return Verdict(source, destination, port, protocol, True, "allowed: " + "; ".join(parts))

        parts = []
        if not egress_ok:
            parts.append(f"{source} is egress-isolated by NetworkPolicy {egress_why} and no egress rule "
                         f"allows {destination} on {target}")
        if not ingress_ok:
            parts.append(f"{destination} is ingress-isolated by NetworkPolicy {ingress_why} and no ingress rule "
                         f"allows {source} on {target}")
        reason = "denied: " + "; ".join(parts)
        if (not egress_ok and egress_ip) or (not ingress_ok and ingress_ip):
            reason += " (ipBlock peers are treated as not matching pod IPs)"
        if s == d:
            reason += " (this is traffic between pods of the same workload; a pod can always reach itself)"
        return Verdict(source, destination, port, protocol, False, reason)


def reach(bundle: Bundle) -> list[Verdict]:
    """Every (source workload, destination workload, declared port/protocol) verdict, sorted."""
    return ReachMatrix(bundle).verdicts()
