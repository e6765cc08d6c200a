"""Property tests not covered in tests/inspection/test_properties.py: every DNS name the inspector
produces is a valid RFC 1123 name, over generated Service / StatefulSet / Pod names, namespaces and
cluster domains (valid and hostile alike), and the names a valid bundle must create are all there."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.inspection import inspect_text

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Independent of assistant.inspection.explain: fullmatch, so a trailing newline is not accepted
# (``$`` matches before one, the bug commit 9c47fda fixed in production).
RFC1123 = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")
DNS1035 = re.compile(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?")


def rfc1123_name(name: str) -> bool:
    """A DNS name of RFC 1123 labels, checked here without the inspector's own validator."""
    return 0 < len(name) <= 253 and all(RFC1123.fullmatch(label) for label in name.split("."))


def test_the_independent_check_rejects_what_the_old_one_let_through():
    assert rfc1123_name("web.shop.svc.cluster.local")
    assert not rfc1123_name("web\n.shop.svc.cluster.local")
    assert not rfc1123_name("web..shop") and not rfc1123_name("-web.shop") and not rfc1123_name("Web.shop")

VALID = st.from_regex(r"\A[a-z]([-a-z0-9]{0,12}[a-z0-9])?\Z")
HOSTILE = st.one_of(
    st.text(max_size=70),
    st.sampled_from(["", "-web", "web-", "Web", "web.api", "web_api", "a" * 64, "a" * 63, "x" * 300, "0web",
                     "ünïcode", "web\n", " web", "*", "..", "web..api", "1.2.3.4", "None", "true", "123"]),
    st.integers(-5, 5), st.none(), st.booleans(),
)
NAMES = st.one_of(VALID, VALID, HOSTILE)
DOMAINS = st.sampled_from(["cluster.local", "example.internal", "c", "Cluster.Local", "a..b", "-bad.local", ""])


@st.composite
def bundles(draw):
    docs = []
    namespaces = draw(st.lists(NAMES, min_size=1, max_size=3))
    for _ in range(draw(st.integers(1, 4))):
        name, ns = draw(NAMES), draw(st.sampled_from(namespaces))
        kind = draw(st.sampled_from(["clusterip", "headless", "externalname"]))
        spec = {"selector": {"app": "a"}, "ports": [{"name": "web", "port": 80}]}
        if kind == "headless":
            spec["clusterIP"] = "None"
        elif kind == "externalname":
            spec = {"type": "ExternalName", "externalName": draw(NAMES)}
        docs.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
                     "spec": spec})
        if kind == "headless" and draw(st.booleans()):
            docs.append({"apiVersion": "apps/v1", "kind": "StatefulSet",
                         "metadata": {"name": draw(st.one_of(NAMES, st.just(name))), "namespace": ns},
                         "spec": {"serviceName": name, "replicas": draw(st.one_of(st.integers(-1, 4), st.none())),
                                  "selector": {"matchLabels": {"app": "a"}},
                                  "template": {"metadata": {"labels": {"app": "a"}},
                                               "spec": {"containers": [{"name": "c", "image": "i"}]}}}})
        if kind == "headless" and draw(st.booleans()):
            docs.append({"apiVersion": "v1", "kind": "Pod",
                         "metadata": {"name": "p", "namespace": ns, "labels": {"app": "a"}},
                         "spec": {"hostname": draw(NAMES), "subdomain": name,
                                  "containers": [{"name": "c", "image": "i"}]}})
    return docs


@SETTINGS
@given(bundles(), DOMAINS)
def test_every_dns_name_is_valid_rfc_1123(docs, domain):
    report = inspect_text(yaml.safe_dump_all(docs), cluster_domain=domain)
    for name in report.dns + list(report.cname):
        assert rfc1123_name(name), repr(name)
    for target in report.cname.values():
        assert "\n" not in str(target)


@SETTINGS
@given(st.lists(st.tuples(VALID, VALID), min_size=1, max_size=4, unique=True), st.integers(1, 3))
def test_valid_services_and_statefulsets_get_their_names(pairs, replicas):
    docs = []
    for name, ns in pairs:
        docs.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns},
                     "spec": {"clusterIP": "None", "selector": {"app": name}, "ports": [{"port": 80}]}})
        docs.append({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name, "namespace": ns},
                     "spec": {"serviceName": name, "replicas": replicas, "selector": {"matchLabels": {"app": name}},
                              "template": {"metadata": {"labels": {"app": name}},
                                           "spec": {"containers": [{"name": "c", "image": "i"}]}}}})
    report = inspect_text(yaml.safe_dump_all(docs))
    for name, ns in pairs:
        assert f"{name}.{ns}.svc.cluster.local" in report.dns
        for i in range(replicas):
            assert f"{name}-{i}.{name}.{ns}.svc.cluster.local" in report.dns
    assert all(rfc1123_name(n) for n in report.dns)


@pytest.mark.parametrize("external_name", ["\n", "db.example.com\n", "Not A Host"])
def test_invalid_external_name_is_never_a_cname_target(external_name):
    """Found by the property above: an externalName the API server would reject (a lone newline)
    was printed as the CNAME target, breaking the report's lines."""
    doc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a", "namespace": "a"},
           "spec": {"type": "ExternalName", "externalName": external_name}}
    report = inspect_text(yaml.safe_dump(doc))
    assert report.cname == {"a.a.svc.cluster.local": ""}
