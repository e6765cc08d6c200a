"""Answers computed from the user's own names: Service DNS names, Service environment variables,
nodePort validity, pod A records and StatefulSet pod names behind a headless Service.

The functions at the top are pure and exact (``service_dns_names("api", "shop")``); ``compute``
reads a question (its cues come from ``intents.yaml``, its names from ``entities.py``) and picks one.
Each computed answer names the KB entry whose official sources back it, so the answer still cites them.

>>> service_dns_names("api", "shop")["fqdn"]
'api.shop.svc.cluster.local'
>>> service_env_prefix("redis-master")
'REDIS_MASTER'
>>> pod_a_record("10.244.1.5", "shop")
'10-244-1-5.shop.pod.cluster.local'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.answering.entities import Entities
from assistant.answering.intents import matches_cue
from assistant.naming import (
    MAX_LABEL, NODEPORT_RANGE, env_prefix, label_problems, nodeport_verdict, pod_a_record, service_dns_names,
    statefulset_pod_fqdn, statefulset_pod_name, suggest_label,
)

__all__ = ["MAX_LABEL", "NODEPORT_RANGE", "Computed", "compute", "label_problems", "nodeport_verdict", "pod_a_record",
           "service_dns_names", "service_env_prefix", "service_env_vars", "statefulset_pod_dns", "suggest_label"]

MAX_LISTED_REPLICAS = 5


# -- pure computations (the grammars and derived names live in assistant.naming) ------------------------
def service_env_prefix(service: str) -> str:
    """``{NAME}`` of the Service environment variables: upper-cased, dashes to underscores."""
    return env_prefix(service)


def service_env_vars(service: str, port: int | None = None, protocol: str = "TCP",
                     port_name: str | None = None) -> list[dict[str, str]]:
    """The variables the kubelet injects for ``service`` (one port), each with its value's shape.

    Without a port, the port appears as ``<port>``.
    """
    n = service_env_prefix(service)
    p = str(port) if port is not None else "<port>"
    proto = protocol.upper()
    base = f"{n}_PORT_{p}_{proto}"
    out = [
        {"name": f"{n}_SERVICE_HOST", "value": "<cluster IP>"},
        {"name": f"{n}_SERVICE_PORT", "value": p},
    ]
    if port_name:
        out.append({"name": f"{n}_SERVICE_PORT_{env_prefix(port_name)}", "value": p})
    out += [
        {"name": f"{n}_PORT", "value": f"{proto.lower()}://<cluster IP>:{p}"},
        {"name": base, "value": f"{proto.lower()}://<cluster IP>:{p}"},
        {"name": f"{base}_PROTO", "value": proto.lower()},
        {"name": f"{base}_PORT", "value": p},
        {"name": f"{base}_ADDR", "value": "<cluster IP>"},
    ]
    return out


def statefulset_pod_dns(statefulset: str, service: str, namespace: str, replicas: int | None = None,
                        cluster_domain: str = "cluster.local", ordinal: int | None = None) -> list[dict[str, str]]:
    """Each StatefulSet pod's name and its DNS name behind the governing headless Service."""
    if ordinal is not None:
        ordinals = [ordinal]
    else:
        count = replicas if replicas is not None else 3
        ordinals = list(range(min(count, MAX_LISTED_REPLICAS)))
        if count > MAX_LISTED_REPLICAS:
            ordinals.append(count - 1)
    return [{"pod": statefulset_pod_name(statefulset, i),
             "fqdn": statefulset_pod_fqdn(statefulset, i, service, namespace, cluster_domain)} for i in ordinals]


# -- reading a question ----------------------------------------------------------------------------
@dataclass
class Computed:
    """One computed answer: ``kind`` picks the template, ``entry_id`` the KB entry that cites the docs."""

    kind: str
    entry_id: str
    data: dict[str, Any] = field(default_factory=dict)


def _invalid(name: str, role: str, rule: str = "dns-1035") -> Computed | None:
    problems = label_problems(name, rule=rule)
    if not problems:
        return None
    return Computed("invalid-name", "service", {"name": name, "role": role, "rule": rule, "problems": problems,
                                                "length": len(name), "suggestion": suggest_label(name, rule=rule)})


def _port_for_env(ents: Entities) -> int | None:
    """The port written beside port / 端口, if it is a port number."""
    return next((n for n in ents.numbers if 1 <= n <= 65535), None)


def compute(question: str, lang: str, ents: Entities, *, intent: str, namespace: str = "default",
            cluster_domain: str = "cluster.local", previous_kind: str | None = None) -> Computed | None:
    """A computed answer when the question asks for one and names what it needs, else None.

    ``previous_kind`` lets a chat follow-up ("and from another namespace?") recompute the previous
    turn's kind with the merged names.
    """
    if intent in ("troubleshooting", "comparison", "greeting") or ents.pasted:
        return None
    ns = ents.namespace or namespace

    def cue(name: str) -> bool:
        return matches_cue(name, question, lang) or previous_kind == name

    if ents.service and cue("service-env"):
        bad = _invalid(ents.service, "service")
        if bad:
            return bad
        port = _port_for_env(ents)
        return Computed("service-env", "service-environment-variables", {
            "service": ents.service, "namespace": ns, "prefix": service_env_prefix(ents.service),
            "vars": service_env_vars(ents.service, port), "port": port})

    if ents.nodeport is not None and (cue("nodeport-check") or previous_kind == "nodeport-check"):
        port = ents.nodeport
        return Computed("nodeport-check", "nodeport-choose-port", {
            "port": port, "verdict": nodeport_verdict(port), "low": NODEPORT_RANGE[0], "high": NODEPORT_RANGE[1]})

    if ents.ip and cue("pod-record"):
        bad = _invalid(ns, "namespace", "dns-1123")
        if bad:
            return bad
        return Computed("pod-record", "pod-dns-records", {
            "ip": ents.ip, "namespace": ns, "record": pod_a_record(ents.ip, ns, cluster_domain),
            "cluster_domain": cluster_domain})

    sts = ents.statefulset
    ordinal = None
    if not sts and ents.ordinal_pod and cue("statefulset") and (cue("statefulset-pod") or cue("service-dns")):
        sts, ordinal = ents.ordinal_pod
    if sts and (cue("statefulset") or previous_kind == "statefulset-dns"):
        service = ents.governing_service
        for name, role in ((sts, "statefulset"), (service, "service")):
            if name:
                bad = _invalid(name, role, "dns-1123" if role == "statefulset" else "dns-1035")
                if bad:
                    return bad
        return Computed("statefulset-dns", "statefulset-identity", {
            "statefulset": sts, "service": service or "<serviceName>", "service_known": bool(service),
            "namespace": ns, "replicas": ents.replicas,
            "pods": statefulset_pod_dns(sts, service or "<serviceName>", ns, ents.replicas, cluster_domain, ordinal),
            "cluster_domain": cluster_domain})

    if ents.service and cue("service-dns"):
        bad = _invalid(ents.service, "service")
        if bad:
            return bad
        bad = _invalid(ns, "namespace", "dns-1123")
        if bad:
            return bad
        return Computed("service-dns", "dns-records-for-services", {
            "service": ents.service, "namespace": ns, "cluster_domain": cluster_domain,
            "names": service_dns_names(ents.service, ns, cluster_domain),
            "namespace_given": ents.namespace is not None})
    return None
