"""Who selects whom: Services -> pods, policies -> pods, policy peers -> pods, port resolution.

These few questions are asked by rules, explanations and reachability alike; answering them
in one place keeps the namespace scoping and named-port rules identical everywhere.
"""

from __future__ import annotations

from .selectors import Selector
from .model import (
    NAMESPACE_NAME_LABEL, Bundle, ContainerPort, NetworkPolicy, Peer, PolicyPort, Service, ServicePort, Workload,
)

__all__ = [
    "workload_matches", "selected_workloads", "policy_workloads", "peer_workloads", "service_workloads", "resolve_target_port", "policy_selects", "peer_matches",
    "peer_namespace_scope", "namespace_labels", "policy_port_matches", "rule_ports_match",
]


# Labels a controller adds to the pods it creates (absent from the template, so a selector on
# them must not be judged against template labels alone; cf. kube-linter PR #465).
STS_POD_NAME = "statefulset.kubernetes.io/pod-name"
STS_POD_INDEX = "apps.kubernetes.io/pod-index"
_JOB_NAME_KEYS = ("job-name", "batch.kubernetes.io/job-name")
CONTROLLER_KEYS = {STS_POD_NAME, STS_POD_INDEX, *_JOB_NAME_KEYS}
_MAX_ORDINALS = 1000


def workload_matches(selector: Selector, workload: Workload) -> bool:
    """Whether the selector matches some pod of the workload, including controller-added labels."""
    if selector.matches(workload.labels):
        return True
    if not any(r.key in CONTROLLER_KEYS for r in selector.requirements):
        return False
    if workload.controller == "StatefulSet":
        for ordinal in range(min(workload.replicas, _MAX_ORDINALS)):
            labels = dict(workload.labels)
            labels[STS_POD_NAME] = f"{workload.name}-{ordinal}"
            labels[STS_POD_INDEX] = str(ordinal)
            if selector.matches(labels):
                return True
    if workload.controller == "Job":
        labels = dict(workload.labels)
        labels.update({key: workload.name for key in _JOB_NAME_KEYS})
        return selector.matches(labels)
    return False


def _bundle_memo(bundle: Bundle) -> dict:
    """Answers computed once per bundle (the bundle is not changed after it is built; a bundle
    whose workload list did change gets a fresh memo)."""
    memo = bundle.__dict__.get("_selection_memo")
    if memo is None or memo["workloads"] != len(bundle.workloads):
        memo = {"workloads": len(bundle.workloads), "labels": None, "selected": {}, "policies": {}, "peers": {}}
        bundle.__dict__["_selection_memo"] = memo
    return memo


def selected_workloads(bundle: Bundle, selector: Selector) -> list[Workload]:
    """The bundle's workloads (any namespace, bundle order) that ``selector`` matches, as
    :func:`workload_matches` decides. Equal selectors share one answer, and candidates come from a
    label index: a 300-workload bundle asks this for hundreds of Services and policy peers."""
    memo = _bundle_memo(bundle)
    found = memo["selected"].get(selector)
    if found is not None:
        return found
    workloads = bundle.workloads
    exact = [r for r in selector.requirements if r.operator == "In"]
    if selector.nothing:
        found = []
    elif not exact or any(r.key in CONTROLLER_KEYS for r in selector.requirements):
        found = [w for w in workloads if workload_matches(selector, w)]
    else:
        index = memo["labels"]
        if index is None:
            index = memo["labels"] = {}
            for i, w in enumerate(workloads):
                for item in w.labels.items():
                    index.setdefault(item, []).append(i)
        candidates: set[int] | None = None
        for r in exact:  # every In requirement must hold: intersect their postings
            hits = {i for value in r.values for i in index.get((r.key, value), ())}
            candidates = hits if candidates is None else candidates & hits
            if not candidates:
                break
        found = [workloads[i] for i in sorted(candidates or ()) if selector.matches(workloads[i].labels)]
    memo["selected"][selector] = found
    return found


def policy_workloads(bundle: Bundle, policy: NetworkPolicy) -> list[Workload]:
    """Workloads a policy applies to (bundle order): :func:`policy_selects` for every workload, once."""
    memo = _bundle_memo(bundle)["policies"]
    found = memo.get(id(policy))
    if found is None:
        namespace = policy.ref.namespace
        found = memo[id(policy)] = [w for w in selected_workloads(bundle, policy.pod_selector) if w.namespace == namespace]
    return found


