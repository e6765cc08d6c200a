"""Hostile and odd input: every case ends as data, a finding or a ManifestError, never a traceback."""

from __future__ import annotations

import json
import time

import pytest

from assistant.errors import ManifestError
from assistant.inspection import inspect_text
from assistant.inspection.parse import Limits, parse_manifest

from .helpers import rules, run

SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{port: 80}]\n"


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_refused_before_expanding():
    started = time.perf_counter()
    report = inspect_text(billion_laughs() + "---\n" + SERVICE)
    assert time.perf_counter() - started < 1.0
    finding = next(f for f in report.findings if f.rule == "yaml-limit-exceeded")
    assert "max_alias_nodes" in finding.message and "alias bomb" in finding.message
    assert report.dns == ["web.default.svc.cluster.local"]  # the other document is still inspected


def test_small_aliases_are_fine():
    report = run("""\
        base: &labels {app: web}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: &sel {app: web}
          ports: [{port: 80}]
        """)
    assert "yaml-limit-exceeded" not in rules(report)


def test_recursive_alias_refused():
    assert "yaml-limit-exceeded" in rules(inspect_text("a: &a [*a]\n"))


def test_oversize_input_refused_naming_the_limit():
    with pytest.raises(ManifestError, match="max_bytes limit of 1,000 bytes"):
        inspect_text("a: b\n" * 1000, max_bytes=1000)
    big = b"# " + b"x" * (11 * 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(ManifestError, match="max_bytes"):
        inspect_text(big)
    assert time.perf_counter() - started < 1.0


def test_too_many_documents_refused():
    with pytest.raises(ManifestError, match="max_documents"):
        parse_manifest("a: 1\n---\n" * 20, Limits(max_documents=10))


@pytest.mark.parametrize("text", ["[" * 50_000 + "]" * 50_000, "a:\n" + "".join("  " * i + "- x:\n" for i in range(1, 3000)),
                                  "{" * 50_000], ids=["flow-50000", "block-3000", "open-braces"])
def test_deep_nesting_refused_without_recursion(text):
    report = inspect_text(text)
    assert rules(report) & {"yaml-limit-exceeded", "yaml-invalid"}
    limit = next(f for f in report.findings if f.rule in ("yaml-limit-exceeded", "yaml-invalid"))
    assert "max_depth" in limit.message or "line" in limit.message


def test_deep_json_nesting_refused():
    report = inspect_text('{"kind": "X",\t"a": ' + "[" * 5000 + "]" * 5000 + "}")
    assert rules(report) & {"yaml-limit-exceeded", "yaml-invalid"}


def test_binary_input_refused():
    with pytest.raises(ManifestError, match="binary"):
        inspect_text(bytes(range(256)) * 4)


def test_non_utf8_refused_with_position():
    with pytest.raises(ManifestError, match="not UTF-8.*line 2"):
        inspect_text("kind: Service\nmetadata: {name: caf\xe9}\n".encode("latin-1"))


def test_utf8_bom_and_crlf_accepted():
    report = inspect_text(b"\xef\xbb\xbf" + SERVICE.replace("\n", "\r\n").encode())
    assert report.dns == ["web.default.svc.cluster.local"]


def test_control_characters_in_text_become_yaml_invalid():
    report = inspect_text("kind: Service\nmetadata: {name: \x00web}\n")
    assert "yaml-invalid" in rules(report)


def test_tabs_reported_with_line_column_and_hint():
    report = inspect_text("apiVersion: v1\nkind: Service\nmetadata:\n\tname: web\n")
    finding = next(f for f in report.findings if f.rule == "yaml-invalid")
    assert finding.line == 4 and "column" in finding.message and "tab" in finding.message


def test_malformed_document_does_not_hide_the_others():
    text = SERVICE + "---\nkind: Service\nmetadata:\n  name: x\n   bad: indent\n---\n" + SERVICE.replace("web", "api")
    report = inspect_text(text)
    finding = next(f for f in report.findings if f.rule == "yaml-invalid")
    assert finding.message.startswith("document 2, line 10")
    assert finding.line == 10
    assert report.dns == ["api.default.svc.cluster.local", "web.default.svc.cluster.local"]


@pytest.mark.parametrize("text", ["", "\n\n", "# just a comment\n", "---\n---\n...\n", b""])
def test_empty_input_is_fine(text):
    report = inspect_text(text)
    assert report.findings == [] and report.objects == [] and report.reach == []


def test_json_manifest_with_lines():
    manifest = {"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}, "spec": {"ports": [{"port": 80}]}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "b"}, "spec": {"ports": [{"port": 81}]}},
    ]}
    for text in (json.dumps(manifest, indent=2), json.dumps(manifest, indent="\t")):
        report = inspect_text(text)
        assert [o.name for o in report.objects] == ["a", "b"], report.findings
        assert report.objects[0].line < report.objects[1].line
        assert report.findings == []


