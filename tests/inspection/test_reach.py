"""Reachability verdicts, one test per NetworkPolicy semantic of the research note (section 9)."""

from __future__ import annotations

import time

from .helpers import run, verdict


def pod(name: str, ns: str = "shop", labels: str | None = None, ports: str = "[{containerPort: 8080, name: http}]") -> str:
    labels = labels or f"{{app: {name}}}"
    return f"""\
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: {ns}, labels: {labels}}}
spec:
  containers: [{{name: main, image: img, ports: {ports}}}]
"""


def ns(name: str, labels: str = "{}") -> str:
    return f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {name}, labels: {labels}}}\n"


def policy(name: str, spec: str, namespace: str = "shop") -> str:
    body = "\n".join("  " + line for line in spec.strip("\n").splitlines())
    return f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: {namespace}}}\nspec:\n{body}\n"


def bundle(*docs: str) -> str:
    return "---\n".join(docs)


BASE = [ns("shop", "{team: shop}"), ns("other", "{team: other}"), pod("web"), pod("api"), pod("client", "other")]


def test_no_policies_everything_allowed():
    report = run(bundle(*BASE))
    assert all(v.allowed for v in report.reach)
    assert "no NetworkPolicy isolates" in verdict(report, "shop/web", "shop/api", 8080).reason


def test_matrix_is_every_ordered_pair_and_every_declared_port_sorted():
    report = run(bundle(*BASE[:2], pod("web", ports="[{containerPort: 80}, {containerPort: 53, protocol: UDP}]"),
                        pod("api")))
    keys = [(v.source, v.destination, v.port, v.protocol) for v in report.reach]
    assert keys == sorted(keys)
    assert len(keys) == 2 * 3  # 2 sources x (2 ports of web + 1 of api)
    assert ("shop/web", "shop/web", 53, "UDP") in keys  # a workload to itself is included


def test_empty_pod_selector_selects_all_pods_in_namespace_only():
    report = run(bundle(*BASE, policy("deny", "podSelector: {}\npolicyTypes: [Ingress]")))
    v = verdict(report, "shop/web", "shop/api", 8080)
    assert not v.allowed and "shop/deny" in v.reason
    assert not verdict(report, "other/client", "shop/web", 8080).allowed
    assert verdict(report, "shop/web", "other/client", 8080).allowed  # other namespace unaffected


def test_policy_types_omitted_means_ingress_only_without_egress_rules():
    report = run(bundle(*BASE, policy("p", "podSelector: {matchLabels: {app: web}}")))
    assert not verdict(report, "shop/api", "shop/web", 8080).allowed    # ingress-isolated, no rules
    assert verdict(report, "shop/web", "shop/api", 8080).allowed        # egress not isolated


def test_policy_types_omitted_with_egress_rules_isolates_both_directions():
    report = run(bundle(*BASE, policy("p", """
podSelector: {matchLabels: {app: web}}
egress: [{to: [{podSelector: {matchLabels: {app: api}}}]}]
""")))
    assert verdict(report, "shop/web", "shop/api", 8080).allowed
    assert not verdict(report, "shop/web", "other/client", 8080).allowed
    assert not verdict(report, "shop/api", "shop/web", 8080).allowed   # Ingress implied too


def test_explicit_egress_only_leaves_ingress_open():
    report = run(bundle(*BASE, policy("p", "podSelector: {matchLabels: {app: web}}\npolicyTypes: [Egress]")))
    assert verdict(report, "shop/api", "shop/web", 8080).allowed
    assert not verdict(report, "shop/web", "shop/api", 8080).allowed


def test_ingress_empty_list_denies_but_empty_rule_allows_all():
    deny = run(bundle(*BASE, policy("p", "podSelector: {matchLabels: {app: api}}\ningress: []")))
    assert not verdict(deny, "shop/web", "shop/api", 8080).allowed
    allow = run(bundle(*BASE, policy("p", "podSelector: {matchLabels: {app: api}}\ningress: [{}]")))
    assert verdict(allow, "shop/web", "shop/api", 8080).allowed
    assert verdict(allow, "other/client", "shop/api", 8080).allowed
    assert "ingress rule 1" in verdict(allow, "shop/web", "shop/api", 8080).reason


def test_egress_empty_rule_allows_all_destinations():
    report = run(bundle(*BASE, policy("p", "podSelector: {}\npolicyTypes: [Egress]\negress: [{}]")))
    assert verdict(report, "shop/web", "other/client", 8080).allowed


def test_pod_selector_peer_alone_means_policy_namespace():
    report = run(bundle(*BASE, pod("web", "other", labels="{app: web}").replace("name: web", "name: web2"),
                        policy("p", "podSelector: {matchLabels: {app: api}}\ningress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]")))
    assert verdict(report, "shop/web", "shop/api", 8080).allowed
    assert not verdict(report, "other/web2", "shop/api", 8080).allowed


def test_namespace_selector_alone_means_all_pods_in_matching_namespaces():
    report = run(bundle(*BASE, policy("p", "podSelector: {matchLabels: {app: api}}\ningress: [{from: [{namespaceSelector: {matchLabels: {team: other}}}]}]")))
    assert verdict(report, "other/client", "shop/api", 8080).allowed
    assert not verdict(report, "shop/web", "shop/api", 8080).allowed