def peer_workloads(bundle: Bundle, policy: NetworkPolicy, peer: Peer) -> list[Workload]:
    """Workloads (bundle order) a from/to element admits: :func:`peer_matches` for every workload, once."""
    memo = _bundle_memo(bundle)["peers"]
    key = (id(policy), id(peer))
    found = memo.get(key)
    if found is not None:
        return found
    if peer.ip_block is not None or (peer.namespace_selector is None and peer.pod_selector is None):
        found = []
    else:
        if peer.namespace_selector is None:
            namespaces = {policy.ref.namespace}
        else:
            namespaces = {ns for ns in {w.namespace for w in bundle.workloads}
                          if peer.namespace_selector.matches(namespace_labels(bundle, ns))}
        pods = bundle.workloads if peer.pod_selector is None else selected_workloads(bundle, peer.pod_selector)
        found = [w for w in pods if w.namespace in namespaces]
    memo[key] = found
    return found


def namespace_labels(bundle: Bundle, namespace: str) -> dict[str, str]:
    return bundle.namespace_labels.get(namespace) or {NAMESPACE_NAME_LABEL: namespace}


def service_workloads(bundle: Bundle, service: Service) -> list[Workload]:
    """Workloads whose pod template the Service selects (same namespace; ExternalName selects none)."""
    if service.type == "ExternalName":
        return []
    namespace = service.ref.namespace
    return [w for w in selected_workloads(bundle, service.selector) if w.namespace == namespace]


def resolve_target_port(port: ServicePort, workload: Workload) -> ContainerPort | None:
    """The container port a Service port reaches on one workload's pods, if declared.

    A named targetPort resolves by name and protocol (as the endpoints controller does); a
    number (or an omitted targetPort, meaning ``port``) resolves to a declared port of that number.
    """
    target = port.effective_target
    for candidate in workload.ports:
        if candidate.protocol != port.protocol:
            continue
        if isinstance(target, str) and candidate.name == target:
            return candidate
        if isinstance(target, int) and candidate.number == target:
            return candidate
    return None


def policy_selects(policy: NetworkPolicy, workload: Workload) -> bool:
    """A policy applies only to pods of its own namespace that its podSelector matches."""
    return workload.namespace == policy.ref.namespace and workload_matches(policy.pod_selector, workload)


def peer_matches(bundle: Bundle, policy: NetworkPolicy, peer: Peer, workload: Workload) -> bool:
    """Whether a from/to element admits a workload's pods (ipBlock never matches pod IPs)."""
    if peer.ip_block is not None:
        return False
    if peer.namespace_selector is None and peer.pod_selector is None:
        return False  # an empty peer is rejected by the API server
    if peer.namespace_selector is None:
        if workload.namespace != policy.ref.namespace:
            return False
    elif not peer.namespace_selector.matches(namespace_labels(bundle, workload.namespace)):
        return False
    return peer.pod_selector is None or workload_matches(peer.pod_selector, workload)


def peer_namespace_scope(bundle: Bundle, policy: NetworkPolicy, peer: Peer) -> tuple[list[str], bool]:
    """(namespaces of the bundle the peer can select, whether that list is complete).

    Complete means no namespace outside the bundle could match: the peer has no
    namespaceSelector (the policy's own namespace), or the namespaceSelector pins
    ``kubernetes.io/metadata.name`` to names that are all in the bundle.
    """
    if peer.namespace_selector is None:
        return [policy.ref.namespace], True
    selector = peer.namespace_selector
    matching = [ns for ns in sorted(bundle.namespace_labels) if selector.matches(bundle.namespace_labels[ns])]
    pinned = [r for r in selector.requirements if r.key == NAMESPACE_NAME_LABEL and r.operator == "In"]
    complete = selector.nothing or bool(pinned) and all(
        value in bundle.namespace_labels for r in pinned for value in r.values)
    return matching, complete


def policy_port_matches(policy_port: PolicyPort, number: int, protocol: str, workload: Workload | None) -> bool:
    """Whether one NetworkPolicyPort admits ``number/protocol`` on a destination workload.

    Protocol defaults to TCP; no ``port`` means every port of the protocol; ``endPort`` makes an
    inclusive range; a named port matches when the destination declares that name with the
    same protocol and that number (names resolve per destination pod).
    """
    if policy_port.protocol != protocol:
        return False
    if policy_port.port is None:
        return True
    if isinstance(policy_port.port, str):
        if workload is None:
            return False
        return any(p.name == policy_port.port and p.protocol == protocol and p.number == number
                   for p in workload.ports)
    if policy_port.end_port is not None:
        return policy_port.port <= number <= policy_port.end_port
    return policy_port.port == number


def rule_ports_match(ports: list[PolicyPort] | None, number: int, protocol: str,
                     workload: Workload | None) -> PolicyPort | bool:
    """``True`` when the rule has no port list, else the first matching port entry, else ``False``."""
    if ports is None:
        return True
    for port in ports:
        if policy_port_matches(port, number, protocol, workload):
            return port
    return False
