"""Pull the user's own names out of a question: a Service name, a namespace, a pod IP, a port
number, a nodePort, a StatefulSet and its replica count, a StatefulSet pod name such as ``mysql-0``.

Extraction is deliberately literal and deliberately strict (patterns in ``entities.yaml``): a name
counts only where the question marks it as one (named / called / ``service X in namespace Y`` /
backticks / 名为 / 服务 X ...), a port only beside port / nodePort / 端口, an IP only beside "pod IP".
Pasted output (an error message, ``host:port`` pairs, environment-variable names) is masked first,
so nothing inside it is ever read as a name. Names are taken as written (upper case included), so the
computed answers can reject an invalid name and explain the rule instead of silently fixing it.

>>> e = extract("DNS name of service api in namespace shop")
>>> (e.service, e.namespace)
('api', 'shop')
>>> extract("dial tcp: lookup orders on 10.96.0.10:53: no such host").ip is None
True
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.knowledge import regex_cache
from assistant.knowledge.yaml_cache import read_yaml

PATTERNS_PATH = Path(__file__).with_name("entities.yaml")
_IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}(?![\d.:]|/\d)"
_ORDINAL_POD = re.compile(r"\b([a-z][a-z0-9-]*?)-(\d{1,4})\b")


@lru_cache(maxsize=1)
def patterns() -> dict[str, Any]:
    """``entities.yaml`` compiled: one list of patterns per entity, the masks and the stop words."""
    raw = read_yaml(PATTERNS_PATH)  # parsed once per content (PyYAML's import alone costs ~10 ms)

    def comp(items: list[str]) -> list[re.Pattern[str]]:
        return [regex_cache.compile(p.replace("{N}", raw["name"]).replace("{Q}", raw["quote"]).replace("{IP}", _IPV4),
                           re.IGNORECASE) for p in items]

    out: dict[str, Any] = {k: comp(raw[k]) for k in ("pasted", "pasted_output", "service", "namespace", "statefulset",
                                                       "governing_service", "ip", "port", "nodeport", "replicas")}
    out["not_names"] = frozenset(raw["not_names"].split())
    out["not_namespaces"] = frozenset(raw["not_namespaces"].split())
    return out


@dataclass
class Entities:
    """What the question names. ``None`` when it does not name it."""

    service: str | None = None
    namespace: str | None = None
    ip: str | None = None
    numbers: list[int] = field(default_factory=list)
    """Port numbers written beside port / 端口."""
    nodeport: int | None = None
    """A number written beside nodePort / node port / 节点端口."""
    statefulset: str | None = None
    governing_service: str | None = None
    replicas: int | None = None
    ordinal_pod: tuple[str, int] | None = None
    pasted: bool = False
    """The question is (or quotes) pasted output: an error message, command output."""

    def merged_over(self, previous: "Entities | None") -> "Entities":
        """These entities, with gaps filled from the previous turn's (for follow-ups)."""
        if previous is None:
            return self
        filled = {k: v for k, v in vars(previous).items() if v not in (None, [], False)}
        filled.update({k: v for k, v in vars(self).items() if v not in (None, [], False)})
        return replace(Entities(), **filled)


def mask_pasted(text: str) -> str:
    """``text`` with pasted output blanked out (same length): URLs, ``host:port`` pairs, field paths,
    environment-variable names, quoted error text, the tail of a network error line."""
    for pat in patterns()["pasted"]:
        text = pat.sub(lambda m: " " * len(m.group()), text)
    return text


def looks_pasted(text: str) -> bool:
    """Whether the question is or quotes pasted output (no computed answer then)."""
    return any(p.search(text) for p in patterns()["pasted_output"])


def _first_name(pats: list[re.Pattern[str]], text: str, exclude: set[str] = frozenset(),
                stop_list: str = "not_names") -> str | None:
    stop = patterns()[stop_list]
    for pat in pats:
        for m in pat.finditer(text):
            name = m.group(1).rstrip(".-_")
            low = name.lower()
            if not name or low in stop or low in exclude or name.isdigit():
                continue
            if low.startswith(("kube-proxy", "clusterip")):
                continue
            return name
    return None


def _first_number(pats: list[re.Pattern[str]], text: str) -> int | None:
    for pat in pats:
        m = pat.search(text)
        if m:
            return int(m.group(1))
    return None


def extract(question: str) -> Entities:
    """Entities named in ``question`` (see :class:`Entities`)."""
    text = question.replace("，", ", ").replace("。", ". ").replace("？", "? ").replace("：", ": ")
    p = patterns()
    ent = Entities(pasted=looks_pasted(text))
    text = mask_pasted(text)
    ent.namespace = _first_name(p["namespace"], text,
                                exclude={"another", "other", "different", "same", "label", "labels", "selector",
                                         "namespaceselector", "boundary", "下", "里"}, stop_list="not_namespaces")
    ent.statefulset = _first_name(p["statefulset"], text, exclude={"pod", "pods", "governing", "spec"})
    service = _first_name(p["service"], text, exclude={(ent.namespace or "").lower(), "headless", "pod", "pods",
                                                        (ent.statefulset or "").lower()})
    if service and "." in service and not ent.namespace:
        # "api.shop" or "api.shop.svc.cluster.local": the user wrote name.namespace
        parts = service.split(".")
        service, ent.namespace = parts[0], parts[1]
    ent.service = service
    if ent.statefulset:
        ent.governing_service = _first_name(p["governing_service"], text,
                                            exclude={ent.statefulset.lower(), "headless", "pod", "pods"})
        if ent.governing_service and ent.service == ent.governing_service:
            ent.service = None
    ent.replicas = _first_number(p["replicas"], text)
    for pat in p["ip"]:
        m = pat.search(text)
        if m:
            try:
                ipaddress.IPv4Address(m.group(1))
            except ValueError:
                continue
            ent.ip = m.group(1)
            break
    no_ip = re.sub(_IPV4, " ", text)
    ent.nodeport = _first_number(p["nodeport"], no_ip)
    ent.numbers = [int(m.group(1)) for pat in p["port"] for m in pat.finditer(no_ip)]
    m = _ORDINAL_POD.search(no_ip)
    if m:
        ent.ordinal_pod = (m.group(1), int(m.group(2)))
    return ent
