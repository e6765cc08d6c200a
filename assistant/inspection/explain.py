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

import re
from dataclasses import dataclass, field

from .model import Bundle, Service, Workload
from .selection import resolve_target_port, service_workloads

__all__ = ["ServiceBackends", "Explanation", "explain", "env_name", "service_env", "valid_dns_name"]

_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")

MAX_ORDINALS = 1000
"""Per-pod names listed for one StatefulSet at most (a replicas: 100000 typo must not flood output)."""


def valid_dns_name(name: str) -> bool:
    """RFC 1123: dot-separated lower-case labels of 1-63 characters, 253 characters in all.

    The API server rejects objects whose names would break this, so a name that fails it is
    never listed (the object itself is reported by the schema check or ignored).
    """
    return len(name) <= 253 and all(_LABEL.fullmatch(label) for label in name.split("."))


def env_name(name: str) -> str:
    """The kubelet's ``makeEnvVariableName``: upper-case, dashes to underscores."""
    return name.replace("-", "_").upper()


def service_env(service: Service) -> list[str]:
    """The variable names the kubelet injects for one Service (empty if it has no cluster IP)."""
    if service.type == "ExternalName" or service.headless:  # "" in a manifest means "allocate one"
        return []
    prefix = env_name(service.ref.name)
    names = [f"{prefix}_SERVICE_HOST"]
    ports = [p for p in service.ports if p.port is not None]
    if not ports:
        return names
    names.append(f"{prefix}_SERVICE_PORT")
    names.extend(f"{prefix}_SERVICE_PORT_{env_name(p.name)}" for p in ports if p.name)
    for i, port in enumerate(ports):
        if i == 0:
            names.append(f"{prefix}_PORT")
        base = f"{prefix}_PORT_{port.port}_{port.protocol.upper()}"
        names.extend([base, f"{base}_PROTO", f"{base}_PORT", f"{base}_ADDR"])
    return names


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
        fqdn = f"{service.ref.name}.{service.ref.namespace}.svc.{domain}"
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
                    dns.add(f"{workload.name}-{ordinal}.{service.ref.name}.{workload.namespace}.svc.{domain}")
        elif workload.hostname and workload.subdomain:
            service = _headless_selecting(bundle, workload, workload.subdomain)
            if service is not None:
                dns.add(f"{workload.hostname}.{service.ref.name}.{workload.namespace}.svc.{domain}")
    return Explanation(sorted(n for n in dns if valid_dns_name(n)),
                       dict(sorted((k, v) for k, v in cname.items() if valid_dns_name(k))), env, backends)
