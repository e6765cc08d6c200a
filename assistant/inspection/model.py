"""The object model: what a bundle of parsed documents means for pod communication.

Rules, explanations and reachability never read raw YAML; they read these typed records.
Building them is where untrusted shapes are tamed: every accessor tolerates a wrong type
(``ports: 80``, ``labels: [a]``) by recording a :class:`TypeProblem` and carrying on with an
empty value, so later code can assume the declared types. Namespacing follows the contract:
objects without ``metadata.namespace`` live in the ``namespace`` option, and every namespace
carries the automatic ``kubernetes.io/metadata.name`` label plus the labels of a Namespace object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .parse import Document
from .selectors import Selector, label_value, labels_of

__all__ = [
    "ObjectRef", "ContainerPort", "Probe", "Container", "Workload", "ServicePort", "Service",
    "PolicyPort", "Peer", "PolicyRule", "NetworkPolicy", "IngressBackend", "Ingress",
    "Skipped", "TypeProblem", "Bundle", "build_bundle", "WORKLOAD_KINDS",
]

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob",
                  "Pod")
"""Built-in kinds whose objects carry a pod template (or are a pod). Custom resources with a
``spec.template.spec.containers`` list (Argo Rollouts, OpenKruise CloneSets...) are workloads too."""
MODELLED_KINDS = set(WORKLOAD_KINDS) | {"Service", "NetworkPolicy", "Ingress", "Secret", "Namespace", "ConfigMap"}
CLUSTER_SCOPED = {
    "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "StorageClass",
    "CustomResourceDefinition", "IngressClass", "PriorityClass", "RuntimeClass", "APIService",
    "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "CSIDriver", "CSINode",
    "VolumeAttachment", "ClusterIssuer", "GatewayClass", "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
}
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


@dataclass
class ObjectRef:
    """Identity and position of one Kubernetes object in the input."""

    kind: str
    namespace: str
    name: str
    line: int
    api_version: str = ""
    document: int = 0
    data: dict = field(default_factory=dict, repr=False)

    @property
    def id(self) -> str:
        """``Kind/namespace/name`` (``Kind/name`` for cluster-scoped objects)."""
        return f"{self.kind}/{self.namespace}/{self.name}" if self.namespace else f"{self.kind}/{self.name}"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "namespace": self.namespace, "name": self.name, "line": self.line}


@dataclass
class TypeProblem:
    """A field whose type the model could not use (``ports: 80``); becomes schema-invalid."""

    ref: ObjectRef
    path: str
    message: str


@dataclass
class ContainerPort:
    number: int | None
    name: str | None
    protocol: str
    host_port: int | None
    container: str


@dataclass
class Probe:
    kind: str
    """``liveness``, ``readiness`` or ``startup``."""
    port: int | str
    """The probe's ``httpGet``/``tcpSocket``/``grpc`` port: a number or a port name."""


@dataclass
class Container:
    name: str
    ports: list[ContainerPort]
    probes: list[Probe]
    init: bool = False
    sidecar: bool = False
    """A native sidecar: an init container with ``restartPolicy: Always``, which keeps running
    (and serving its ports) for the pod's whole life."""

    @property
    def serving(self) -> bool:
        """Whether the container runs alongside the app and so its ports can take traffic."""
        return not self.init or self.sidecar


