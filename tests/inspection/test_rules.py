"""Every contract rule fires on a minimal bad bundle and stays silent once it is fixed."""

from __future__ import annotations

import pytest

from assistant.inspection.catalog import load_catalog
from assistant.inspection.rules import registered

from .helpers import run, rules

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {ns}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: main
        image: nginx
        ports: [{{containerPort: {port}, name: {portname}}}]
"""


def deploy(name="web", ns="default", port=8080, portname="http") -> str:
    return DEPLOY.format(name=name, ns=ns, port=port, portname=portname)


def doc(*parts: str) -> str:
    return "---\n".join(parts)


SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: %s}
  ports: [{port: 80, targetPort: %s}]
"""

POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np}
spec:
%s
"""

INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ing%s}
spec:
  ingressClassName: nginx
  tls: [{hosts: [a.example], secretName: %s}]
  rules:
  - host: a.example
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: %s, port: {%s}}}
"""

SECRET = """\
apiVersion: v1
kind: Secret
metadata: {name: tls}
type: kubernetes.io/tls
data: {tls.crt: "", tls.key: ""}
"""

STS = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres, ports: [{containerPort: 5432, name: pg}]}]
"""

HEADLESS = """\
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: %s
  selector: {app: %s}
  ports: [{port: 5432, name: pg}]
