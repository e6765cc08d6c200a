"""One set of Kubernetes naming rules: the answers and the inspector agree because both call
``assistant.naming`` (issue 18: `inspect` used to list ``1web.default.svc.cluster.local``)."""

from __future__ import annotations

import pytest

from assistant import naming
from assistant.answering.computed import compute
from assistant.answering.entities import extract
from assistant.inspection import inspect_text


@pytest.mark.parametrize("name,rule,problems", [
    ("web", "dns-1035", []), ("1web", "dns-1035", ["leading-digit"]), ("1web", "dns-1123", []),
    ("Web", "dns-1035", ["uppercase"]), ("web_1", "dns-1123", ["bad-chars"]), ("web-", "dns-1123", ["bad-end"]),
    ("a.b", "dns-1035", ["bad-chars"]), ("a.b", "dns-1123-subdomain", []), ("a" * 64, "dns-1123", ["too-long"]),
    ("api.v1-", "dns-1123-subdomain", ["bad-end"]), ("x" * 254, "dns-1123-subdomain", ["too-long"]),
])
def test_grammars(name, rule, problems):
    assert naming.label_problems(name, rule=rule) == problems


def test_kinds_use_the_api_servers_grammar():
    assert naming.rule_for_kind("Service") == "dns-1035"
    assert naming.rule_for_kind("Namespace") == "dns-1123"
    assert naming.rule_for_kind("Deployment") == "dns-1123-subdomain"


def test_derived_names():
    assert naming.service_fqdn("api", "shop", "corp.local") == "api.shop.svc.corp.local"
    assert naming.statefulset_pod_fqdn("web", 2, "nginx", "shop") == "web-2.nginx.shop.svc.cluster.local"
    assert naming.service_env_names("my-db", [(5432, "TCP", "pg")]) == [
        "MY_DB_SERVICE_HOST", "MY_DB_SERVICE_PORT", "MY_DB_SERVICE_PORT_PG", "MY_DB_PORT", "MY_DB_PORT_5432_TCP",
        "MY_DB_PORT_5432_TCP_PROTO", "MY_DB_PORT_5432_TCP_PORT", "MY_DB_PORT_5432_TCP_ADDR"]
    assert naming.nodeport_verdict(30080) == "valid" and naming.nodeport_verdict(8080) == "out-of-range"


def test_every_rule_cites_its_doc():
    assert set(naming.RULE_DOCS) == set(naming.RULES)
    assert all(url.startswith("https://kubernetes.io/docs/") for url in naming.RULE_DOCS.values())


def test_answer_and_inspector_agree_on_an_invalid_service_name():
    q = "what DNS name does a service named 1web get"
    answer = compute(q, "en", extract(q), intent="definition")
    assert answer is not None and answer.kind == "invalid-name"
    report = inspect_text("apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\nspec:\n  ports: [{port: 80}]\n")
    data = report.to_dict()
    assert "1web.default.svc.cluster.local" not in str(data.get("dns", []))
    assert any(f["rule"] == "object-name-invalid" for f in data["findings"])
    assert "WEB_SERVICE_HOST" not in str(data.get("env", {}))