@dataclass
class Workload:
    """A pod template (or bare Pod): what NetworkPolicies and Services select."""

    ref: ObjectRef
    labels: dict[str, str]
    containers: list[Container]
    selector_raw: Any = None
    has_selector: bool = False
    host_network: bool = False
    dns_policy: str | None = None
    hostname: str | None = None
    subdomain: str | None = None
    replicas: int = 1
    service_name: str | None = None
    controller: str = ""
    """How the pods are created, for controller-added labels (``StatefulSet`` adds
    ``statefulset.kubernetes.io/pod-name``); defaults to the object's kind."""
    origin: str | None = None
    """Set when the pods come from something other than a built-in template, e.g. an operator's
    custom resource; says what creates them."""
    alias: str | None = None
    """``Kind/name`` when another workload of the namespace has the same name (keys must be unique)."""

    def __post_init__(self) -> None:
        if not self.controller:
            self.controller = self.ref.kind

    @property
    def kind(self) -> str:
        return self.ref.kind

    @property
    def namespace(self) -> str:
        return self.ref.namespace

    @property
    def name(self) -> str:
        return self.ref.name

    @property
    def key(self) -> str:
        """``namespace/name`` (``namespace/Kind/name`` on a name collision): how reach names a workload."""
        return f"{self.ref.namespace}/{self.alias or self.ref.name}"

    @property
    def label(self) -> str:
        """``Kind namespace/name``: how messages name a workload (the key may carry the kind already)."""
        text = f"{self.ref.kind} {self.ref.namespace}/{self.ref.name}"
        return f"{text} ({self.origin})" if self.origin and self.origin.startswith("created by") else text

    @property
    def ports(self) -> list[ContainerPort]:
        """Ports of the serving containers (app containers and native sidecars, not plain init containers)."""
        return [port for c in self.containers if c.serving for port in c.ports]

    def port_named(self, name: str, protocol: str | None = None) -> ContainerPort | None:
        for port in self.ports:
            if port.name == name and (protocol is None or port.protocol == protocol):
                return port
        return None


@dataclass
class ServicePort:
    index: int
    name: str | None
    port: int | None
    target_port: int | str | None
    """As written; ``None`` means "same as port"."""
    protocol: str
    node_port: int | None

    @property
    def effective_target(self) -> int | str | None:
        return self.port if self.target_port is None else self.target_port


@dataclass
class Service:
    ref: ObjectRef
    type: str
    cluster_ip: str | None
    selector: Selector
    selector_raw: Any
    ports: list[ServicePort]
    external_name: str | None

    @property
    def headless(self) -> bool:
        return self.cluster_ip == "None"

    @property
    def key(self) -> str:
        return f"{self.ref.namespace}/{self.ref.name}"


@dataclass
class PolicyPort:
    protocol: str
    port: int | str | None
    end_port: int | None = None

    def describe(self) -> str:
        if self.port is None:
            return f"all {self.protocol} ports"
        if self.end_port is not None:
            return f"{self.port}-{self.end_port}/{self.protocol}"
        return f"{self.port}/{self.protocol}"


@dataclass
class Peer:
    """One ``from``/``to`` element; ``None`` selectors mean the key was absent."""

    index: int
    pod_selector: Selector | None
    namespace_selector: Selector | None
    ip_block: Any = None
    raw: Any = None

    def describe(self) -> str:
        if self.ip_block is not None:
            cidr = self.ip_block.get("cidr") if isinstance(self.ip_block, dict) else self.ip_block
            return f"ipBlock {cidr}"
        parts = []
        if self.namespace_selector is not None:
            parts.append(f"namespaces {self.namespace_selector.describe()}")
        if self.pod_selector is not None:
            parts.append(f"pods {self.pod_selector.describe()}"
                         if self.namespace_selector is not None else self.pod_selector.describe())
        return " and ".join(parts) if parts else "empty peer"


@dataclass
class PolicyRule:
    direction: str
    """``ingress`` or ``egress``."""
    index: int
    """1-based position in its list."""
    peers: list[Peer] | None
    """``None``: no ``from``/``to`` (or an empty list), i.e. every peer."""
    ports: list[PolicyPort] | None
    """``None``: no ``ports`` (or an empty list), i.e. every port."""

    def describe(self) -> str:
        word = "from" if self.direction == "ingress" else "to"
        who = "anywhere" if self.peers is None else " or ".join(p.describe() for p in self.peers) or "nothing"
        text = f"{self.direction} rule {self.index}: {word} {who}"
        if self.ports is not None:
            text += " on " + ", ".join(p.describe() for p in self.ports)
        return text


