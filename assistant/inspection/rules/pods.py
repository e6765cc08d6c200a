"""Pod-level rules: host networking, host ports, DNS policy, probe ports, port name clashes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ..dependencies import workload_texts
from . import Context, Hit, rule


@rule("host-network")
def host_network(context: Context) -> Iterator[Hit]:
    for w in context.bundle.workloads:
        if w.host_network:
            yield Hit(w.ref.id, w.ref.line, f"{w.label} uses hostNetwork: true")


@rule("hostnetwork-dnspolicy")
def hostnetwork_dnspolicy(context: Context) -> Iterator[Hit]:
    bundle = context.bundle
    host = [w for w in bundle.workloads if w.host_network and w.dns_policy != "ClusterFirstWithHostNet"]
    if not host:
        return
    # A node agent (node-exporter...) that names no cluster Service does not need cluster DNS:
    # the finding is then only info.
    named = {id(d.workload) for d in context.dependencies}
    for w in host:
        uses_cluster_names = id(w) in named or any(
            ".svc" in text for _, text, _ in workload_texts(bundle, w))
        note = "" if uses_cluster_names else " (it names no cluster Service, so it may not need them)"
        yield Hit(w.ref.id, w.ref.line,
                  f"{w.label} uses hostNetwork with dnsPolicy {w.dns_policy or 'ClusterFirst (default)'}"
                  f"; cluster names will not resolve{note}", None if uses_cluster_names else "info")


@rule("host-port")
def host_port(context: Context) -> Iterator[Hit]:
    for w in context.bundle.workloads:
        for container in w.containers:
            for port in container.ports:
                if port.host_port:
                    yield Hit(w.ref.id, w.ref.line,
                              f"{w.label} container {container.name} binds hostPort {port.host_port} "
                              f"(containerPort {port.number})")


@rule("probe-port-unknown")
def probe_port_unknown(context: Context) -> Iterator[Hit]:
    for w in context.bundle.workloads:
        for container in w.containers:
            names = {p.name for p in container.ports if p.name}
            # Only names are checked: a numeric probe port works whether or not it is declared.
            for probe in container.probes:
                if isinstance(probe.port, str) and probe.port not in names:
                    known = ", ".join(sorted(names)) or "none"
                    yield Hit(w.ref.id, w.ref.line,
                              f"{w.label} container {container.name}: {probe.kind} probe port "
                              f"{probe.port!r} is not a declared port name (declared: {known})")


@rule("container-port-name-duplicate")
def port_name_duplicate(context: Context) -> Iterator[Hit]:
    for w in context.bundle.workloads:
        counts = Counter(p.name for c in w.containers for p in c.ports if p.name)
        for name, count in sorted(counts.items()):
            if count > 1:
                where = ", ".join(f"{p.container}:{p.number}" for c in w.containers for p in c.ports
                                  if p.name == name)
                yield Hit(w.ref.id, w.ref.line,
                          f"{w.label}: port name {name!r} is used {count} times ({where})")