def test_namespace_selector_by_automatic_name_label():
    report = run(bundle(pod("web"), pod("api"), pod("client", "other"),
                        policy("p", "podSelector: {matchLabels: {app: api}}\ningress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}}]}]")))
    assert verdict(report, "other/client", "shop/api", 8080).allowed
    assert not verdict(report, "shop/web", "shop/api", 8080).allowed


def test_namespace_and_pod_selector_in_one_peer_is_and():
    spec = """
podSelector: {matchLabels: {app: api}}
ingress:
- from:
  - namespaceSelector: {matchLabels: {team: other}}
    podSelector: {matchLabels: {app: client}}
"""
    report = run(bundle(*BASE, pod("other-web", "other"), policy("p", spec)))
    assert verdict(report, "other/client", "shop/api", 8080).allowed
    assert not verdict(report, "other/other-web", "shop/api", 8080).allowed
    assert not verdict(report, "shop/web", "shop/api", 8080).allowed


def test_namespace_and_pod_selector_as_separate_peers_is_or():
    spec = """
podSelector: {matchLabels: {app: api}}
ingress:
- from:
  - namespaceSelector: {matchLabels: {team: other}}
  - podSelector: {matchLabels: {app: client}}
"""
    report = run(bundle(*BASE, pod("other-web", "other"), pod("client2", labels="{app: client}"), policy("p", spec)))
    assert verdict(report, "other/client", "shop/api", 8080).allowed
    assert verdict(report, "other/other-web", "shop/api", 8080).allowed     # whole namespace admitted
    assert verdict(report, "shop/client2", "shop/api", 8080).allowed        # podSelector looks locally
    assert not verdict(report, "shop/web", "shop/api", 8080).allowed


def test_named_ports_resolve_against_destination():
    spec = "podSelector: {}\ningress: [{ports: [{port: http}]}]"
    report = run(bundle(pod("web", ports="[{containerPort: 8080, name: http}, {containerPort: 9090, name: metrics}]"),
                        pod("api", ports="[{containerPort: 3000, name: http}]"), policy("p", spec)))
    assert verdict(report, "shop/api", "shop/web", 8080).allowed
    assert not verdict(report, "shop/api", "shop/web", 9090).allowed
    assert verdict(report, "shop/web", "shop/api", 3000).allowed          # same name, another number


def test_named_port_protocol_must_match():
    spec = "podSelector: {}\ningress: [{ports: [{port: dns, protocol: TCP}]}]"
    report = run(bundle(pod("web", ports="[{containerPort: 53, name: dns, protocol: UDP}]"), pod("api"),
                        policy("p", spec)))
    assert not verdict(report, "shop/api", "shop/web", 53, "UDP").allowed


def test_numeric_port_and_protocol_default_tcp():
    spec = "podSelector: {}\ningress: [{ports: [{port: 53}]}]"
    report = run(bundle(pod("web", ports="[{containerPort: 53, protocol: UDP}, {containerPort: 53}]"), pod("api"),
                        policy("p", spec)))
    assert verdict(report, "shop/api", "shop/web", 53, "TCP").allowed
    assert not verdict(report, "shop/api", "shop/web", 53, "UDP").allowed


def test_end_port_range_is_inclusive():
    spec = "podSelector: {}\ningress: [{ports: [{port: 8000, endPort: 8080}]}]"
    report = run(bundle(pod("web", ports="[{containerPort: 8080}, {containerPort: 8081}, {containerPort: 8000}]"),
                        pod("api"), policy("p", spec)))
    assert verdict(report, "shop/api", "shop/web", 8000).allowed
    assert verdict(report, "shop/api", "shop/web", 8080).allowed
    assert not verdict(report, "shop/api", "shop/web", 8081).allowed


def test_protocol_only_port_entry_allows_all_ports_of_protocol():
    spec = "podSelector: {}\ningress: [{ports: [{protocol: UDP}]}]"
    report = run(bundle(pod("web", ports="[{containerPort: 8080}, {containerPort: 5000, protocol: UDP}]"),
                        pod("api"), policy("p", spec)))
    assert verdict(report, "shop/api", "shop/web", 5000, "UDP").allowed
    assert not verdict(report, "shop/api", "shop/web", 8080).allowed


def test_policies_in_other_namespaces_do_not_apply():
    report = run(bundle(*BASE, policy("deny", "podSelector: {}", namespace="other")))
    assert verdict(report, "shop/web", "shop/api", 8080).allowed
    assert not verdict(report, "shop/web", "other/client", 8080).allowed


def test_policies_are_additive():
    deny = policy("deny", "podSelector: {}")
    allow = policy("allow-web", "podSelector: {matchLabels: {app: api}}\ningress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]")
    report = run(bundle(*BASE, deny, allow))
    v = verdict(report, "shop/web", "shop/api", 8080)
    assert v.allowed and "shop/allow-web" in v.reason
    assert not verdict(report, "other/client", "shop/api", 8080).allowed