@dataclass
class NetworkPolicy:
    ref: ObjectRef
    pod_selector: Selector
    policy_types: set[str]
    """Effective policyTypes after API defaulting."""
    explicit_types: list[str] | None
    ingress: list[PolicyRule]
    egress: list[PolicyRule]
    has_ingress_rules: bool = False
    has_egress_rules: bool = False

    @property
    def key(self) -> str:
        return f"{self.ref.namespace}/{self.ref.name}"


@dataclass
class IngressBackend:
    service: str
    port_number: int | None
    port_name: str | None
    where: str


@dataclass
class Ingress:
    ref: ObjectRef
    class_name: str | None
    annotations: dict[str, str]
    backends: list[IngressBackend]
    tls_secrets: list[str]


@dataclass
class Skipped:
    """A document the inspector does not model (unknown kind, CRD, not Kubernetes at all)."""

    kind: str
    namespace: str
    name: str
    line: int
    reason: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "namespace": self.namespace, "name": self.name,
                "line": self.line, "reason": self.reason}


@dataclass
class Bundle:
    """Everything the rules, explanations and reachability read."""

    namespace: str = "default"
    documents: list[Document] = field(default_factory=list)
    objects: list[ObjectRef] = field(default_factory=list)
    workloads: list[Workload] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    policies: list[NetworkPolicy] = field(default_factory=list)
    ingresses: list[Ingress] = field(default_factory=list)
    secrets: set[tuple[str, str]] = field(default_factory=set)
    namespace_objects: dict[str, ObjectRef] = field(default_factory=dict)
    namespace_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    type_problems: list[TypeProblem] = field(default_factory=list)
    custom_resources: list[ObjectRef] = field(default_factory=list)
    """Namespaced custom resources the model does not know; an operator may create pods from them."""
    configmaps: dict[tuple[str, str], dict] = field(default_factory=dict)
    """``(namespace, name)`` -> the ConfigMap's ``data`` (read for Service names a workload uses)."""

    def workloads_in(self, namespace: str) -> list[Workload]:
        """Workloads of one namespace (indexed on first use; the bundle is not changed afterwards)."""
        index = self.__dict__.get("_by_namespace")
        if index is None or sum(len(v) for v in index.values()) != len(self.workloads):
            index = {}
            for workload in self.workloads:
                index.setdefault(workload.namespace, []).append(workload)
            self.__dict__["_by_namespace"] = index
        return index.get(namespace, [])

    def service(self, namespace: str, name: str) -> Service | None:
        for svc in self.services:
            if svc.ref.namespace == namespace and svc.ref.name == name:
                return svc
        return None


# --- tolerant accessors -------------------------------------------------------------------

