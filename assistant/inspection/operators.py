"""Pods that known operators create from custom resources (data in ``operators.yaml``).

A bundle that ships a ``Prometheus`` object ships its pods too, only one step removed: the
Prometheus operator turns it into a StatefulSet whose pods carry the operator's labels plus the
resource's ``podMetadata.labels``. Without modelling that step, every Service and NetworkPolicy
that selects those pods looks like it selects nothing. Only the facts listed in the data file
(labels the operator always sets, container ports, where user labels come from) are used.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .model import Container, ContainerPort, ObjectRef, Workload
from .selectors import labels_of

__all__ = ["OperatorSpec", "operator_specs", "operator_workload", "may_create_pods"]

_DATA = Path(__file__).with_name("operators.yaml")


@dataclass(frozen=True)
class OperatorSpec:
    group: str
    kind: str
    operator: str
    controller: str
    pod_name: str
    replicas_path: str | None
    replicas_default: int
    pod_labels_path: str | None
    labels: dict[str, str]
    ports: tuple[tuple[str, int, str], ...]
    sources: tuple[str, ...]


@lru_cache(maxsize=1)
def operator_specs() -> dict[tuple[str, str], OperatorSpec]:
    """``(group, kind)`` -> what the operator creates."""
    specs = {}
    for entry in _data().get("operators") or []:
        replicas = entry.get("replicas") or {}
        spec = OperatorSpec(
            group=entry["group"], kind=entry["kind"], operator=entry["operator"],
            controller=entry["controller"], pod_name=entry["pod_name"],
            replicas_path=replicas.get("path"), replicas_default=int(replicas.get("default", 1)),
            pod_labels_path=entry.get("pod_labels"),
            labels={str(k): str(v) for k, v in (entry.get("labels") or {}).items()},
            ports=tuple((p["name"], int(p["port"]), str(p.get("protocol", "TCP")).upper()) for p in entry["ports"]),
            sources=tuple(entry.get("sources") or ()),
        )
        specs[(spec.group, spec.kind)] = spec
    return specs


@lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load(_DATA.read_text(encoding="utf-8")) or {}


def may_create_pods(kind: str) -> bool:
    """Whether an unknown custom resource kind could be what creates some pods (not a config-only kind)."""
    return kind not in set(_data().get("creates_no_pods") or ())


def _dig(data: Any, path: str | None) -> Any:
    if not path:
        return None
    for part in path.split("."):
        if isinstance(data, list) and part.isdigit():
            data = data[int(part)] if int(part) < len(data) else None
        elif isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def operator_workload(ref: ObjectRef) -> Workload | None:
    """The pods a known operator creates for this custom resource, or ``None`` if it is not known."""
    group = ref.api_version.split("/", 1)[0] if "/" in ref.api_version else ""
    spec = operator_specs().get((group, ref.kind))
    if spec is None or not ref.namespace:
        return None
    labels = labels_of(_dig(ref.data, spec.pod_labels_path))
    labels.update({k: v.replace("{name}", ref.name) for k, v in spec.labels.items()})
    replicas = _dig(ref.data, spec.replicas_path)
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        replicas = spec.replicas_default
    pod_name = spec.pod_name.replace("{name}", ref.name)
    pods_ref = ObjectRef(spec.controller, ref.namespace, pod_name, ref.line, "", ref.document, {})
    container = Container(ref.kind.lower(), [ContainerPort(number, name, protocol, None, ref.kind.lower())
                                             for name, number, protocol in spec.ports], [])
    return Workload(ref=pods_ref, labels=labels, containers=[container], replicas=replicas,
                    controller=spec.controller,
                    origin=f"created by the {spec.operator} from {ref.kind} {ref.namespace}/{ref.name}")