def test_egress_of_source_and_ingress_of_destination_both_required():
    egress_deny = policy("egress-deny", "podSelector: {matchLabels: {app: web}}\npolicyTypes: [Egress]")
    ingress_allow = policy("in", "podSelector: {matchLabels: {app: api}}\ningress: [{from: [{podSelector: {}}]}]")
    report = run(bundle(*BASE, egress_deny, ingress_allow))
    v = verdict(report, "shop/web", "shop/api", 8080)
    assert not v.allowed and "egress-isolated" in v.reason and "shop/egress-deny" in v.reason
    egress_allow = policy("egress-api", "podSelector: {matchLabels: {app: web}}\npolicyTypes: [Egress]\negress: [{to: [{podSelector: {matchLabels: {app: api}}}]}]")
    report = run(bundle(*BASE, egress_deny, ingress_allow, egress_allow))
    v = verdict(report, "shop/web", "shop/api", 8080)
    assert v.allowed and "shop/egress-api" in v.reason and "shop/in" in v.reason
    ingress_deny_only = run(bundle(*BASE, egress_allow, policy("deny", "podSelector: {matchLabels: {app: api}}")))
    assert not verdict(ingress_deny_only, "shop/web", "shop/api", 8080).allowed


def test_ip_block_never_matches_pods_and_reason_says_so():
    spec = "podSelector: {matchLabels: {app: api}}\ningress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}]}]"
    report = run(bundle(*BASE, policy("p", spec)))
    v = verdict(report, "shop/web", "shop/api", 8080)
    assert not v.allowed and "ipBlock" in v.reason


def test_policy_rules_ignored_when_direction_not_in_policy_types():
    spec = "podSelector: {matchLabels: {app: web}}\npolicyTypes: [Ingress]\ningress: [{}]\negress: []"
    report = run(bundle(*BASE, policy("p", spec)))
    assert verdict(report, "shop/web", "other/client", 8080).allowed  # egress rules ignored, not isolating


def test_match_expressions_in_policy_selector():
    spec = "podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [web]}]}"
    report = run(bundle(*BASE, policy("p", spec)))
    assert verdict(report, "shop/api", "shop/web", 8080).allowed
    assert not verdict(report, "shop/web", "shop/api", 8080).allowed


def test_workload_templates_are_pods():
    deployment = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: front, namespace: shop}
spec:
  selector: {matchLabels: {app: front}}
  template:
    metadata: {labels: {app: front}}
    spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}
"""
    cron = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: report}}
        spec: {restartPolicy: Never, containers: [{name: c, image: i}]}
"""
    spec = "podSelector: {matchLabels: {app: front}}\ningress: [{from: [{podSelector: {matchLabels: {app: report}}}]}]"
    report = run(bundle(deployment, cron, policy("p", spec)))
    assert verdict(report, "shop/report", "shop/front", 80).allowed
    assert not verdict(report, "shop/front", "shop/front", 80).allowed


def test_reach_is_fast_for_200_workloads_and_100_policies():
    docs = [ns("perf")]
    for i in range(200):
        docs.append(pod(f"w{i}", "perf", labels=f"{{app: w{i}, group: g{i % 10}}}",
                        ports="[{containerPort: 8080, name: http}]"))
    for i in range(100):
        docs.append(policy(f"p{i}", f"""
podSelector: {{matchLabels: {{group: g{i % 10}}}}}
policyTypes: [Ingress, Egress]
ingress: [{{from: [{{podSelector: {{matchLabels: {{group: g{(i + 9) % 10}}}}}}}], ports: [{{port: http}}]}}]
egress: [{{to: [{{namespaceSelector: {{}}, podSelector: {{matchExpressions: [{{key: app, operator: In, values: [w{i}, w{i+1}]}}]}}}}]}}]
""", namespace="perf"))
    text = bundle(*docs)
    started = time.perf_counter()
    report = run(text)
    elapsed = time.perf_counter() - started
    assert len(report.reach) == 200 * 200
    allowed = {(v.source, v.destination) for v in report.reach if v.allowed}
    assert ("perf/w3", "perf/w4") in allowed and ("perf/w4", "perf/w3") not in allowed
    assert elapsed <= 3.0, f"{elapsed:.2f}s"


def test_null_pod_selector_in_peer_means_absent():
    spec = """
podSelector: {matchLabels: {app: api}}
ingress: [{from: [{namespaceSelector: {matchLabels: {team: other}}, podSelector: null}]}]
"""
    report = run(bundle(*BASE, policy("p", spec)))
    assert verdict(report, "other/client", "shop/api", 8080).allowed


def test_host_network_pods_are_flagged_in_reasons():
    host = pod("node-agent").replace("spec:\n", "spec:\n  hostNetwork: true\n  dnsPolicy: ClusterFirstWithHostNet\n")
    report = run(bundle(host, pod("api")))
    assert "hostNetwork" in verdict(report, "shop/api", "shop/node-agent", 8080).reason
    assert "hostNetwork" not in verdict(report, "shop/api", "shop/api", 8080).reason