"""

CASES = {
    "object-name-invalid": ("apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\nspec:\n  ports: [{port: 80}]\n",
                            "apiVersion: v1\nkind: Service\nmetadata: {name: web1}\nspec:\n  ports: [{port: 80}]\n"),
    "yaml-invalid": ("kind: Service\nmetadata: {name: web\n", "kind: Service\nmetadata: {name: web}\n"),
    "yaml-duplicate-key": (SERVICE.replace("{app: %s}", "{app: web, app: api}") % 8080 + "---\n" + deploy(),
                           SERVICE % ("web", 8080) + "---\n" + deploy()),
    "schema-invalid": (deploy().replace("ports: [{containerPort: 8080, name: http}]", "ports: 80"), deploy()),
    "service-selector-no-match": (doc(deploy(), SERVICE % ("wbe", 8080)), doc(deploy(), SERVICE % ("web", 8080))),
    "service-target-port-mismatch": (doc(deploy(), SERVICE % ("web", "htp")), doc(deploy(), SERVICE % ("web", "http"))),
    "service-port-name-missing": (
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80, name: http}, {port: 81}]\n",
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80, name: http}, {port: 81, name: b}]\n"),
    "service-nodeport-out-of-range": (
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 8080}]\n",
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 30080}]\n"),
    "workload-selector-mismatch": (deploy().replace("matchLabels: {app: web}", "matchLabels: {app: webb}"), deploy()),
    "statefulset-service-missing": (STS, doc(STS, HEADLESS % ("None", "db"))),
    "statefulset-service-not-headless": (doc(STS, HEADLESS % ("10.0.0.9", "db")), doc(STS, HEADLESS % ("None", "db"))),
    "statefulset-service-selector-mismatch": (doc(STS, HEADLESS % ("None", "dbx")), doc(STS, HEADLESS % ("None", "db"))),
    "networkpolicy-selects-no-pods": (doc(deploy(), POLICY % "  podSelector: {matchLabels: {app: wbe}}"),
                                      doc(deploy(), POLICY % "  podSelector: {matchLabels: {app: web}}")),
    "networkpolicy-peer-selects-no-pods": (
        doc(deploy(), POLICY % "  podSelector: {}\n  ingress: [{from: [{podSelector: {matchLabels: {app: ghost}}}]}]"),
        doc(deploy(), POLICY % "  podSelector: {}\n  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]")),
    "networkpolicy-blocks-dns": (
        doc(deploy(), POLICY % "  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{ports: [{port: 443}]}]"),
        doc(deploy(), POLICY % "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]")),
    "networkpolicy-peer-or-ambiguity": (
        doc(deploy(), POLICY % "  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {team: a}}\n    - podSelector: {matchLabels: {app: web}}"),
        doc(deploy(), POLICY % "  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {team: a}}\n      podSelector: {matchLabels: {app: web}}")),
    "networkpolicy-named-port-unknown": (
        doc(deploy(), POLICY % "  podSelector: {}\n  ingress: [{ports: [{port: htp}]}]"),
        doc(deploy(), POLICY % "  podSelector: {}\n  ingress: [{ports: [{port: http}]}]")),
    "networkpolicy-rules-ignored": (
        doc(deploy(), POLICY % "  podSelector: {}\n  policyTypes: [Ingress]\n  egress: [{}]"),
        doc(deploy(), POLICY % "  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  egress: [{}]")),
    "pod-not-isolated": (
        doc(deploy(), deploy("api"), POLICY % "  podSelector: {matchLabels: {app: web}}"),
        doc(deploy(), deploy("api"), POLICY % "  podSelector: {}")),
    "ingress-backend-service-missing": (doc(INGRESS % ("", "tls", "web", "number: 80")),
                                        doc(deploy(), SERVICE % ("web", 8080), INGRESS % ("", "tls", "web", "number: 80"))),
    "ingress-backend-port-mismatch": (doc(deploy(), SERVICE % ("web", 8080), INGRESS % ("", "tls", "web", "number: 8080")),
                                      doc(deploy(), SERVICE % ("web", 8080), INGRESS % ("", "tls", "web", "number: 80"))),
    "ingress-class-missing": (doc(deploy(), SERVICE % ("web", 8080),
                                  (INGRESS % ("", "tls", "web", "number: 80")).replace("  ingressClassName: nginx\n", "")),
                              doc(deploy(), SERVICE % ("web", 8080), INGRESS % ("", "tls", "web", "number: 80"))),
    "ingress-tls-secret-missing": (doc(SECRET, deploy(), SERVICE % ("web", 8080), INGRESS % ("", "tsl", "web", "number: 80")),
                                   doc(SECRET, deploy(), SERVICE % ("web", 8080), INGRESS % ("", "tls", "web", "number: 80"))),
    "host-network": (deploy().replace("      containers:", "      hostNetwork: true\n      dnsPolicy: ClusterFirstWithHostNet\n      containers:"),
                     deploy()),
    "hostnetwork-dnspolicy": (
        deploy().replace("      containers:", "      hostNetwork: true\n      containers:").replace(
            "        ports:", "        env: [{name: API_URL, value: 'http://api.shop.svc:8080'}]\n        ports:"),
        deploy().replace("      containers:", "      hostNetwork: true\n      dnsPolicy: ClusterFirstWithHostNet\n      containers:").replace(
            "        ports:", "        env: [{name: API_URL, value: 'http://api.shop.svc:8080'}]\n        ports:")),
    "host-port": (deploy().replace("name: http}", "name: http, hostPort: 8080}"), deploy()),
    "externalname-with-selector": (
        "apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  type: ExternalName\n  externalName: db.example.com\n  selector: {app: db}\n",
        "apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  type: ExternalName\n  externalName: db.example.com\n"),
    "probe-port-unknown": (deploy().replace("        ports:", "        readinessProbe: {httpGet: {path: /, port: htp}}\n        ports:"),
                           deploy().replace("        ports:", "        readinessProbe: {httpGet: {path: /, port: http}}\n        ports:")),
    "container-port-name-duplicate": (
        deploy().replace("ports: [{containerPort: 8080, name: http}]", "ports: [{containerPort: 8080, name: http}, {containerPort: 8081, name: http}]"),
        deploy().replace("ports: [{containerPort: 8080, name: http}]", "ports: [{containerPort: 8080, name: http}, {containerPort: 8081, name: admin}]")),
    "yaml-limit-exceeded": ("a: " + "[" * 150 + "]" * 150 + "\n", "a: " + "[" * 50 + "]" * 50 + "\n"),
    "service-dependency-blocked": (
        doc(deploy("api").replace("        ports:", "        env: [{name: WEB_URL, value: 'http://web:80/'}]\n        ports:"),
            deploy(), SERVICE % ("web", 8080), POLICY % "  podSelector: {matchLabels: {app: web}}\n  ingress: []"),
        doc(deploy("api").replace("        ports:", "        env: [{name: WEB_URL, value: 'http://web:80/'}]\n        ports:"),
            deploy(), SERVICE % ("web", 8080),
            POLICY % "  podSelector: {matchLabels: {app: web}}\n  ingress: [{from: [{podSelector: {matchLabels: {app: api}}}]}]")),
    "networkpolicy-selects-host-network": (
        doc(deploy().replace("      containers:", "      hostNetwork: true\n      dnsPolicy: ClusterFirstWithHostNet\n      containers:"),
            POLICY % "  podSelector: {matchLabels: {app: web}}"),
        doc(deploy(), POLICY % "  podSelector: {matchLabels: {app: web}}")),
    "namespace-legacy-isolation-annotation": (
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    net.beta.kubernetes.io/network-policy: "
        "'{\"ingress\": {\"isolation\": \"DefaultDeny\"}}'\n",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n"
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\n"
        "spec: {podSelector: {}, policyTypes: [Ingress]}\n"),
}


def test_every_rule_has_metadata_an_implementation_and_a_case():
    catalog = load_catalog()
    assert set(registered()) == set(catalog) == set(CASES)
    for info in catalog.values():
        assert info.title["en"] and info.title["zh"] and info.hint["en"] and info.hint["zh"]
        assert info.doc.startswith("https://kubernetes.io/docs/")


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_on_bad_and_not_on_fixed(rule_id):
    bad, good = CASES[rule_id]
    bad_report = run(bad)
    assert rule_id in rules(bad_report), [f.message for f in bad_report.findings]
    finding = next(f for f in bad_report.findings if f.rule == rule_id)
    assert finding.line >= 1 and finding.message and "\n" not in finding.message
    assert finding.severity == load_catalog()[rule_id].severity
    good_report = run(good)
    assert rule_id not in rules(good_report), [f.message for f in good_report.findings if f.rule == rule_id]


def test_finding_names_the_objects_and_carries_contract_keys():
    report = run(doc(deploy(), SERVICE % ("wbe", 8080)))
    finding = next(f for f in report.findings if f.rule == "service-selector-no-match")
    assert finding.to_dict().keys() == {"rule", "severity", "object", "line", "message", "hint", "doc"}
    assert finding.object == "Service/default/web"
    assert "app=wbe" in finding.message and "closest: Deployment default/web" in finding.message
    assert finding.line == 15  # the line of the Service's kind (deployment is lines 1-12, --- is 13)


def test_schema_invalid_reports_field_path():
    report = run(deploy().replace("ports: [{containerPort: 8080, name: http}]", "ports: 80"))
    messages = [f.message for f in report.findings if f.rule == "schema-invalid"]
    assert any("spec.template.spec.containers[0].ports" in m for m in messages), messages


def test_schema_invalid_catches_misspelt_and_missing_fields():
    report = run("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{prot: 80}]\n")
    messages = " ".join(f.message for f in report.findings if f.rule == "schema-invalid")
    assert "spec.ports[0]" in messages
    assert "'prot' was unexpected" in messages      # the misspelt field is named
    assert "'port' is a required property" in messages  # and the missing one too


def test_targetport_defaults_to_port():
    svc = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: %d}]\n"
    assert "service-target-port-mismatch" in rules(run(doc(deploy(), svc % 80)))
    assert "service-target-port-mismatch" not in rules(run(doc(deploy(), svc % 8080)))


def test_named_target_port_needs_matching_protocol():
    svc = SERVICE.replace("targetPort: %s}", "targetPort: %s, protocol: UDP}") % ("web", "http")
    assert "service-target-port-mismatch" in rules(run(doc(deploy(), svc)))


def test_selectors_never_cross_namespaces():
    report = run(doc(deploy(ns="other"), SERVICE % ("web", 8080)))
    assert "service-selector-no-match" in rules(report)


def test_pod_not_isolated_silent_without_policies_in_namespace():
    report = run(doc(deploy(), deploy("api", ns="other"), POLICY % "  podSelector: {}"))
    assert not [f for f in report.findings if f.rule == "pod-not-isolated"]


def test_peer_in_namespace_outside_bundle_is_unknown_not_empty():
    policy = POLICY % ("  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n"
                       "    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}\n"
                       "      podSelector: {matchLabels: {k8s-app: kube-dns}}\n"
                       "    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]")
    report = run(doc(deploy(), policy))
    assert "networkpolicy-peer-selects-no-pods" not in rules(report)
    assert "networkpolicy-blocks-dns" not in rules(report)


def test_peer_pinned_to_bundle_namespace_with_no_match_fires():
    policy = POLICY % ("  podSelector: {}\n  ingress:\n  - from:\n"
                       "    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}\n"
                       "      podSelector: {matchLabels: {app: ghost}}")
    assert "networkpolicy-peer-selects-no-pods" in rules(run(doc(deploy(), deploy("api", "other"), policy)))


def test_dns_rule_protocol_defaults_to_tcp():
    policy = POLICY % "  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{ports: [{port: 53}]}]"
    report = run(doc(deploy(), policy))
    finding = next(f for f in report.findings if f.rule == "networkpolicy-blocks-dns")
    assert "only TCP 53" in finding.message


def test_dns_allowed_by_separate_policy_additively():
    deny = POLICY % "  podSelector: {}\n  policyTypes: [Egress]"
    allow = (POLICY % "  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{ports: [{port: 53, protocol: UDP}]}]"
             ).replace("name: np", "name: dns")
    assert "networkpolicy-blocks-dns" not in rules(run(doc(deploy(), deny, allow)))


def test_policy_types_omitted_with_egress_rules_isolates_egress():
    policy = POLICY % "  podSelector: {}\n  egress: [{ports: [{port: 443}]}]"
    assert "networkpolicy-blocks-dns" in rules(run(doc(deploy(), policy)))


def test_ingress_tls_not_checked_without_secrets_in_bundle():
    report = run(doc(deploy(), SERVICE % ("web", 8080), INGRESS % ("", "tsl", "web", "number: 80")))
    assert "ingress-tls-secret-missing" not in rules(report)


def test_ingress_named_backend_port_and_default_backend():
    svc = SERVICE.replace("[{port: 80, ", "[{name: http, port: 80, ") % ("web", 8080)
    named = INGRESS % ("", "tls", "web", "name: http")
    assert "ingress-backend-port-mismatch" not in rules(run(doc(deploy(), svc, named)))
    wrong = INGRESS % ("", "tls", "web", "name: grpc")
    assert "ingress-backend-port-mismatch" in rules(run(doc(deploy(), svc, wrong)))
    default = ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: d}\nspec:\n  ingressClassName: x\n"
               "  defaultBackend: {service: {name: nope, port: {number: 80}}}\n")
    assert "ingress-backend-service-missing" in rules(run(default))


def test_ingress_class_annotation_counts():
    ing = (INGRESS % ("", "tls", "web", "number: 80")).replace(
        "  ingressClassName: nginx\n", "").replace("metadata: {name: ing}", "metadata: {name: ing, annotations: {kubernetes.io/ingress.class: nginx}}")
    assert "ingress-class-missing" not in rules(run(doc(deploy(), SERVICE % ("web", 8080), ing)))


def test_numeric_targetport_to_pods_without_declared_ports_is_not_flagged():
    bare = deploy().replace("        ports: [{containerPort: 8080, name: http}]\n", "")
    assert "service-target-port-mismatch" not in rules(run(doc(bare, SERVICE % ("web", 8080))))
    assert "service-target-port-mismatch" in rules(run(doc(bare, SERVICE % ("web", "http"))))


CONTRACT_SEVERITIES = {
    "yaml-invalid": "error", "schema-invalid": "error", "service-selector-no-match": "warning",
    "service-target-port-mismatch": "error", "service-port-name-missing": "error",
    "service-nodeport-out-of-range": "error", "workload-selector-mismatch": "error",
    "statefulset-service-missing": "warning", "statefulset-service-not-headless": "warning",
    "networkpolicy-selects-no-pods": "warning", "networkpolicy-peer-selects-no-pods": "warning",
    "networkpolicy-blocks-dns": "warning", "networkpolicy-peer-or-ambiguity": "info",
    "networkpolicy-named-port-unknown": "warning", "pod-not-isolated": "info",
    "ingress-backend-service-missing": "error", "ingress-backend-port-mismatch": "error",
    "ingress-class-missing": "info", "ingress-tls-secret-missing": "warning", "host-network": "warning",
    "host-port": "warning", "externalname-with-selector": "warning", "networkpolicy-rules-ignored": "warning",
    "statefulset-service-selector-mismatch": "warning", "probe-port-unknown": "warning",
    "container-port-name-duplicate": "error", "hostnetwork-dnspolicy": "warning", "yaml-duplicate-key": "warning",
    "service-dependency-blocked": "warning", "networkpolicy-selects-host-network": "info",
    "namespace-legacy-isolation-annotation": "warning",
}


def test_every_contract_rule_exists_with_its_contract_severity():
    catalog = load_catalog()
    for rule_id, severity in CONTRACT_SEVERITIES.items():
        assert catalog[rule_id].severity == severity, rule_id


def test_text_hints_in_chinese():
    from assistant.inspection import render_text

    text = render_text(run(doc(deploy(), SERVICE % ("wbe", 8080))), lang="zh")
    assert "hint: 让 spec.selector" in text


def test_selector_on_controller_added_pod_name_label_is_not_a_false_positive():
    per_pod = ("apiVersion: v1\nkind: Service\nmetadata: {name: db-1}\nspec:\n"
               "  selector: {statefulset.kubernetes.io/pod-name: db-%d}\n  ports: [{port: 5432}]\n")
    assert "service-selector-no-match" not in rules(run(doc(STS, HEADLESS % ("None", "db"), per_pod % 1)))
    assert "service-selector-no-match" in rules(run(doc(STS, HEADLESS % ("None", "db"), per_pod % 5)))
