"""Pull the user's own names out of a question: a Service name, a namespace, a pod IP, a port
number, a StatefulSet and its replica count, a StatefulSet pod name such as ``mysql-0``.

Extraction is deliberately literal: names are taken as written (upper case included), so the
computed answers can reject an invalid name and explain the rule instead of silently fixing it.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field, replace

_N = r"[`'\"“”‘’]?([A-Za-z0-9][A-Za-z0-9_.-]*)[`'\"“”‘’]?"
"""A Kubernetes-ish name as a user types it (quotes/backticks allowed around it)."""

# Words that follow "service"/"namespace" in ordinary sentences and are never the user's name.
_NOT_NAMES = frozenset("""
a an the is are was be in into on of for from to with by and or as at it its this that these those which what who
called named name names type types typed account accounts mesh meshes discovery object objects spec selector
selectors port ports ip ips dns env environment variable variables var vars record records cidr range ranges
host hostname address addresses ip-address fqdn domain url network networking networks policy policies
definition work works called, named, so but if then when where how why do does did can could should would
will not no my your our their his her other another same different each every all any some one two
clusterip nodeport loadbalancer externalname headless normal default-type kubernetes k8s internal external
also just only still already exist exists existing lives living running created
return returns resolve resolves get gets have has need needs point points proxy proxies expose exposes route
routes fail fails work use uses show shows reach reaches send sends listen listens own itself myself yourself
themselves ourselves them they we i you he she pod pods then there here via behind before after without
""".split())

_SERVICE_PATTERNS = [
    re.compile(r"\b(?:service|svc)\s+(?:is\s+|was\s+)?(?:named|called)\s+" + _N, re.I),
    re.compile(r"\b(?:service|svc)(?:\s+name)?\s*[:=]\s*" + _N, re.I),
    re.compile(r"\b(?:service|svc)/" + _N, re.I),
    re.compile(r"\b(?:headless\s+)?(?:service|svc)\s+" + _N, re.I),
    re.compile(r"(?:服务名|服务名称|服务)\s*(?:名为|名叫|叫做|叫|名字是|名字叫|名称是|是|为)?\s*" + _N, re.I),
    re.compile(r"\b(?:service|svc)\s*(?:名为|名叫|叫做|叫|名字是|名字叫|名称是|是|为)\s*" + _N, re.I),
    re.compile(r"[`'\"“”‘’]([A-Za-z0-9][A-Za-z0-9_.-]*)[`'\"“”‘’]\s*(?:service|svc|服务)", re.I),
    re.compile(r"\b(?:the|my|our|your|for|of)\s+([A-Za-z0-9][A-Za-z0-9_.-]*)\s+(?:service|svc)\b", re.I),
]
_NAMESPACE_PATTERNS = [
    re.compile(r"(?:--namespace[= ]|-n\s+)" + _N),
    re.compile(r"\b(?:namespace|ns)\s*(?:is\s+|named\s+|called\s+|[:=]\s*)?" + _N, re.I),
    re.compile(r"\b(?:in|from|of|to)\s+(?:the\s+)?" + _N + r"\s+(?:namespace|ns)\b", re.I),
    re.compile(r"(?:命名空间|名字空间|名称空间|namespace|ns)\s*(?:为|是|叫|名为)?\s*" + _N, re.I),
    re.compile(_N + r"\s*(?:命名空间|名字空间|名称空间|空间)"),
]
_STATEFULSET_PATTERNS = [
    re.compile(r"\b(?:stateful ?set|sts)\s+(?:is\s+)?(?:named\s+|called\s+)?" + _N, re.I),
    re.compile(r"\b(?:stateful ?set|sts)\s*[:=/]\s*" + _N, re.I),
    re.compile(r"\b([A-Za-z0-9][A-Za-z0-9_.-]*)\s+(?:stateful ?set|sts)\b", re.I),
    re.compile(r"(?:stateful ?set|sts)\s*(?:名为|叫做?|是)\s*" + _N, re.I),
    re.compile(r"(?:stateful ?set|sts)\s*" + _N + r"\s*(?=[\u3400-\u9fff])", re.I),
]
_GOVERNING_PATTERNS = [
    re.compile(r"\bserviceName\s*[:=]?\s*" + _N),
    re.compile(r"\bheadless\s+(?:service|svc)\s+(?:named\s+|called\s+)?" + _N, re.I),
    re.compile(r"\b(?:service|svc)\s+(?:named\s+|called\s+)?" + _N, re.I),
    re.compile(r"(?:服务)\s*(?:名为|叫做?|是)?\s*" + _N, re.I),
]
_REPLICAS = [re.compile(r"\b(\d{1,4})\s+(?:replicas?|pods?|instances?)\b", re.I),
             re.compile(r"\breplicas?\s*[:=]?\s*(\d{1,4})\b", re.I),
             re.compile(r"(\d{1,4})\s*(?:个)?(?:副本|实例|pod)", re.I)]
_IPV4 = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])")
_NUMBER = re.compile(r"(?<![\w.:-])(\d{1,6})(?![\w.]|:\d)")
_ORDINAL_POD = re.compile(r"\b([a-z][a-z0-9-]*?)-(\d{1,4})\b")


@dataclass
class Entities:
    """What the question names. ``None`` when it does not name it."""

    service: str | None = None
    namespace: str | None = None
    ip: str | None = None
    numbers: list[int] = field(default_factory=list)
    statefulset: str | None = None
    governing_service: str | None = None
    replicas: int | None = None
    ordinal_pod: tuple[str, int] | None = None

    def merged_over(self, previous: "Entities | None") -> "Entities":
        """These entities, with gaps filled from the previous turn's (for follow-ups)."""
        if previous is None:
            return self
        filled = {k: v for k, v in vars(previous).items() if v not in (None, [])}
        filled.update({k: v for k, v in vars(self).items() if v not in (None, [])})
        return replace(Entities(), **filled)


