"""service-dependency-blocked: a workload is configured to use a Service its policies forbid it to reach."""

from __future__ import annotations

from collections.abc import Iterator

from ..reach import Verdict
from ..selection import resolve_target_port, service_workloads
from . import Context, Hit, rule


def expected_connections(context: Context) -> list[tuple[Verdict, str]]:
    """(verdict, what names it) for every connection a workload's configuration expects, allowed or not."""
    bundle = context.bundle
    matrix = context.reach
    result: list[tuple[Verdict, str]] = []
    for dep in context.dependencies:
        for destination in service_workloads(bundle, dep.service):
            resolved = resolve_target_port(dep.port, destination)
            target = resolved.number if resolved is not None else dep.port.effective_target
            if not isinstance(target, int):
                continue
            via = f"Service {dep.service.key} named in {dep.where}"
            for src in matrix.units(dep.workload):
                for dst in matrix.units(destination):
                    result.append((matrix.verdict_between(src, dst, target, dep.port.protocol), via))
    return result


def blocked_dependencies(context: Context) -> Iterator[tuple]:
    """(dependency, the first denying verdict) for every named Service the policies make unreachable."""
    bundle = context.bundle
    if not bundle.policies:
        return
    matrix = context.reach
    for dep in context.dependencies:
        for destination in service_workloads(bundle, dep.service):
            resolved = resolve_target_port(dep.port, destination)
            target = resolved.number if resolved is not None else dep.port.effective_target
            if not isinstance(target, int):
                continue  # a named targetPort that resolves nowhere is service-target-port-mismatch's job
            denied = next((v for src in matrix.units(dep.workload) for dst in matrix.units(destination)
                           for v in [matrix.verdict_between(src, dst, target, dep.port.protocol)] if not v.allowed),
                          None)
            if denied is not None:
                yield dep, destination, denied
                break


@rule("service-dependency-blocked")
def dependency_blocked(context: Context) -> Iterator[Hit]:
    for dep, destination, verdict in blocked_dependencies(context):
        w = dep.workload
        yield Hit(w.ref.id, w.ref.line,
                  f"{w.label} names Service {dep.service.key} ({dep.text!r} in {dep.where}) but the "
                  f"bundle's NetworkPolicies deny {verdict.source} -> {verdict.destination} on "
                  f"{verdict.port}/{verdict.protocol}: {verdict.reason.removeprefix('denied: ')}")
