"""Which Services a workload names: in env values, args, command, and the ConfigMaps it uses.

A pod that is configured with ``redis:6379`` or ``http://api.shop.svc.cluster.local/v1`` expects to
reach that Service; if the bundle's NetworkPolicies forbid it, the application fails at run time
although every object is valid on its own. Only references that resolve to a Service of the
bundle count, and a bare name (``redis``) only when a port or URL scheme goes with it, or when the
variable's name says it holds a host (``REDIS_HOST``): a lone word is too often something else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .model import Bundle, Service, ServicePort, Workload

__all__ = ["Dependency", "find_dependencies", "workload_texts"]

_REFERENCE = re.compile(
    r"(?<![\w.@/-])(?:(?P<scheme>[a-z][a-z0-9+.-]{1,15})://(?:[^@/\s]+@)?)?"
    r"(?P<host>[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)*)"
    r"(?::(?P<port>\d{1,5}))?(?![\w-])")
_HOST_VARIABLE = re.compile(r"(HOST|HOSTNAME|ADDR|ADDRESS|SERVER|SERVERS|URL|URI|ENDPOINT|SERVICE|SVC)S?$")
_SCHEME_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443, "grpc": 443, "redis": 6379, "rediss": 6379,
                 "postgres": 5432, "postgresql": 5432, "mysql": 3306, "mongodb": 27017, "amqp": 5672,
                 "nats": 4222, "memcached": 11211}
_MAX_TEXT = 200_000
"""A ConfigMap value longer than this is not scanned (it is a data file, not configuration)."""


@dataclass(frozen=True)
class Dependency:
    workload: Workload
    service: Service
    port: ServicePort
    where: str
    """Where the reference was found: ``env REDIS_ADDR``, ``args``, ``ConfigMap shop/app key config.yaml``."""
    text: str
    """The reference as written (``redis:6379``)."""


def workload_texts(bundle: Bundle, workload: Workload) -> Iterator[tuple[str, str, bool]]:
    """(where, text, names a host) for every string the workload's containers are configured with."""
    data = workload.ref.data
    spec = data.get("spec") if isinstance(data, dict) else None
    if not isinstance(spec, dict):
        return
    if workload.kind == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec") or {}) if isinstance(spec.get("jobTemplate"), dict) else {}
    pod = spec if workload.kind == "Pod" else ((spec.get("template") or {}).get("spec")
                                                if isinstance(spec.get("template"), dict) else None)
    if not isinstance(pod, dict):
        return
    ns = workload.namespace

    def configmap(name: Any) -> dict:
        return bundle.configmaps.get((ns, str(name)), {}) if name else {}

    containers = [c for key in ("containers", "initContainers") for c in (pod.get(key) or []) if isinstance(c, dict)]
    for c in containers:
        for key in ("command", "args"):
            for item in c.get(key) or [] if isinstance(c.get(key), list) else []:
                if isinstance(item, str):
                    yield key, item, False
        for env in c.get("env") or [] if isinstance(c.get("env"), list) else []:
            if not isinstance(env, dict):
                continue
            name = str(env.get("name", ""))
            hosty = bool(_HOST_VARIABLE.search(name.upper()))
            if isinstance(env.get("value"), str):
                yield f"env {name}", env["value"], hosty
            ref = (env.get("valueFrom") or {}).get("configMapKeyRef") if isinstance(env.get("valueFrom"), dict) else None
            if isinstance(ref, dict):
                value = configmap(ref.get("name")).get(ref.get("key"))
                if isinstance(value, str):
                    yield f"env {name} (ConfigMap {ns}/{ref.get('name')})", value, hosty
        for source in c.get("envFrom") or [] if isinstance(c.get("envFrom"), list) else []:
            ref = source.get("configMapRef") if isinstance(source, dict) else None
            if isinstance(ref, dict):
                for key, value in configmap(ref.get("name")).items():
                    if isinstance(value, str):
                        yield (f"env {key} (ConfigMap {ns}/{ref.get('name')})", value,
                               bool(_HOST_VARIABLE.search(str(key).upper())))
    for volume in pod.get("volumes") or [] if isinstance(pod.get("volumes"), list) else []:
        ref = volume.get("configMap") if isinstance(volume, dict) else None
        if isinstance(ref, dict):
            items = ref.get("items")
            # with ``items`` only the listed keys become files in the pod
            keys = {i.get("key") for i in items if isinstance(i, dict)} if isinstance(items, list) else None
            for key, value in configmap(ref.get("name")).items():
                if keys is not None and key not in keys:
                    continue
                if isinstance(value, str) and len(value) <= _MAX_TEXT:
                    yield f"ConfigMap {ns}/{ref.get('name')} key {key}", value, False


def _resolve(bundle: Bundle, workload: Workload, match: re.Match, hosty: bool,
             cluster_domain: str) -> tuple[Service, ServicePort] | None:
    host, scheme, port_text = match.group("host"), match.group("scheme"), match.group("port")
    labels = host.split(".")
    for suffix in (f".svc.{cluster_domain}", ".svc"):
        if host.endswith(suffix) and len(labels) == len(suffix.split(".")) + 1:
            name, ns = labels[0], labels[1]
            break
    else:
        if len(labels) == 2 and labels[1] in bundle.namespace_labels:
            name, ns = labels
        elif len(labels) == 1 and (port_text or scheme or hosty) and not host.isdigit():
            name, ns = host, workload.namespace
        else:
            return None
    service = bundle.service(ns, name)
    if service is None or service.type == "ExternalName" or not service.ports:
        return None
    ports = [p for p in service.ports if p.port is not None]
    if port_text:
        wanted = [p for p in ports if p.port == int(port_text)]
    elif scheme and scheme in _SCHEME_PORTS and any(p.port == _SCHEME_PORTS[scheme] for p in ports):
        wanted = [p for p in ports if p.port == _SCHEME_PORTS[scheme]]
    else:
        wanted = ports if len(ports) == 1 else []
    return (service, wanted[0]) if wanted else None


def find_dependencies(bundle: Bundle, cluster_domain: str = "cluster.local") -> list[Dependency]:
    """Every (workload, Service port) the bundle's workloads name, first mention each."""
    if not bundle.services:
        return []
    found: dict[tuple, Dependency] = {}
    for workload in bundle.workloads:
        if workload.origin and not workload.ref.data:
            continue  # pods made by an operator: their configuration is not in the bundle
        for where, text, hosty in workload_texts(bundle, workload):
            if len(text) > _MAX_TEXT:
                continue
            for match in _REFERENCE.finditer(text):
                resolved = _resolve(bundle, workload, match, hosty and match.group(0) == text.strip(), cluster_domain)
                if resolved is None:
                    continue
                service, port = resolved
                key = (id(workload), service.key, port.index)
                if key not in found:
                    found[key] = Dependency(workload, service, port, where, match.group(0))
    return list(found.values())
