"""Kubernetes naming rules, in one place: the name grammars the API server enforces and the names
Kubernetes derives from them (Service DNS names, pod A records, StatefulSet pod names, Service
environment variables), plus the default nodePort range.

Answers (``answering/computed.py``) and the inspector (``inspection/explain.py``, the
``object-name-invalid`` rule) both call these functions, so ``podtalk ask`` and ``podtalk inspect``
can never disagree about a name. Pure functions, no imports from the rest of podtalk.

>>> label_problems("1web")
['leading-digit']
>>> service_fqdn("api", "shop")
'api.shop.svc.cluster.local'
>>> env_prefix("redis-master")
'REDIS_MASTER'
>>> pod_a_record("10.244.1.5", "shop")
'10-244-1-5.shop.pod.cluster.local'
"""

from __future__ import annotations

import ipaddress
import re

NAMES_DOC = "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/"
DNS1035_DOC = NAMES_DOC + "#rfc-1035-label-names"
"""Service names are RFC 1035 labels."""
DNS1123_LABEL_DOC = NAMES_DOC + "#dns-label-names"
"""Namespace names are RFC 1123 labels."""
DNS1123_SUBDOMAIN_DOC = NAMES_DOC + "#dns-subdomain-names"
"""Most other objects (Deployments, Pods, ...) need at least an RFC 1123 subdomain."""
SERVICE_DNS_DOC = "https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#services"
POD_DNS_DOC = "https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pods"
STATEFULSET_DNS_DOC = "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id"
SERVICE_ENV_DOC = "https://kubernetes.io/docs/concepts/services-networking/service/#environment-variables"
NODEPORT_DOC = "https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport"

MAX_LABEL = 63
MAX_SUBDOMAIN = 253
NODEPORT_RANGE = (30000, 32767)
"""The default ``--service-node-port-range`` of kube-apiserver (NODEPORT_DOC)."""

DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")

RULES = ("dns-1035", "dns-1123", "dns-1123-subdomain")
"""Grammar names: ``dns-1035`` label (Services), ``dns-1123`` label (Namespaces), ``dns-1123-subdomain``
(Deployments, StatefulSets, Pods, ...: dot-separated labels, 253 characters in all)."""

RULE_DOCS = {"dns-1035": DNS1035_DOC, "dns-1123": DNS1123_LABEL_DOC, "dns-1123-subdomain": DNS1123_SUBDOMAIN_DOC}

KIND_RULES = {"Service": "dns-1035", "Namespace": "dns-1123"}
"""The grammar the API server applies to a kind's ``metadata.name``; other kinds: ``dns-1123-subdomain``."""


def rule_for_kind(kind: str) -> str:
    """The name grammar of ``kind`` (see :data:`KIND_RULES`)."""
    return KIND_RULES.get(kind, "dns-1123-subdomain")


def _label_problems(name: str, rule: str) -> list[str]:
    problems: list[str] = []
    if not name:
        return ["empty"]
    if len(name) > MAX_LABEL:
        problems.append("too-long")
    if any(ch.isupper() for ch in name):
        problems.append("uppercase")
    if re.search(r"[^A-Za-z0-9-]", name):
        problems.append("bad-chars")
    first = name[0]
    if rule == "dns-1035":
        if not ("a" <= first.lower() <= "z"):
            problems.append("leading-digit" if first.isdigit() else "bad-start")
    elif not (first.isascii() and first.isalnum()):
        problems.append("bad-start")
    if not (name[-1].isascii() and name[-1].isalnum()):
        problems.append("bad-end")
    if not problems:
        pattern = DNS1035_LABEL if rule == "dns-1035" else DNS1123_LABEL
        if not pattern.fullmatch(name):  # non-ASCII letters and digits
            problems.append("bad-chars")
    return problems


def label_problems(name: str, *, rule: str = "dns-1035") -> list[str]:
    """Why ``name`` breaks the grammar ``rule``, as stable codes (empty list: valid).

    ``dns-1035`` (Services): at most 63 of ``a-z0-9-``, starting with a letter, ending with a letter
    or digit. ``dns-1123`` (Namespaces) also allows a leading digit. ``dns-1123-subdomain``: such
    labels joined by dots, 253 characters in all.
    """
    if rule == "dns-1123-subdomain":
        if not name:
            return ["empty"]
        problems: list[str] = ["too-long"] if len(name) > MAX_SUBDOMAIN else []
        for label in name.split("."):
            for p in _label_problems(label, "dns-1123"):
                if p == "too-long" or p in problems:
                    continue
                problems.append(p)
            if len(label) > MAX_LABEL and "too-long" not in problems:
                problems.append("too-long")
        return problems
    return _label_problems(name, rule)


def is_valid(name: str, rule: str = "dns-1035") -> bool:
    """Whether the API server accepts ``name`` under ``rule``."""
    return not label_problems(name, rule=rule)


def is_dns_subdomain(name: str) -> bool:
    """RFC 1123 subdomain: dot-separated lower-case labels of 1-63 characters, 253 characters in all."""
    return len(name) <= MAX_SUBDOMAIN and all(DNS1123_LABEL.fullmatch(part) and len(part) <= MAX_LABEL
                                              for part in name.split("."))


