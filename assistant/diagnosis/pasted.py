"""Recognise pasted command output and read what its structure says.

Regex clues already catch error lines; this module reads what needs the layout: the kind of output
(``kubectl describe svc``, a ``kubectl get pods -o wide`` table, ``nslookup``/``dig``, ``curl -v``,
Envoy access-log lines, CoreDNS or kube-proxy logs, ``kubectl logs`` dial errors), table columns
(READY ``0/1``, ENDPOINTS ``<none>``, EXTERNAL-IP ``<pending>``), the Envoy status code and response
flags, and a failed lookup of a cluster name versus an external one. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.diagnosis.clues import ClueHit
from assistant.diagnosis.wording import every_language

# kind id -> recognising regex (what each kind is called, per language: templates/<lang>/strings.yaml "pasted")
KINDS: dict[str, re.Pattern[str]] = {
    "describe-service": re.compile(r"^Name:\s+\S+[\s\S]*^(Selector|Type|IPs?|Endpoints):", re.M),
    "describe-pod": re.compile(r"^(Containers|Conditions|Node):\s*$|^Status:\s+(Running|Pending|Failed)", re.M),
    "describe-endpoints": re.compile(r"^Subsets:\s*$|^\s+(NotReadyAddresses|Addresses):", re.M),
    "get-services": re.compile(r"^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)", re.M),
    "get-endpoints": re.compile(r"^NAME\s+ENDPOINTS\s+AGE", re.M),
    "get-endpointslices": re.compile(r"^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS", re.M),
    "get-pods": re.compile(r"^(NAMESPACE\s+)?NAME\s+READY\s+STATUS\s+RESTARTS", re.M),
    "get-nodes": re.compile(r"^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION", re.M),
    "events": re.compile(r"^\s*(Type\s+Reason\s+Age|LAST SEEN\s+TYPE\s+REASON)", re.M),
    "nslookup": re.compile(r"^(Server|Address( 1)?):\s+\S+|\*\* server can't find|;; connection timed out", re.M),
    "dig": re.compile(r"^; <<>> DiG|;; ->>HEADER<<-|;; ANSWER SECTION", re.M),
    "curl": re.compile(r"^\*\s+(Trying|Connected to|connect to|Failed to connect)|^curl: \(\d+\)|^[<>] (GET|HTTP/)", re.M),
    "envoy-access-log": re.compile(r'^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] "[A-Z]+ \S+ HTTP/[\d.]+" \d{3} [A-Z,-]+', re.M),
    "coredns-log": re.compile(r"^\[(INFO|ERROR|FATAL|WARNING)\] plugin/|CoreDNS-\d+\.\d+", re.M),
    "kube-proxy-log": re.compile(r"^[IEWF]\d{4} [\d:.]+\s+\d+ (proxier|server|server_others|iptables|ipvs)[\w_]*\.go", re.M),
    "klog": re.compile(r"^[IEWF]\d{4} [\d:.]+\s+\d+ [\w_]+\.go:\d+\]", re.M),
    "app-log-dial": re.compile(r"dial (tcp|udp)( \S+)?: (lookup|i/o|connect)", re.M),
}

_ENVOY_LINE = re.compile(r'"(?:[A-Z]+) \S+ HTTP/[\d.]+" (\d{3}) ([A-Z]+(?:,[A-Z]+)*|-)')
_ENVOY_JSON_FLAGS = re.compile(r'"response_flags"\s*:\s*"([A-Z,]+)"')
_ENVOY_FLAGS = {"UF": "sig-envoy-uf", "UH": "sig-envoy-uh", "NR": "sig-envoy-nr", "URX": "sig-envoy-urx",
                "UO": "sig-envoy-uo", "DC": "sig-envoy-dc", "UC": "sig-envoy-uc"}
_HTTP = {"404": "sig-http-404", "413": "sig-http-413", "502": "sig-http-502", "503": "sig-http-503",
         "504": "sig-http-504"}
_LOOKUP = re.compile(r"lookup ([\w.-]+)(?: on [\d.:]+)?: (no such host|server misbehaving|i/o timeout|read udp)")
_CLUSTER_NAME = re.compile(r"(\.svc(\.cluster\.local)?\.?$|\.cluster\.local\.?$|^kubernetes(\.default)?$|^[a-z0-9-]+$)")
_SEARCH_APPENDED = re.compile(r"\.(com|net|org|io|dev|be|de|cn|uk|fr|jp|co|info|cloud|ai)\.([\w-]+\.)?(svc\.)?cluster\.local\.?$")
"""An external name that failed with a search domain appended (``www.example.com.shop.svc.cluster.local``):
what failed is the external lookup, not a Service name (the clue ``sig-search-domain-appended`` names it)."""
_READY_ROW = re.compile(r"^\S+\s+(?:\S+\s+)?(\d+)/(\d+)\s+(\S+)\s+\d+", re.M)
_POD_ROW = re.compile(r"^(?:(\S+)\s+)?(\S+)\s+(\d+)/(\d+)\s+(\S+)\s+\d+", re.M)


@dataclass(frozen=True)
class PastedKind:
    id: str
    label: dict[str, str]


def recognise(text: str) -> list[PastedKind]:
    """The kinds of command output found in ``text`` (empty for a plain question)."""
    found = []
    for kind, rx in KINDS.items():
        if rx.search(text):
            if kind == "klog" and any(k.id == "kube-proxy-log" for k in found):
                continue
            found.append(PastedKind(kind, every_language("pasted", kind)))
    return found


BLOCK_KINDS = frozenset({"describe-service", "describe-pod", "describe-endpoints", "get-services", "get-endpoints",
                         "get-endpointslices", "get-pods", "get-nodes", "events", "nslookup", "dig", "curl"})
"""Kinds that only occur as a block of output (a table, a describe, a resolver's answer)."""
_LOG_LINE = re.compile(r'^\s*(\[\d{4}-\d\d-\d\d|\d{4}[-/]\d\d[-/]\d\d|[IEWF]\d{4} |\[(INFO|ERROR|WARNING|FATAL)\]|'
                       r'\{"|time="|level=|[A-Z][a-z]{2} +\d+ \d\d:\d\d)')


def looks_like_pasted_output(text: str) -> bool:
    """True when ``text`` is a block of command output (a table, a describe, resolver output, or mostly
    log lines): ``ask -`` then reads the whole input as one paste instead of one question per line."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2:
        return False
    if any(k.id in BLOCK_KINDS for k in recognise(text)):
        return True
    return sum(1 for ln in lines if _LOG_LINE.match(ln)) >= max(2, len(lines) // 2)


def _hit(cid: str, kind: str, text: str) -> ClueHit:
    return ClueHit(cid, kind, text, origin="pasted")


def read_structure(text: str) -> list[ClueHit]:
    """Clues that need the output's layout (columns, flags, names), beyond the regex clues."""
    out: list[ClueHit] = []
    kinds = {k.id for k in recognise(text)}
    # Envoy access log: status code and response flags
    for m in _ENVOY_LINE.finditer(text):
        code, flags = m.group(1), m.group(2)
        if code in _HTTP:
            out.append(_hit(_HTTP[code], "signature", f"{code} {flags}"))
        for flag in flags.split(","):
            if flag in _ENVOY_FLAGS:
                out.append(_hit(_ENVOY_FLAGS[flag], "signature", f"{code} {flags}"))
    for m in _ENVOY_JSON_FLAGS.finditer(text):
        for flag in m.group(1).split(","):
            if flag in _ENVOY_FLAGS:
                out.append(_hit(_ENVOY_FLAGS[flag], "signature", f"response_flags {m.group(1)}"))
    # tables of pods: a READY column short of its total
    if "get-pods" in kinds:
        for m in _POD_ROW.finditer(text):
            ns, name, ready, total, status = m.groups()
            if name in ("NAME", "NAMESPACE"):
                continue
            if int(ready) < int(total) and status not in ("Completed", "Succeeded"):
                out.append(_hit("obs-pods-not-ready", "observation", f"{name} {ready}/{total} {status}"))
                break
    # endpoints tables and describe output
    if "get-endpoints" in kinds or "get-endpointslices" in kinds:
        for line in text.splitlines():
            cols = line.split()
            if len(cols) >= 3 and cols[0] != "NAME":
                if "<none>" in cols or "<unset>" in cols:
                    out.append(_hit("sig-no-endpoints", "signature", line.strip()[:80]))
                elif re.search(r"\d+\.\d+\.\d+\.\d+", line):
                    out.append(_hit("obs-endpoints-present", "observation", line.strip()[:80]))
    if "describe-endpoints" in kinds and re.search(r"^\s+NotReadyAddresses:\s+\d", text, re.M):
        out.append(_hit("obs-pods-not-ready", "observation", "NotReadyAddresses"))
        if re.search(r"^\s+Addresses:\s+<none>", text, re.M):
            out.append(_hit("sig-no-endpoints", "signature", "Addresses: <none>"))
    # failed lookups: a cluster name or an external one
    for m in _LOOKUP.finditer(text):
        name = m.group(1)
        cluster = bool(_CLUSTER_NAME.search(name)) and not _SEARCH_APPENDED.search(name)
        out.append(_hit("obs-internal-dns-fails" if cluster else "obs-external-dns-fails", "observation",
                        m.group(0)[:80]))
        if "timeout" in m.group(2) or "read udp" in m.group(2):
            out.append(_hit("sig-dns-no-servers", "signature", m.group(0)[:80]))
    if "nslookup" in kinds or "dig" in kinds:
        m = re.search(r"can't find ([\w.-]+?)\.?:", text) or re.search(r"^;([\w.-]+)\.\s+IN\s+A", text, re.M)
        if m:
            cluster = bool(_CLUSTER_NAME.search(m.group(1))) and not _SEARCH_APPENDED.search(m.group(1))
            out.append(_hit("obs-internal-dns-fails" if cluster else "obs-external-dns-fails", "observation",
                            m.group(0)[:80]))
    # CoreDNS pods not ready in a pods table
    if re.search(r"^\S*\s*coredns-\S+\s+0/\d+", text, re.M):
        out.append(_hit("obs-pods-not-ready", "observation", "coredns 0/1"))
    return out