def _first_name(patterns: list[re.Pattern[str]], text: str, exclude: set[str] = frozenset()) -> str | None:
    for pat in patterns:
        for m in pat.finditer(text):
            name = m.group(1).rstrip(".-_")
            if not name or name.lower() in _NOT_NAMES or name.lower() in exclude or name.isdigit():
                continue
            if name.lower().startswith(("kube-proxy", "clusterip")):
                continue
            return name
    return None


def extract(question: str) -> Entities:
    """Entities named in ``question`` (see :class:`Entities`)."""
    text = question.replace("，", ", ").replace("。", ". ").replace("？", "? ").replace("：", ": ")
    ent = Entities()
    ent.namespace = _first_name(_NAMESPACE_PATTERNS, text,
                                exclude={"namespace", "namespaces", "another", "other", "different", "same",
                                         "label", "labels", "selector", "namespaceselector", "boundary"})
    ent.statefulset = _first_name(_STATEFULSET_PATTERNS, text, exclude={"pod", "pods", "governing", "spec"})
    service = _first_name(_SERVICE_PATTERNS, text, exclude={(ent.namespace or "").lower(), "headless", "pod", "pods"})
    if service and "." in service and not ent.namespace:
        # "api.shop" or "api.shop.svc.cluster.local": the user wrote name.namespace
        parts = service.split(".")
        service, ent.namespace = parts[0], parts[1]
    ent.service = service
    if ent.statefulset:
        ent.governing_service = _first_name(_GOVERNING_PATTERNS, text,
                                            exclude={ent.statefulset.lower(), "headless", "pod", "pods"})
    for pat in _REPLICAS:
        m = pat.search(text)
        if m:
            ent.replicas = int(m.group(1))
            break
    for m in _IPV4.finditer(text):
        try:
            ipaddress.IPv4Address(m.group(1))
        except ValueError:
            continue
        ent.ip = m.group(1)
        break
    no_ip = _IPV4.sub(" ", text)
    ent.numbers = [int(n) for n in _NUMBER.findall(no_ip)]
    m = _ORDINAL_POD.search(no_ip)
    if m:
        ent.ordinal_pod = (m.group(1), int(m.group(2)))
    return ent