def suggest_label(name: str, *, rule: str = "dns-1035") -> str | None:
    """A valid label close to ``name`` (lower-cased, other characters to ``-``), or None."""
    s = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    if rule == "dns-1035":
        s = s.lstrip("0123456789-")
    s = s[:MAX_LABEL].rstrip("-")
    check = "dns-1123" if rule == "dns-1123-subdomain" else rule
    return s if s and not label_problems(s, rule=check) and s != name else None


# -- names Kubernetes derives ------------------------------------------------------------------------
def service_fqdn(service: str, namespace: str, cluster_domain: str = "cluster.local") -> str:
    """A Service's A/AAAA name (SERVICE_DNS_DOC)."""
    return f"{service}.{namespace}.svc.{cluster_domain}"


def service_dns_names(service: str, namespace: str, cluster_domain: str = "cluster.local") -> dict[str, str]:
    """The names that resolve to Service ``service`` in ``namespace``: the FQDN and its short forms."""
    return {
        "fqdn": service_fqdn(service, namespace, cluster_domain),
        "same_namespace": service,
        "other_namespace": f"{service}.{namespace}",
        "svc": f"{service}.{namespace}.svc",
        "srv_example": f"_http._tcp.{service_fqdn(service, namespace, cluster_domain)}",
    }


def pod_a_record(ip: str, namespace: str, cluster_domain: str = "cluster.local") -> str:
    """A pod's A record: its IPv4 address with dashes, then ``<namespace>.pod.<domain>`` (POD_DNS_DOC)."""
    addr = ipaddress.IPv4Address(ip)
    return f"{str(addr).replace('.', '-')}.{namespace}.pod.{cluster_domain}"


def statefulset_pod_name(statefulset: str, ordinal: int) -> str:
    """``<statefulset>-<ordinal>`` (STATEFULSET_DNS_DOC)."""
    return f"{statefulset}-{ordinal}"


def subdomain_fqdn(hostname: str, subdomain: str, namespace: str, cluster_domain: str = "cluster.local") -> str:
    """A pod's name behind a headless Service: StatefulSet pods (hostname = pod name, subdomain =
    ``serviceName``) and pods with ``hostname`` + ``subdomain`` (POD_DNS_DOC)."""
    return f"{hostname}.{subdomain}.{namespace}.svc.{cluster_domain}"


def statefulset_pod_fqdn(statefulset: str, ordinal: int, service: str, namespace: str,
                         cluster_domain: str = "cluster.local") -> str:
    """A StatefulSet pod's stable DNS name behind its governing headless Service."""
    return subdomain_fqdn(statefulset_pod_name(statefulset, ordinal), service, namespace, cluster_domain)


def env_prefix(name: str) -> str:
    """The kubelet's ``makeEnvVariableName``: upper case, dashes to underscores (SERVICE_ENV_DOC)."""
    return name.replace("-", "_").upper()


def service_env_names(service: str, ports: list[tuple[int, str, str | None]]) -> list[str]:
    """The variable names the kubelet injects for a Service with a cluster IP, in its order.

    ``ports`` is ``[(port, protocol, port name or None), ...]``: ``{N}_SERVICE_HOST``, then with ports
    ``{N}_SERVICE_PORT``, ``{N}_SERVICE_PORT_{NAME}`` per named port, ``{N}_PORT`` (first port) and
    ``{N}_PORT_{port}_{PROTO}`` with ``_PROTO``, ``_PORT``, ``_ADDR`` for every port.
    """
    prefix = env_prefix(service)
    names = [f"{prefix}_SERVICE_HOST"]
    if not ports:
        return names
    names.append(f"{prefix}_SERVICE_PORT")
    names.extend(f"{prefix}_SERVICE_PORT_{env_prefix(name)}" for _, _, name in ports if name)
    for i, (port, protocol, _) in enumerate(ports):
        if i == 0:
            names.append(f"{prefix}_PORT")
        base = f"{prefix}_PORT_{port}_{protocol.upper()}"
        names.extend([base, f"{base}_PROTO", f"{base}_PORT", f"{base}_ADDR"])
    return names


ENV_VAR_NAME = re.compile(r"\b[A-Z][A-Z0-9_]*_(?:SERVICE_HOST|SERVICE_PORT(?:_[A-Z0-9_]+)?|PORT(?:_\d+_(?:TCP|UDP|SCTP)"
                          r"(?:_PROTO|_PORT|_ADDR)?)?)\b")
"""A Service environment-variable name as a user quotes it (``FOO_SERVICE_HOST``, ``FOO_PORT_80_TCP``)."""


def nodeport_in_range(port: int, port_range: tuple[int, int] = NODEPORT_RANGE) -> bool:
    """Whether ``port`` is inside the (default) nodePort range."""
    return port_range[0] <= port <= port_range[1]


def nodeport_verdict(port: int, port_range: tuple[int, int] = NODEPORT_RANGE) -> str:
    """``valid`` inside the range, ``out-of-range`` for another TCP/UDP port, ``not-a-port`` otherwise."""
    if not 1 <= port <= 65535:
        return "not-a-port"
    return "valid" if nodeport_in_range(port, port_range) else "out-of-range"