def test_kind_list_unpacked_with_item_lines():
    report = run("""\
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Service
          metadata: {name: a, namespace: shop}
          spec: {ports: [{port: 80}]}
        - apiVersion: v1
          kind: Service
          metadata: {name: b, namespace: shop}
          spec: {ports: [{port: 80}]}
        """)
    assert [(o.name, o.line) for o in report.objects] == [("a", 5), ("b", 9)]
    assert report.dns == ["a.shop.svc.cluster.local", "b.shop.svc.cluster.local"]


def test_yaml_that_is_not_kubernetes_is_skipped():
    report = run("""\
        version: "3"
        services:
          web: {image: nginx, ports: ["80:80"]}
        ---
        - just
        - a list
        ---
        plain scalar
        """)
    assert report.objects == [] and report.findings == []
    assert len(report.skipped) == 3 and "not a Kubernetes object" in report.skipped[0].reason


def test_wrong_field_types_do_not_crash():
    report = run("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, labels: [a, b]}
        spec:
          replicas: many
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              hostNetwork: "yes"
              containers:
              - name: web
                image: nginx
                ports: 80
                readinessProbe: {httpGet: {port: [1]}}
              - just-a-string
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: [app, web]
          ports: {port: 80}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: np}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress: {from: 1}
          egress: [{to: [1, {podSelector: 7}], ports: [{port: [80]}]}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: i}
        spec: {rules: [{http: {paths: [{backend: {service: {name: 5, port: 80}}}]}}], tls: "x"}
        """)
    messages = [f.message for f in report.findings if f.rule == "schema-invalid"]
    assert any("ports" in m for m in messages)
    assert len({f.object for f in report.findings if f.rule == "schema-invalid"}) == 4


def test_model_type_checks_cover_kinds_without_schema():
    report = run("""\
        apiVersion: extensions/v1beta1
        kind: Deployment
        metadata: {name: old}
        spec:
          template:
            metadata: {labels: {app: old}}
            spec: {containers: [{name: c, image: i, ports: 80}]}
        """)
    messages = [f.message for f in report.findings if f.rule == "schema-invalid"]
    assert messages and "ports must be a list" in messages[0]


def test_crds_and_unknown_kinds_are_skipped_not_errors():
    report = run("""\
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: c, namespace: shop}
        spec: {secretName: tls}
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          names: {kind: Widget, plural: widgets}
          scope: Namespaced
          versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cfg}
        data: {a: b}
        """)
    assert [(s.kind, s.name) for s in report.skipped] == [("Certificate", "c")]
    assert {o.kind for o in report.objects} == {"CustomResourceDefinition", "ConfigMap"}
    assert report.findings == []
    assert report.to_dict()["skipped"][0]["reason"].startswith("custom resource or unknown kind")


def test_duplicate_keys_reported_on_the_repeated_line():
    report = run("""\
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector:
            app: web
            app: api
          ports: [{port: 80}]
        """)
    finding = next(f for f in report.findings if f.rule == "yaml-duplicate-key")
    assert finding.line == 7 and finding.object == "Service/default/web" and "'app'" in finding.message


def test_merge_keys_and_odd_scalars():
    report = run("""\
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          annotations: {created: 2024-01-01, bin: !!binary aGk=, custom: !thing x}
        spec:
          selector:
            <<: {app: web}
          ports: [{port: 80}]
        """)
    assert json.dumps(report.to_dict())  # everything JSON-serialisable


def test_namespace_option_and_every_object_line():
    report = run(SERVICE + "---\n" + SERVICE.replace("name: web", "name: api, namespace: shop"), namespace="dev")
    assert [(o.namespace, o.name, o.line) for o in report.objects] == [("dev", "web", 2), ("shop", "api", 8)]


def test_thousand_document_manifest_is_fast():
    deploy = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app{i}, namespace: ns{ns}}}
spec:
  selector: {{matchLabels: {{app: app{i}}}}}
  template:
    metadata: {{labels: {{app: app{i}}}}}
    spec:
      containers: [{{name: c, image: nginx, ports: [{{containerPort: 8080, name: http}}]}}]
---
apiVersion: v1
kind: Service
metadata: {{name: app{i}, namespace: ns{ns}}}
spec:
  selector: {{app: app{i}}}
  ports: [{{port: 80, targetPort: http}}]
"""
    text = "---\n".join(deploy.format(i=i, ns=i % 5) for i in range(500))
    started = time.perf_counter()
    report = inspect_text(text)
    elapsed = time.perf_counter() - started
    assert len(report.objects) == 1000 and report.findings == []
    assert elapsed < 10, f"{elapsed:.2f}s"


def test_crlf_documents_are_split_and_directives_kept():
    text = (SERVICE + "---\n" + "kind: [\n" + "---\n" + SERVICE.replace("web", "api")).replace("\n", "\r\n")
    report = inspect_text(text)
    assert report.dns == ["api.default.svc.cluster.local", "web.default.svc.cluster.local"]
    assert [f.rule for f in report.findings] == ["yaml-invalid"]
    report = inspect_text("%YAML 1.1\n---\n" + SERVICE)
    assert report.dns == ["web.default.svc.cluster.local"] and report.findings == []