class _Reader:
    """Reads one object's fields, recording wrong types instead of raising."""

    def __init__(self, ref: ObjectRef, problems: list[TypeProblem]) -> None:
        self.ref = ref
        self.problems = problems

    def _bad(self, path: str, value: Any, wanted: str) -> None:
        self.problems.append(TypeProblem(
            self.ref, path, f"{path} must be {wanted}, not {type(value).__name__} {_short(value)}"))

    def map(self, value: Any, path: str) -> dict:
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        self._bad(path, value, "a mapping")
        return {}

    def list(self, value: Any, path: str) -> list:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self._bad(path, value, "a list")
        return []

    def str(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return label_value(value)
        self._bad(path, value, "a string")
        return None

    def int(self, value: Any, path: str) -> int | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            self._bad(path, value, "an integer")
            return int(value.strip())
        self._bad(path, value, "an integer")
        return None

    def int_or_str(self, value: Any, path: str) -> int | str | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            return int(value) if value.isdigit() else value
        self._bad(path, value, "a number or a name")
        return None

    def bool(self, value: Any, path: str) -> bool:
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        self._bad(path, value, "true or false")
        return False


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _protocol(reader: _Reader, value: Any, path: str) -> str:
    text = reader.str(value, path)
    return text.upper() if text else "TCP"


# --- builders -----------------------------------------------------------------------------

def _template_spec(kind: str, data: dict, r: _Reader) -> tuple[dict, dict, str]:
    """(pod metadata, pod spec, path prefix) for a workload kind."""
    spec = r.map(data.get("spec"), "spec")
    if kind == "Pod":
        return r.map(data.get("metadata"), "metadata"), spec, "spec"
    if kind == "CronJob":
        job = r.map(r.map(spec.get("jobTemplate"), "spec.jobTemplate").get("spec"), "spec.jobTemplate.spec")
        template = r.map(job.get("template"), "spec.jobTemplate.spec.template")
        prefix = "spec.jobTemplate.spec.template"
    else:
        template = r.map(spec.get("template"), "spec.template")
        prefix = "spec.template"
    return (r.map(template.get("metadata"), f"{prefix}.metadata"),
            r.map(template.get("spec"), f"{prefix}.spec"), f"{prefix}.spec")


def _containers(pod_spec: dict, prefix: str, r: _Reader) -> list[Container]:
    result: list[Container] = []
    for key, init in (("containers", False), ("initContainers", True)):
        for i, raw in enumerate(r.list(pod_spec.get(key), f"{prefix}.{key}")):
            path = f"{prefix}.{key}[{i}]"
            c = r.map(raw, path)
            name = r.str(c.get("name"), f"{path}.name") or f"#{i}"
            ports: list[ContainerPort] = []
            for j, raw_port in enumerate(r.list(c.get("ports"), f"{path}.ports")):
                p = r.map(raw_port, f"{path}.ports[{j}]")
                if not p:
                    continue
                ports.append(ContainerPort(
                    number=r.int(p.get("containerPort"), f"{path}.ports[{j}].containerPort"),
                    name=r.str(p.get("name"), f"{path}.ports[{j}].name"),
                    protocol=_protocol(r, p.get("protocol"), f"{path}.ports[{j}].protocol"),
                    host_port=r.int(p.get("hostPort"), f"{path}.ports[{j}].hostPort"),
                    container=name,
                ))
            probes: list[Probe] = []
            for probe_kind in ("liveness", "readiness", "startup"):
                probe = r.map(c.get(f"{probe_kind}Probe"), f"{path}.{probe_kind}Probe")
                for handler in ("httpGet", "tcpSocket", "grpc"):
                    h = r.map(probe.get(handler), f"{path}.{probe_kind}Probe.{handler}")
                    port = r.int_or_str(h.get("port"), f"{path}.{probe_kind}Probe.{handler}.port")
                    if port is not None:
                        probes.append(Probe(probe_kind, port))
            sidecar = init and c.get("restartPolicy") == "Always"
            result.append(Container(name, ports, probes, init, sidecar))
    return result


def _workload(ref: ObjectRef, r: _Reader) -> Workload:
    data = ref.data
    kind = ref.kind
    meta, pod_spec, prefix = _template_spec(kind, data, r)
    spec = r.map(data.get("spec"), "spec")
    labels = labels_of(r.map(meta.get("labels"), "metadata.labels"))
    workload = Workload(ref=ref, labels=labels, containers=_containers(pod_spec, prefix, r))
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        workload.has_selector = "selector" in spec
        workload.selector_raw = spec.get("selector")
    elif kind == "ReplicationController" and isinstance(spec.get("selector"), dict) and spec["selector"]:
        # a plain label map (not a LabelSelector); omitted, it defaults to the template's labels
        workload.has_selector = True
        workload.selector_raw = {"matchLabels": spec["selector"]}
    if kind in ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"):
        replicas = r.int(spec.get("replicas"), "spec.replicas")
        workload.replicas = 1 if replicas is None else max(replicas, 0)
    if kind == "StatefulSet":
        workload.service_name = r.str(spec.get("serviceName"), "spec.serviceName")
    workload.host_network = r.bool(pod_spec.get("hostNetwork"), f"{prefix}.hostNetwork")
    workload.dns_policy = r.str(pod_spec.get("dnsPolicy"), f"{prefix}.dnsPolicy")
    workload.hostname = r.str(pod_spec.get("hostname"), f"{prefix}.hostname")
    workload.subdomain = r.str(pod_spec.get("subdomain"), f"{prefix}.subdomain")
    return workload


def _service(ref: ObjectRef, r: _Reader) -> Service:
    spec = r.map(ref.data.get("spec"), "spec")
    ports: list[ServicePort] = []
    for i, raw in enumerate(r.list(spec.get("ports"), "spec.ports")):
        p = r.map(raw, f"spec.ports[{i}]")
        ports.append(ServicePort(
            index=i,
            name=r.str(p.get("name"), f"spec.ports[{i}].name"),
            port=r.int(p.get("port"), f"spec.ports[{i}].port"),
            target_port=r.int_or_str(p.get("targetPort"), f"spec.ports[{i}].targetPort"),
            protocol=_protocol(r, p.get("protocol"), f"spec.ports[{i}].protocol"),
            node_port=r.int(p.get("nodePort"), f"spec.ports[{i}].nodePort"),
        ))
    raw_selector = spec.get("selector")
    if raw_selector is not None and not isinstance(raw_selector, dict):
        r.map(raw_selector, "spec.selector")
        raw_selector = None
    return Service(
        ref=ref,
        type=r.str(spec.get("type"), "spec.type") or "ClusterIP",
        cluster_ip=r.str(spec.get("clusterIP"), "spec.clusterIP"),
        selector=Selector.from_map(raw_selector),
        selector_raw=raw_selector,
        ports=ports,
        external_name=r.str(spec.get("externalName"), "spec.externalName"),
    )


def _policy_ports(raw: Any, path: str, r: _Reader) -> list[PolicyPort] | None:
    items = r.list(raw, path)
    if not items:
        return None
    ports = []
    for i, item in enumerate(items):
        p = r.map(item, f"{path}[{i}]")
        ports.append(PolicyPort(
            protocol=_protocol(r, p.get("protocol"), f"{path}[{i}].protocol"),
            port=r.int_or_str(p.get("port"), f"{path}[{i}].port"),
            end_port=r.int(p.get("endPort"), f"{path}[{i}].endPort"),
        ))
    return ports


def _peers(raw: Any, path: str, r: _Reader) -> list[Peer] | None:
    items = r.list(raw, path)
    if not items:
        return None
    peers = []
    for i, item in enumerate(items):
        p = r.map(item, f"{path}[{i}]")
        peers.append(Peer(
            index=i + 1,
            # ``podSelector: null`` is a nil pointer in the API, i.e. the same as leaving it out.
            pod_selector=(Selector.from_label_selector(p["podSelector"])
                          if p.get("podSelector") is not None else None),
            namespace_selector=(Selector.from_label_selector(p["namespaceSelector"])
                                if p.get("namespaceSelector") is not None else None),
            ip_block=p.get("ipBlock"),
            raw=p,
        ))
    return peers


def _policy(ref: ObjectRef, r: _Reader) -> NetworkPolicy:
    spec = r.map(ref.data.get("spec"), "spec")
    rules: dict[str, list[PolicyRule]] = {"ingress": [], "egress": []}
    for direction, peer_key in (("ingress", "from"), ("egress", "to")):
        for i, raw in enumerate(r.list(spec.get(direction), f"spec.{direction}")):
            rule = r.map(raw, f"spec.{direction}[{i}]")
            rules[direction].append(PolicyRule(
                direction, i + 1,
                _peers(rule.get(peer_key), f"spec.{direction}[{i}].{peer_key}", r),
                _policy_ports(rule.get("ports"), f"spec.{direction}[{i}].ports", r),
            ))
    explicit_raw = spec.get("policyTypes")
    explicit = None
    if explicit_raw is not None:
        explicit = [t for t in (r.str(v, "spec.policyTypes[]") for v in r.list(explicit_raw, "spec.policyTypes"))
                    if t]
    if explicit:
        types = {t.capitalize() for t in explicit if t.lower() in ("ingress", "egress")}
    else:  # API defaulting: Ingress always, Egress only when egress rules exist
        types = {"Ingress"} | ({"Egress"} if rules["egress"] else set())
    raw_selector = spec.get("podSelector", {})
    return NetworkPolicy(
        ref=ref,
        pod_selector=Selector.from_label_selector({} if raw_selector is None else raw_selector),
        policy_types=types,
        explicit_types=explicit or None,
        ingress=rules["ingress"] if "Ingress" in types else [],
        egress=rules["egress"] if "Egress" in types else [],
        has_ingress_rules=bool(rules["ingress"]),
        has_egress_rules=bool(rules["egress"]),
    )


def _backend(raw: Any, where: str, path: str, r: _Reader) -> IngressBackend | None:
    b = r.map(raw, path)
    if "service" in b:  # networking.k8s.io/v1
        svc = r.map(b.get("service"), f"{path}.service")
        port = r.map(svc.get("port"), f"{path}.service.port")
        name = r.str(svc.get("name"), f"{path}.service.name")
        if not name:
            return None
        return IngressBackend(name, r.int(port.get("number"), f"{path}.service.port.number"),
                              r.str(port.get("name"), f"{path}.service.port.name"), where)
    if "serviceName" in b:  # extensions/v1beta1, networking.k8s.io/v1beta1
        name = r.str(b.get("serviceName"), f"{path}.serviceName")
        port = r.int_or_str(b.get("servicePort"), f"{path}.servicePort")
        if not name:
            return None
        return IngressBackend(name, port if isinstance(port, int) else None,
                              port if isinstance(port, str) else None, where)
    return None  # a resource backend: not a Service


def _ingress(ref: ObjectRef, r: _Reader) -> Ingress:
    spec = r.map(ref.data.get("spec"), "spec")
    meta = r.map(ref.data.get("metadata"), "metadata")
    backends: list[IngressBackend] = []
    default = spec.get("defaultBackend", spec.get("backend"))
    if default is not None:
        b = _backend(default, "defaultBackend", "spec.defaultBackend", r)
        if b:
            backends.append(b)
    for i, raw_rule in enumerate(r.list(spec.get("rules"), "spec.rules")):
        rule = r.map(raw_rule, f"spec.rules[{i}]")
        host = r.str(rule.get("host"), f"spec.rules[{i}].host") or "*"
        http = r.map(rule.get("http"), f"spec.rules[{i}].http")
        for j, raw_path in enumerate(r.list(http.get("paths"), f"spec.rules[{i}].http.paths")):
            p = r.map(raw_path, f"spec.rules[{i}].http.paths[{j}]")
            where = f"rule {host}{r.str(p.get('path'), 'path') or '/'}"
            b = _backend(p.get("backend"), where, f"spec.rules[{i}].http.paths[{j}].backend", r)
            if b:
                backends.append(b)
    secrets = []
    for i, raw_tls in enumerate(r.list(spec.get("tls"), "spec.tls")):
        name = r.str(r.map(raw_tls, f"spec.tls[{i}]").get("secretName"), f"spec.tls[{i}].secretName")
        if name:
            secrets.append(name)
    annotations = {str(k): label_value(v) for k, v in r.map(meta.get("annotations"), "metadata.annotations").items()}
    return Ingress(ref, r.str(spec.get("ingressClassName"), "spec.ingressClassName"),
                   annotations, backends, secrets)


def _has_pod_template(data: dict) -> bool:
    """A custom resource shaped like a Deployment: ``spec.template.spec.containers`` is a list."""
    spec = data.get("spec")
    template = spec.get("template") if isinstance(spec, dict) else None
    pod_spec = template.get("spec") if isinstance(template, dict) else None
    return isinstance(pod_spec, dict) and isinstance(pod_spec.get("containers"), list)


def _name_collisions(workloads: list[Workload]) -> None:
    """Give workloads that share ``namespace/name`` (a Deployment and a Pod called ``web``) distinct keys."""
    seen: dict[str, list[Workload]] = {}
    for workload in workloads:
        seen.setdefault(workload.key, []).append(workload)
    for group in seen.values():
        if len(group) > 1:
            for workload in group:
                workload.alias = f"{workload.kind}/{workload.name}"


def build_bundle(documents: Iterable[Document], *, namespace: str = "default",
                 known_kind: Callable[[str, str], bool] | None = None,
                 operator_workload: Callable[[ObjectRef], Workload | None] | None = None) -> Bundle:
    """Turn parsed documents into a :class:`Bundle`.

    ``known_kind(kind, apiVersion)`` says whether a kind the model does not use is still a
    Kubernetes built-in (listed as an object) rather than a CRD or unknown kind (skipped).
    ``operator_workload(ref)`` models the pods an operator creates from a custom resource (passed in
    by the caller, ``operators.operator_workload``: that module builds model records, so the model
    cannot import it back).
    """
    if operator_workload is None:
        def operator_workload(ref: ObjectRef) -> Workload | None:  # noqa: ARG001 - no operators known
            return None

    bundle = Bundle(namespace=namespace)
    namespaces: set[str] = {namespace}
    for doc in documents:
        data = doc.data
        if not isinstance(data, dict) or not isinstance(data.get("kind"), str) or not data.get("kind"):
            what = "a mapping without kind" if isinstance(data, dict) else f"a {type(data).__name__}"
            bundle.skipped.append(Skipped("", "", "", doc.line,
                                          f"document {doc.index} is not a Kubernetes object ({what})"))
            continue
        kind = data["kind"]
        api_version = label_value(data.get("apiVersion"))
        meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
        name = label_value(meta.get("name") or meta.get("generateName") or "") or "(unnamed)"
        ns = "" if kind in CLUSTER_SCOPED else (label_value(meta.get("namespace")) or namespace)
        ref = ObjectRef(kind, ns, name, doc.line, api_version, doc.index, data)
        if kind not in MODELLED_KINDS and not (known_kind and known_kind(kind, api_version)):
            if _has_pod_template(data):
                bundle.objects.append(ref)
                workload = _workload(ref, _Reader(ref, bundle.type_problems))
                workload.controller = "Deployment"
                workload.origin = f"the pod template of custom resource {kind} {ns}/{name}"
                bundle.workloads.append(workload)
                namespaces.add(ns)
                continue
            created = operator_workload(ref)
            if created is not None:
                bundle.workloads.append(created)
                reason = (f"custom resource {kind} ({api_version}); its operator's pods are modelled as "
                          f"{created.controller} {created.key}")
            else:
                reason = ("custom resource or unknown kind " f"{kind} ({api_version or 'no apiVersion'})")
                if ns and "/" in api_version:
                    bundle.custom_resources.append(ref)
            bundle.skipped.append(Skipped(kind, ns, name, doc.line, reason))
            continue
        bundle.objects.append(ref)
        reader = _Reader(ref, bundle.type_problems)
        if not isinstance(data.get("metadata"), dict) and data.get("metadata") is not None:
            reader.map(data.get("metadata"), "metadata")
        if ns:
            namespaces.add(ns)
        if kind in WORKLOAD_KINDS:
            bundle.workloads.append(_workload(ref, reader))
        elif kind == "Service":
            bundle.services.append(_service(ref, reader))
        elif kind == "NetworkPolicy":
            bundle.policies.append(_policy(ref, reader))
        elif kind == "Ingress":
            bundle.ingresses.append(_ingress(ref, reader))
        elif kind == "Secret":
            bundle.secrets.add((ns, name))
        elif kind == "ConfigMap":
            raw = data.get("data")
            bundle.configmaps[(ns, name)] = raw if isinstance(raw, dict) else {}
        elif kind == "Namespace":
            bundle.namespace_objects[name] = ref
            namespaces.add(name)
    _name_collisions(bundle.workloads)
    for ns in sorted(namespaces):
        labels = {}
        if ns in bundle.namespace_objects:
            meta = bundle.namespace_objects[ns].data.get("metadata")
            labels = labels_of(meta.get("labels")) if isinstance(meta, dict) else {}
        labels[NAMESPACE_NAME_LABEL] = ns
        bundle.namespace_labels[ns] = labels
    return bundle
