"""Service rules: selectors that select nothing, target ports that resolve nowhere, port naming."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..dependencies import workload_texts
from ..model import Bundle, Service, Workload
from ..selection import resolve_target_port, service_workloads
from . import Context, Hit, rule
from .networkpolicy import unknown_pods_note


def _labels(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "no labels"


def _closest(bundle: Bundle, service: Service) -> Workload | None:
    """The same-namespace pod template sharing most selector keys/values (a likely intended target)."""
    wanted = {(r.key, r.values[0]) for r in service.selector.requirements if r.values}
    keys = {r.key for r in service.selector.requirements}
    best, score = None, 0
    for workload in bundle.workloads_in(service.ref.namespace):
        value = 2 * len(wanted & set(workload.labels.items())) + len(keys & set(workload.labels))
        if value > score:
            best, score = workload, value
    return best


def _configured(bundle: Bundle, workload: Workload, number: int) -> bool:
    """Whether the workload's args, command, env or ConfigMaps mention ``number`` as a whole token."""
    token = re.compile(rf"(?<![\w.]){number}(?![\w.])")
    return any(token.search(text) for _, text, _ in workload_texts(bundle, workload))


@rule("service-selector-no-match")
def selector_no_match(context: Context) -> Iterator[Hit]:
    bundle = context.bundle
    for service in bundle.services:
        if service.type == "ExternalName" or service.selector.nothing:
            continue
        if service_workloads(bundle, service):
            continue
        message = (f"Service {service.key} selects {service.selector.describe()} but no pod template "
                   f"in namespace {service.ref.namespace} has those labels")
        closest = _closest(bundle, service)
        if closest is not None:
            message += f" (closest: {closest.label} with {_labels(closest.labels)})"
        note, severity = unknown_pods_note(bundle, [service.ref.namespace], service.selector)
        yield Hit(service.ref.id, service.ref.line, message + note, severity)


@rule("service-target-port-mismatch")
def target_port_mismatch(context: Context) -> Iterator[Hit]:
    bundle = context.bundle
    for service in bundle.services:
        if service.type == "ExternalName" or service.headless:
            continue  # targetPort is ignored for headless Services
        workloads = service_workloads(bundle, service)
        for port in service.ports:
            target = port.effective_target
            if target is None:
                continue
            missing = []
            for workload in workloads:
                if resolve_target_port(port, workload) is not None:
                    continue
                # A number reaches an undeclared port too; only flag it when the pods declare ports,
                # and not when their configuration (args, env, ConfigMaps) names the number, which
                # shows the process listens there (istio's grpc-echo passes --port 18080).
                if isinstance(target, int) and (not workload.ports or _configured(bundle, workload, target)):
                    continue
                missing.append(workload)
            if not missing:
                continue
            declared = sorted({f"{p.name + '=' if p.name else ''}{p.number}/{p.protocol}"
                               for w in missing for p in w.ports}) or ["none"]
            label = f"port {port.name or port.port}"
            written = "targetPort" if port.target_port is not None else "targetPort (omitted, so = port)"
            owners = ", ".join(f"{w.label}" for w in missing)
            if isinstance(target, int):
                # containerPort is informational: traffic to an undeclared number still arrives
                yield Hit(service.ref.id, service.ref.line,
                          f"Service {service.key} {label}: {written} {target}/{port.protocol} is not declared as a "
                          f"containerPort of {owners} (declared: {', '.join(declared)}); make sure the process "
                          f"listens on {target}", "warning")
            else:
                yield Hit(service.ref.id, service.ref.line,
                          f"Service {service.key} {label}: named {written} {target!r}/{port.protocol} matches no "
                          f"container port name of {owners} (declared: {', '.join(declared)})")


@rule("service-port-name-missing")
def port_name_missing(context: Context) -> Iterator[Hit]:
    for service in context.bundle.services:
        if len(service.ports) < 2:
            continue
        for port in service.ports:
            if not port.name:
                yield Hit(service.ref.id, service.ref.line,
                          f"Service {service.key} has {len(service.ports)} ports but port {port.port} "
                          f"(#{port.index + 1}) has no name")


@rule("service-nodeport-out-of-range")
def nodeport_range(context: Context) -> Iterator[Hit]:
    for service in context.bundle.services:
        for port in service.ports:
            if port.node_port is not None and port.node_port != 0 and not 30000 <= port.node_port <= 32767:
                yield Hit(service.ref.id, service.ref.line,
                          f"Service {service.key} port {port.name or port.port}: nodePort {port.node_port} "
                          "is outside 30000-32767")


@rule("externalname-with-selector")
def externalname_selector(context: Context) -> Iterator[Hit]:
    for service in context.bundle.services:
        if service.type == "ExternalName" and not service.selector.nothing:
            yield Hit(service.ref.id, service.ref.line,
                      f"ExternalName Service {service.key} (-> {service.external_name}) also sets selector "
                      f"{service.selector.describe()}, which is ignored")
