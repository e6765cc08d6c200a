"""Report renderings: the contract JSON shape, human text, and SARIF 2.1.0 validated against its schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from assistant.inspection import render_json, render_sarif, render_text
from assistant.inspection.catalog import load_catalog

from .helpers import run

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

BUNDLE = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: shop}
spec:
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 80, name: http}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api, ports: [{containerPort: 8080, name: http}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: apii}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: legacy, namespace: shop}
spec: {type: ExternalName, externalName: legacy.example.com}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{port: http}]}]
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: lab}
"""


def test_json_has_exactly_the_contract_keys():
    data = json.loads(render_json(run(BUNDLE)))
    assert list(data) == ["objects", "findings", "dns", "cname", "env", "reach", "skipped"]
    assert data["objects"][1] == {"kind": "Deployment", "namespace": "shop", "name": "frontend", "line": 6}
    assert {tuple(f) for f in data["findings"]} == {("rule", "severity", "object", "line", "message", "hint", "doc")}
    assert data["dns"] == ["api.shop.svc.cluster.local"]
    assert data["cname"] == {"legacy.shop.svc.cluster.local": "legacy.example.com"}
    assert data["env"]["shop/api"][:2] == ["API_SERVICE_HOST", "API_SERVICE_PORT"]
    assert set(data["reach"][0]) == {"from", "to", "port", "protocol", "allowed", "reason"}
    allowed = next(r for r in data["reach"] if r["from"] == "shop/frontend" and r["to"] == "shop/api")
    assert allowed["allowed"] and "shop/api-ingress" in allowed["reason"] and allowed["port"] == 8080
    assert data["skipped"][0]["kind"] == "Widget"


def test_text_groups_by_severity_and_has_no_colour_unless_asked():
    report = run(BUNDLE)
    text = render_text(report, color=False)
    assert "\x1b[" not in text
    assert text.index("Warnings") < text.index("Info") < text.index("DNS names") < text.index("Reachability")
    assert "hint: " in text and "Services -> pods" in text and "Skipped (1)" in text
    assert "legacy.shop.svc.cluster.local CNAME legacy.example.com" in text
    assert "\x1b[" in render_text(report, color=True)


def test_text_never_replays_escape_sequences_from_the_manifest():
    report = run('apiVersion: v1\nkind: Service\nmetadata: {name: "evil\\e[2J\\e]0;owned\\a"}\nspec: {ports: [{port: 80}]}\n')
    text = render_text(report, color=False)
    assert "\x1b" not in text and "\x07" not in text


def test_sarif_validates_against_the_2_1_0_schema():
    report = run(BUNDLE)
    sarif = json.loads(render_sarif(report, uri="bundle.yaml"))
    jsonschema.Draft7Validator(SCHEMA).validate(sarif)
    run_ = sarif["runs"][0]
    rule_ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert rule_ids == list(load_catalog()) and len(set(rule_ids)) == len(rule_ids)
    assert all(r["help"]["text"] and r["helpUri"] for r in run_["tool"]["driver"]["rules"])
    assert len(run_["results"]) == len(report.findings) > 0
    for result in run_["results"]:
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
    assert {r["level"] for r in run_["results"]} <= {"error", "warning", "note"}


def test_sarif_for_an_unparseable_and_an_empty_input_still_validates():
    for text in ("kind: [\n", ""):
        jsonschema.Draft7Validator(SCHEMA).validate(json.loads(render_sarif(run(text))))


def test_schema_file_rejects_a_broken_log():
    errors = list(jsonschema.Draft7Validator(SCHEMA).iter_errors({"version": "2.1.0", "runs": [{"results": []}]}))
    assert errors  # a run needs a tool


def _big_bundle(n: int = 50) -> str:
    docs = []
    for i in range(n):
        docs.append(f"""apiVersion: v1
kind: Pod
metadata: {{name: p{i}, namespace: big, labels: {{app: a{i}}}}}
spec:
  containers:
  - name: c
    image: nginx
    ports: [{{containerPort: 80}}]""")
    docs.append("""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: big}
spec: {podSelector: {matchLabels: {app: a0}}, policyTypes: [Ingress]}""")
    return "\n---\n".join(docs)


def test_text_reach_table_is_capped_summarised_and_says_so():
    """A 2,500-pair matrix: a namespace summary, denied rows first, a cap with a count; JSON keeps every pair."""
    from assistant.inspection import inspect_text
    from assistant.inspection.view import RowLimits

    report = inspect_text(_big_bundle())
    assert len(report.to_dict()["reach"]) == 2500
    text = render_text(report)
    reach = text.split("Reachability")[1].splitlines()
    assert reach[1].strip() == "2,500 of 2,500 pairs"
    assert reach[2].split() == ["big", "->", "big", "50", "denied", "2,450", "allowed"]
    rows = [r for r in reach if "  ->  " in r]
    assert len(rows) == RowLimits().reach_rows
    assert all(" deny " in r for r in rows)  # the 50 denied pairs come first
    assert f"{2500 - RowLimits().reach_rows:,} more pairs" in reach[-1]


def test_reach_filters_narrow_every_format():
    from assistant.inspection import inspect_text
    from assistant.inspection.view import ReachFilter

    report = inspect_text(_big_bundle(5))
    only = ReachFilter.from_options("big/p1", "big/p0", 80, False)
    text = render_text(report, reach_filter=only)
    assert "1 of 25 pairs matching from big/p1, to big/p0, port 80" in text
    assert "big/p1  ->  big/p0" in text and "big/p2  ->" not in text
    denied = render_text(report, reach_filter=ReachFilter.from_options(None, None, None, True))
    assert "5 of 25 pairs" in denied and " allow " not in denied
    assert "0 of 25 pairs" in render_text(report, reach_filter=ReachFilter.from_options(None, None, 443, False))


def test_text_report_of_a_200_workload_bundle_stays_under_200_lines():
    """The bench's 200-workload x 100-policy bundle (every section capped by default)."""
    import importlib.util
    from pathlib import Path

    from assistant.inspection import inspect_text

    spec = importlib.util.spec_from_file_location("bench", Path(__file__).parents[2] / "eval" / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    report = inspect_text(bench.manifest_reach())
    assert len(report.reach) > 10_000
    lines = render_text(report).splitlines()
    assert len(lines) <= 200, len(lines)
    assert any("more pairs" in line for line in lines)


def test_bidi_zero_width_and_separator_characters_never_reach_text_or_markdown():
    """Issue 18: U+200F, U+061C, U+2028 and U+FEFF from a manifest are cleaned once, in the view."""
    from assistant.inspection import render_markdown

    evil = "\\u200f\\u061c\\u2028\\ufeff"
    report = run(f'apiVersion: v1\nkind: Service\nmetadata: {{name: "web{evil}"}}\nspec: {{selector: {{app: "x{evil}"}}, '
                 'ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: y}}\n'
                 'spec: {containers: [{name: c, image: i}]}\n')
    for text in (render_text(report), render_markdown(report)):
        assert "web" in text and not any(ch in text for ch in "\u200f\u061c\u2028\ufeff")
