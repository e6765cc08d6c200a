"""What a bundle creates: DNS names, CNAMEs, Service environment variables, Service -> pods.

* DNS (kubernetes.io/docs/concepts/services-networking/dns-pod-service/): every Service that is
  not ExternalName gets ``name.ns.svc.<domain>`` (headless ones too: A/AAAA records for its
  pods); ExternalName Services get a CNAME instead. StatefulSet pods get
  ``<sts>-<ordinal>.<service>.<ns>.svc.<domain>`` and pods with ``hostname`` + ``subdomain``
  get ``<hostname>.<subdomain>.<ns>.svc.<domain>``, but only when that Service exists, is
  headless and selects the pods (otherwise no endpoint carries the hostname).
* Environment (pkg/kubelet/envvars/envvars.go): for each Service with a cluster IP, in the
  kubelet's order: ``{N}_SERVICE_HOST``, ``{N}_SERVICE_PORT``, ``{N}_SERVICE_PORT_{PORTNAME}``
  per named port, then the Docker link variables ``{N}_PORT`` (first port only) and
  ``{N}_PORT_{port}_{PROTO}`` with ``_PROTO``, ``_PORT``, ``_ADDR`` for every port.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant import naming

from .model import Bundle, Service, Workload
from .selection import resolve_target_port, service_workloads

__all__ = ["ServiceBackends", "Explanation", "explain", "env_name", "service_env", "valid_dns_name"]

MAX_ORDINALS = 1000
"""Per-pod names listed for one StatefulSet at most (a replicas: 100000 typo must not flood output)."""


def valid_dns_name(name: str) -> bool:
    """RFC 1123: dot-separated lower-case labels of 1-63 characters, 253 characters in all.

    The API server rejects objects whose names would break this, so a name that fails it is
    never listed (the object itself is reported by the schema check or ignored).
    """
    return naming.is_dns_subdomain(name)


def env_name(name: str) -> str:
    """The kubelet's ``makeEnvVariableName``: upper-case, dashes to underscores."""
    return naming.env_prefix(name)


def service_env(service: Service) -> list[str]:
    """The variable names the kubelet injects for one Service (empty if it has no cluster IP)."""
    if service.type == "ExternalName" or service.headless:  # "" in a manifest means "allocate one"
        return []
    ports = [(p.port, p.protocol, p.name) for p in service.ports if p.port is not None]
    return naming.service_env_names(service.ref.name, ports)


@dataclass
class ServiceBackends:
    """Which pod templates a Service selects and where each of its ports lands on them."""

    service: str
    """``namespace/name``."""
    type: str
    workloads: list[str]
    ports: list[dict] = field(default_factory=list)
    """``{"port", "protocol", "targetPort", "resolved": {workload: containerPort or None}}``."""


@dataclass
class Explanation:
    dns: list[str]
    cname: dict[str, str]
    env: dict[str, list[str]]
    services: list[ServiceBackends]


def _headless_selecting(bundle: Bundle, workload: Workload, name: str | None) -> Service | None:
    if not name:
        return None
    service = bundle.service(workload.namespace, name)
    if service is None or not service.headless or not service.selector.matches(workload.labels):
        return None
    return service


def explain(bundle: Bundle, cluster_domain: str = "cluster.local") -> Explanation:
    domain = cluster_domain.strip(".") or "cluster.local"
    dns: set[str] = set()
    cname: dict[str, str] = {}
    env: dict[str, list[str]] = {}
    backends: list[ServiceBackends] = []
    for service in sorted(bundle.services, key=lambda s: (s.ref.namespace, s.ref.name)):
        if not naming.is_valid(service.ref.name, naming.rule_for_kind("Service")):
            continue  # the API server rejects it (object-name-invalid): it creates no name and no variable
        fqdn = naming.service_fqdn(service.ref.name, service.ref.namespace, domain)
        if service.type == "ExternalName":
            target = service.external_name or ""
            # the API server only accepts an RFC 1123 name here; anything else is never a CNAME target
            cname[fqdn] = target if valid_dns_name(target) else ""
            continue
        dns.add(fqdn)
        names = service_env(service)
        if names:
            env[service.key] = names
        selected = service_workloads(bundle, service)
        entry = ServiceBackends(service.key, service.type, [w.key for w in selected])
        for port in service.ports:
            resolved = {}
            for workload in selected:
                target = resolve_target_port(port, workload)
                resolved[workload.key] = target.number if target else None
            entry.ports.append({"port": port.port, "name": port.name, "protocol": port.protocol,
                                "targetPort": port.effective_target, "resolved": resolved})
        backends.append(entry)
    for workload in bundle.workloads:
        if workload.kind == "StatefulSet":
            service = _headless_selecting(bundle, workload, workload.service_name)
            if service is not None:
                for ordinal in range(min(workload.replicas, MAX_ORDINALS)):
                    dns.add(naming.statefulset_pod_fqdn(workload.name, ordinal, service.ref.name, workload.namespace,
                                                        domain))
        elif workload.hostname and workload.subdomain:
            service = _headless_selecting(bundle, workload, workload.subdomain)
            if service is not None:
                dns.add(naming.subdomain_fqdn(workload.hostname, service.ref.name, workload.namespace, domain))
    return Explanation(sorted(n for n in dns if valid_dns_name(n)),
                       dict(sorted((k, v) for k, v in cname.items() if valid_dns_name(k))), env, backends)
