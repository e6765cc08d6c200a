"""Workload rules: selectors versus template labels, and StatefulSet governing Services."""

from __future__ import annotations

from collections.abc import Iterator

from ..selectors import Selector
from . import Context, Hit, rule


@rule("workload-selector-mismatch")
def selector_mismatch(context: Context) -> Iterator[Hit]:
    for workload in context.bundle.workloads:
        if not workload.has_selector or workload.selector_raw is None:
            continue  # a missing required selector is schema-invalid
        selector = Selector.from_label_selector(workload.selector_raw)
        if selector.matches(workload.labels):
            continue
        labels = ",".join(f"{k}={v}" for k, v in sorted(workload.labels.items())) or "no labels"
        why = f" ({selector.error})" if selector.error else ""
        yield Hit(workload.ref.id, workload.ref.line,
                  f"{workload.label}: spec.selector {selector.describe()}{why} does not match "
                  f"its template labels ({labels})")


def _statefulsets(context: Context) -> Iterator[tuple]:
    for workload in context.bundle.workloads:
        if workload.kind == "StatefulSet" and workload.service_name:
            yield workload, context.bundle.service(workload.namespace, workload.service_name)


@rule("statefulset-service-missing")
def service_missing(context: Context) -> Iterator[Hit]:
    for sts, service in _statefulsets(context):
        if service is None:
            yield Hit(sts.ref.id, sts.ref.line,
                      f"{sts.label}: serviceName {sts.service_name} names no Service in "
                      f"namespace {sts.namespace}")


@rule("statefulset-service-not-headless")
def service_not_headless(context: Context) -> Iterator[Hit]:
    for sts, service in _statefulsets(context):
        if service is not None and not service.headless:
            yield Hit(sts.ref.id, sts.ref.line,
                      f"{sts.label}: governing Service {service.key} is not headless "
                      f"(clusterIP is {service.cluster_ip or 'allocated'}, not None)")


@rule("statefulset-service-selector-mismatch")
def service_selector_mismatch(context: Context) -> Iterator[Hit]:
    for sts, service in _statefulsets(context):
        if service is not None and not service.selector.matches(sts.labels):
            yield Hit(sts.ref.id, sts.ref.line,
                      f"{sts.label}: governing Service {service.key} selects "
                      f"{service.selector.describe()}, which does not match the StatefulSet's pods")
