"""NetworkPolicy rules: selectors that select nothing, the OR/AND peer trap, ignored rules,
named ports that resolve nowhere, DNS blocked by egress isolation, and non-isolated pods."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Bundle, NetworkPolicy, PolicyRule, Workload
from ..selectors import Selector
from ..operators import may_create_pods
from ..selection import (
    CONTROLLER_KEYS, peer_namespace_scope, peer_workloads, policy_port_matches, policy_selects, policy_workloads,
    selected_workloads,
)
from . import Context, Hit, rule


def _selected(context: Context, policy: NetworkPolicy) -> list[Workload]:
    return policy_workloads(context.bundle, policy)


def pod_creating_resources(bundle: Bundle, namespaces: list[str]) -> list[str]:
    """Custom resources of these namespaces that an operator may turn into pods (``Kind/ns/name``)."""
    wanted = set(namespaces)
    return [ref.id for ref in bundle.custom_resources if ref.namespace in wanted and may_create_pods(ref.kind)]


def unknown_pods_note(bundle: Bundle, namespaces: list[str], selector: Selector | None = None) -> tuple[str, str | None]:
    """(message suffix, lowered severity) when the pods a selector wants may simply not be in the bundle:
    custom resources may create them, or the bundle shows no pod at all in those namespaces (a
    policy-only or Service-only file, the workloads deployed separately)."""
    if selector is not None and not selector.nothing and selector.requirements:
        elsewhere = sorted({w.namespace for w in selected_workloads(bundle, selector) if w.namespace not in namespaces})
        if elsewhere:  # the classic mistake: the pods exist, in another namespace
            return (f"; pods with those labels exist in namespace {', '.join(elsewhere)}, but a selector only "
                    "looks in its own namespace", None)
    creators = pod_creating_resources(bundle, namespaces)
    if not creators:
        where = ", ".join(namespaces)
        workloads = [w for ns in namespaces for w in bundle.workloads_in(ns)]
        if namespaces and not workloads:
            return (f"; the bundle has no pods at all in namespace {where}, so they may be deployed separately",
                    "info")
        keys = sorted({r.key for r in selector.requirements} - CONTROLLER_KEYS) if selector is not None else []
        if keys and not any(key in w.labels for w in workloads for key in keys):
            # a typo keeps the key (app: wbe vs app: web); a label scheme no pod of the bundle uses
            # means the pods come from elsewhere (a Helm chart, an operator, kubectl run)
            return (f"; no pod template in namespace {where} uses the label key {', '.join(keys)}, so the pods "
                    "probably come from outside the bundle", "info")
        return "", None
    shown = ", ".join(creators[:3]) + (f" and {len(creators) - 3} more" if len(creators) > 3 else "")
    return (f"; the bundle's custom resources may create such pods through their operator: {shown}", "info")


@rule("networkpolicy-selects-no-pods")
def selects_no_pods(context: Context) -> Iterator[Hit]:
    for policy in context.bundle.policies:
        if policy.pod_selector.everything:
            continue  # podSelector {} is a namespace-wide policy, valid even before any pod exists
        if not _selected(context, policy):
            note, severity = unknown_pods_note(context.bundle, [policy.ref.namespace], policy.pod_selector)
            yield Hit(policy.ref.id, policy.ref.line,
                      f"NetworkPolicy {policy.key} podSelector {policy.pod_selector.describe()} matches no "
                      f"pod template in namespace {policy.ref.namespace}{note}", severity)


def _rules(policy: NetworkPolicy) -> Iterator[PolicyRule]:
    yield from policy.ingress
    yield from policy.egress


@rule("networkpolicy-peer-selects-no-pods")
def peer_selects_no_pods(context: Context) -> Iterator[Hit]:
    bundle = context.bundle
    for policy in bundle.policies:
        for policy_rule in _rules(policy):
            for peer in policy_rule.peers or []:
                if peer.pod_selector is None or peer.ip_block is not None or peer.pod_selector.everything:
                    continue
                namespaces, complete = peer_namespace_scope(bundle, policy, peer)
                if not complete:
                    continue  # it may select namespaces the bundle does not show (e.g. kube-system)
                if peer_workloads(bundle, policy, peer):
                    continue
                where = ", ".join(namespaces) or "no namespace of the bundle"
                note, severity = unknown_pods_note(bundle, namespaces, peer.pod_selector)
                yield Hit(policy.ref.id, policy.ref.line,
                          f"NetworkPolicy {policy.key} {policy_rule.direction} rule {policy_rule.index} peer "
                          f"{peer.index} ({peer.describe()}) matches no pod in namespace {where}{note}", severity)


@rule("networkpolicy-peer-or-ambiguity")
def peer_or_ambiguity(context: Context) -> Iterator[Hit]:
    for policy in context.bundle.policies:
        for direction, rules in (("ingress", policy.ingress), ("egress", policy.egress)):
            for policy_rule in rules:
                peers = policy_rule.peers or []
                ns_only = [p for p in peers if p.namespace_selector is not None and p.pod_selector is None
                           and p.ip_block is None]
                pod_only = [p for p in peers if p.pod_selector is not None and p.namespace_selector is None
                            and p.ip_block is None]
                if ns_only and pod_only:
                    word = "from" if direction == "ingress" else "to"
                    yield Hit(policy.ref.id, policy.ref.line,
                              f"NetworkPolicy {policy.key} {direction} rule {policy_rule.index}: {word} has "
                              f"{ns_only[0].describe()} and {pod_only[0].describe()} as separate peers (OR); "
                              f"{pod_only[0].describe()} only looks in namespace {policy.ref.namespace}")


@rule("networkpolicy-rules-ignored")
def rules_ignored(context: Context) -> Iterator[Hit]:
    for policy in context.bundle.policies:
        if policy.explicit_types is None:
            continue
        for direction, present in (("Ingress", policy.has_ingress_rules), ("Egress", policy.has_egress_rules)):
            if present and direction not in policy.policy_types:
                yield Hit(policy.ref.id, policy.ref.line,
                          f"NetworkPolicy {policy.key} has {direction.lower()} rules but policyTypes "
                          f"{policy.explicit_types} does not list {direction}; they are ignored")


@rule("networkpolicy-named-port-unknown")
def named_port_unknown(context: Context) -> Iterator[Hit]:
    bundle = context.bundle
    for policy in bundle.policies:
        for policy_rule in _rules(policy):
            if policy_rule.direction == "ingress":
                destinations = _selected(context, policy)
            else:
                if policy_rule.peers is None or any(
                        p.ip_block is not None or not peer_namespace_scope(bundle, policy, p)[1]
                        for p in policy_rule.peers):
                    continue  # destinations may lie outside the bundle
                admitted = {id(w) for p in policy_rule.peers for w in peer_workloads(bundle, policy, p)}
                destinations = [w for w in bundle.workloads if id(w) in admitted]
            if not destinations:
                continue
            for port in policy_rule.ports or []:
                if not isinstance(port.port, str):
                    continue
                if any(p.name == port.port and p.protocol == port.protocol for w in destinations for p in w.ports):
                    continue
                names = sorted({f"{p.name}/{p.protocol}" for w in destinations for p in w.ports if p.name})
                yield Hit(policy.ref.id, policy.ref.line,
                          f"NetworkPolicy {policy.key} {policy_rule.direction} rule {policy_rule.index}: named "
                          f"port {port.port!r}/{port.protocol} matches no container port of "
                          f"{', '.join(w.key for w in destinations)} (names: {', '.join(names) or 'none'})")


DNS_PORTS = {53: "", 5353: "OpenShift, whose DNS pods listen on 5353 behind the port-53 Service"}
"""Pod ports a DNS server listens on. Most network plugins match a policy against the destination
pod's port, after the Service's translation (the docs leave the order undefined), so where the DNS
pods listen on 5353 (OpenShift's dns-default maps 53 to 5353), allowing 5353 allows DNS."""
_DNS_PORT_NAMES = ("dns", "dns-tcp", "domain")


def _egress_allows_dns(policies: list[NetworkPolicy], protocol: str) -> int | None:
    """The DNS port (53 or 5353) some egress rule allows for ``protocol``, or ``None``."""
    for policy in policies:
        for policy_rule in policy.egress:
            if policy_rule.peers is not None and not policy_rule.peers:
                continue
            if policy_rule.ports is None:
                return 53
            for port in policy_rule.ports:
                if isinstance(port.port, str):
                    if port.protocol == protocol and port.port in _DNS_PORT_NAMES:
                        return 53
                    continue
                for number in DNS_PORTS:
                    if policy_port_matches(port, number, protocol, None):
                        return number
    return None


def _egress_ports(policies: list[NetworkPolicy]) -> str:
    found = sorted({p.describe() for policy in policies for r in policy.egress for p in r.ports or []})
    return ", ".join(found[:8]) + (f" and {len(found) - 8} more" if len(found) > 8 else "") if found else "none"


@rule("networkpolicy-blocks-dns")
def blocks_dns(context: Context) -> Iterator[Hit]:
    bundle = context.bundle
    named = {id(d.workload) for d in context.dependencies}
    for workload in bundle.workloads:
        if workload.host_network:
            continue  # policies are not applied to host-network pods by most plugins
        isolating = [p for p in bundle.policies if "Egress" in p.policy_types and policy_selects(p, workload)]
        if not isolating or _egress_allows_dns(isolating, "UDP") is not None:
            continue
        names = ", ".join(p.key for p in isolating)
        tcp = _egress_allows_dns(isolating, "TCP")
        only_tcp = f" (only TCP {tcp} is allowed; DNS queries go over UDP first)" if tcp is not None else ""
        message = (f"{workload.label} is egress-isolated by NetworkPolicy {names} and no egress "
                   f"rule allows DNS (53/UDP, or 5353/UDP where OpenShift's DNS pods listen){only_tcp}; egress "
                   f"ports allowed: {_egress_ports(isolating)}")
        if not any(p.egress for p in isolating) and id(workload) not in named:
            # all egress denied on purpose for a leaf service that names no Service: DNS is moot
            yield Hit(workload.ref.id, workload.ref.line,
                      message + " (no egress is allowed at all and the pods name no Service: probably intended)", "info")
            continue
        yield Hit(workload.ref.id, workload.ref.line, message)


@rule("networkpolicy-selects-host-network")
def selects_host_network(context: Context) -> Iterator[Hit]:
    bundle = context.bundle
    for policy in bundle.policies:
        host = [w for w in bundle.workloads_in(policy.ref.namespace) if w.host_network and policy_selects(policy, w)]
        if host:
            names = ", ".join(f"{w.label}" for w in host[:5]) + (f" and {len(host) - 5} more"
                                                                          if len(host) > 5 else "")
            yield Hit(policy.ref.id, policy.ref.line,
                      f"NetworkPolicy {policy.key} selects hostNetwork pods ({names}); most network plugins do "
                      "not apply NetworkPolicy to them, so the policy may not restrict their traffic")


@rule("pod-not-isolated")
def pod_not_isolated(context: Context) -> Iterator[Hit]:
    bundle = context.bundle
    namespaces = {p.ref.namespace for p in bundle.policies}
    for workload in bundle.workloads:
        if workload.namespace not in namespaces or workload.host_network:
            continue
        if not any(policy_selects(p, workload) for p in bundle.policies):
            yield Hit(workload.ref.id, workload.ref.line,
                      f"{workload.label} is selected by no NetworkPolicy, although namespace "
                      f"{workload.namespace} has policies")
