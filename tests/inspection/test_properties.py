"""Property tests: the inspector never raises on arbitrary input, reach is monotone, DNS names are valid."""

from __future__ import annotations

import json

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import ManifestError
from assistant.inspection import (
    inspect_text, reach_matrix, render_dot, render_html, render_markdown, render_sarif, render_text,
)
from assistant.inspection.catalog import load_catalog
from assistant.inspection.explain import valid_dns_name

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KEYS = st.sampled_from([
    "apiVersion", "kind", "metadata", "name", "namespace", "labels", "spec", "selector", "matchLabels",
    "matchExpressions", "key", "operator", "values", "template", "containers", "ports", "containerPort",
    "port", "targetPort", "protocol", "podSelector", "namespaceSelector", "ingress", "egress", "from", "to",
    "policyTypes", "ipBlock", "endPort", "serviceName", "replicas", "hostNetwork", "clusterIP", "type",
    "rules", "http", "paths", "backend", "service", "number", "tls", "secretName", "items", "hostname",
    "subdomain", "readinessProbe", "httpGet", "jobTemplate", "externalName", "nodePort", "app", "<<",
    "env", "value", "valueFrom", "configMapKeyRef", "envFrom", "configMapRef", "args", "command", "volumes",
    "configMap", "initContainers", "restartPolicy", "podMetadata", "annotations", "data", "instances",
])
KINDS = st.sampled_from(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", "Service",
                         "NetworkPolicy", "Ingress", "Secret", "Namespace", "List", "Widget", "ServiceList",
                         "ReplicationController", "ConfigMap", "Prometheus", "Alertmanager", "Cluster", "Rollout"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-70000, 70000), st.text(max_size=12), KINDS,
                    st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist", "Bogus", "None", "TCP", "UDP", "http",
                                     "Ingress", "Egress", "ExternalName", "apps/v1", "v1", "networking.k8s.io/v1"]))
TREES = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.one_of(KEYS, st.text(max_size=6)), children, max_size=5)),
    max_leaves=40)
OBJECTS = st.fixed_dictionaries({"apiVersion": st.sampled_from(["v1", "apps/v1", "networking.k8s.io/v1", "batch/v1",
                                                                "monitoring.coreos.com/v1", "postgresql.cnpg.io/v1",
                                                                "argoproj.io/v1alpha1"]),
                                 "kind": KINDS}, optional={"metadata": TREES, "spec": TREES, "items": TREES})


def _check(text):
    try:
        report = inspect_text(text)
    except ManifestError:
        return None
    json.dumps(report.to_dict())
    render_text(report, color=True)
    json.loads(render_sarif(report))
    render_markdown(report, lang="zh")
    render_dot(report)
    render_html(report)
    reach_matrix(report)
    return report


@SETTINGS
@given(st.text(max_size=400))
def test_never_raises_on_arbitrary_text(text):
    _check(text)


@SETTINGS
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_manifest_error(data):
    _check(data)


@SETTINGS
@given(st.lists(st.one_of(OBJECTS, TREES), max_size=6))
def test_never_raises_on_yamlish_trees(documents):
    text = yaml.safe_dump_all(documents, sort_keys=False)
    report = _check(text)
    assert report is not None, "well-formed YAML must never be rejected as a whole"
    catalog = load_catalog()
    for finding in report.findings:  # every finding is a documented rule with its catalog severity
        assert finding.rule in catalog, finding.rule
        assert finding.severity in ("error", "warning", "info"), finding
    for name in report.dns + list(report.cname):
        assert valid_dns_name(name), name


NAMES = st.text("abcxyz-", min_size=1, max_size=8)
LABELS = st.dictionaries(st.sampled_from(["app", "tier", "team"]), st.sampled_from(["a", "b", "c"]), max_size=2)


def _pod(name, ns, labels, port):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns, "labels": labels},
            "spec": {"containers": [{"name": "c", "image": "i", "ports": [{"containerPort": port, "name": "p"}]}]}}


def _policy(name, ns, select, peer, ports, types):
    spec = {"podSelector": {"matchLabels": select}, "policyTypes": types}
    rule = {} if peer is None else {"from" if "Ingress" in types else "to": [peer]}
    if ports:
        rule["ports"] = [{"port": p} for p in ports]
    spec["ingress" if "Ingress" in types else "egress"] = [rule]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": ns}, "spec": spec}


PODS = st.lists(st.tuples(NAMES, st.sampled_from(["a", "b"]), LABELS, st.sampled_from([80, 8080])), min_size=1,
                max_size=5, unique_by=lambda t: (t[0], t[1]))
PEERS = st.one_of(st.none(), st.builds(lambda l: {"podSelector": {"matchLabels": l}}, LABELS),
                  st.builds(lambda l: {"namespaceSelector": {"matchLabels": l}}, LABELS))
POLICIES = st.lists(st.tuples(st.sampled_from(["a", "b"]), LABELS, PEERS,
                              st.lists(st.sampled_from([80, 8080, "p", "q"]), max_size=2),
                              st.sampled_from([["Ingress"], ["Egress"]])), max_size=4)


@SETTINGS
@given(PODS, POLICIES, st.sampled_from(["a", "b"]), LABELS, PEERS)
def test_adding_an_allow_policy_that_selects_no_new_pods_never_removes_an_allowed_pair(pods, policies, ns, select, peer):
    base = [_pod(*p) for p in pods] + [_policy(f"p{i}", *spec) for i, spec in enumerate(policies)]
    before = inspect_text(yaml.safe_dump_all(base))
    isolated_ingress = {(p["metadata"]["namespace"], p["metadata"]["name"]) for p in base if p["kind"] == "Pod"
                        and any(q["kind"] == "NetworkPolicy" and "Ingress" in q["spec"]["policyTypes"]
                                and q["metadata"]["namespace"] == p["metadata"]["namespace"]
                                and all(p["metadata"]["labels"].get(k) == v
                                        for k, v in q["spec"]["podSelector"]["matchLabels"].items())
                                for q in base)}
    selects_new = any(p["metadata"]["namespace"] == ns and (ns, p["metadata"]["name"]) not in isolated_ingress
                      and all(p["metadata"]["labels"].get(k) == v for k, v in select.items())
                      for p in base if p["kind"] == "Pod")
    if selects_new:
        return  # a policy that newly isolates pods may legitimately deny
    after = inspect_text(yaml.safe_dump_all(base + [_policy("extra", ns, select, peer, [], ["Ingress"])]))
    allowed_before = {(v.source, v.destination, v.port) for v in before.reach if v.allowed}
    allowed_after = {(v.source, v.destination, v.port) for v in after.reach if v.allowed}
    assert allowed_before <= allowed_after
