"""The false-positive causes found on real public bundles, and the model gaps behind them,
each checked on real YAML: operators' pods, unknown custom resources, DNS on 5353, numeric
targetPorts, ReplicationControllers, native sidecars, per-pod StatefulSet policies, name
collisions, and Services named in a workload's configuration."""

from __future__ import annotations

from pathlib import Path

from .helpers import rules, run, verdict

MANIFESTS = Path(__file__).parents[2] / "eval" / "manifests"


def case(name: str):
    return run((MANIFESTS / f"{name}.yaml").read_text(encoding="utf-8"))


def findings(report, rule_id):
    return [f for f in report.findings if f.rule == rule_id]


def test_prometheus_pods_come_from_the_custom_resource():
    report = case("operator-prometheus-selected-by-service-and-policy")
    assert not findings(report, "service-selector-no-match") and not findings(report, "networkpolicy-selects-no-pods")
    skipped = next(s for s in report.skipped if s.kind == "Prometheus")
    assert "StatefulSet monitoring/prometheus-k8s" in skipped.reason
    assert verdict(report, "monitoring/grafana", "monitoring/prometheus-k8s", 9090).allowed
    assert not verdict(report, "monitoring/grafana", "monitoring/prometheus-k8s", 8080).allowed


def test_a_real_typo_next_to_an_operator_resource_is_still_a_warning():
    [finding] = findings(case("operator-prometheus-service-typo"), "service-selector-no-match")
    assert finding.severity == "warning"


def test_unknown_custom_resource_lowers_selects_nothing_to_info_and_names_it():
    [finding] = findings(case("operator-unknown-cr-selector-info"), "service-selector-no-match")
    assert finding.severity == "info"
    assert "Kafka/streaming/events" in finding.message and "ServiceMonitor" not in finding.message


def test_dns_on_5353_counts_and_the_message_names_the_ports_found():
    assert "networkpolicy-blocks-dns" not in rules(case("openshift-dns-5353-egress"))
    [finding] = findings(case("openshift-dns-wrong-port"), "networkpolicy-blocks-dns")
    assert "5353/UDP where OpenShift's DNS pods listen" in finding.message
    assert "egress ports allowed: 443/TCP, 5335/UDP" in finding.message


def test_numeric_target_port_is_a_warning_named_stays_an_error():
    [numeric] = findings(case("service-numeric-targetport-undeclared"), "service-target-port-mismatch")
    assert numeric.severity == "warning" and "make sure the process listens on 8080" in numeric.message
    [named] = findings(case("plain-init-container-port"), "service-target-port-mismatch")
    assert named.severity == "error" and "'admin'" in named.message


def test_replication_controllers_are_workloads():
    report = case("replicationcontroller-with-service")
    assert not findings(report, "service-selector-no-match")
    assert verdict(report, "default/web-controller", "default/mongo-controller", 27017).allowed
    assert "workload-selector-mismatch" in rules(case("replicationcontroller-selector-mismatch"))


def test_native_sidecar_ports_serve_and_plain_init_ports_do_not():
    report = case("native-sidecar-port")
    assert verdict(report, "mesh/app", "mesh/app", 15090).allowed
    assert not any(v.port == 9000 for v in case("plain-init-container-port").reach)


def test_policy_on_one_statefulset_pod_is_judged_per_pod():
    report = case("statefulset-per-pod-policy")
    assert not verdict(report, "data/reporting", "data/db-0", 5432).allowed
    assert verdict(report, "data/reporting", "data/db-1", 5432).allowed
    assert not any(v.destination == "data/db" for v in report.reach)


def test_name_collisions_get_kind_qualified_keys():
    report = case("name-collision-deployment-and-pod")
    keys = {v.source for v in report.reach}
    assert keys == {"default/Deployment/web", "default/Pod/web"}


def test_dependency_found_in_env_configmap_and_args_with_the_denying_policy():
    [env] = findings(case("dependency-env-host-blocked"), "service-dependency-blocked")
    assert "'redis-leader' in env REDIS_HOST" in env.message and "guestbook/redis-deny-all" in env.message
    [url] = findings(case("dependency-configmap-url-blocked"), "service-dependency-blocked")
    assert "env CATALOG_URL (ConfigMap shop/web-config)" in url.message and "egress-isolated" in url.message
    [args] = findings(case("dependency-args-cross-namespace"), "service-dependency-blocked")
    assert "'postgres.data'" in args.message and "data/same-namespace-only" in args.message
    assert "service-dependency-blocked" not in rules(case("dependency-allowed-by-policy"))
    assert "service-dependency-blocked" not in rules(case("dependency-configmap-items-not-mounted"))


def test_bare_words_are_not_dependencies():
    text = (MANIFESTS / "dependency-env-host-blocked.yaml").read_text(encoding="utf-8")
    # the same value under a variable that does not hold a host is not a reference
    assert "service-dependency-blocked" not in rules(run(text.replace("REDIS_HOST", "REDIS_MODE")))


def test_hostnetwork_policy_and_legacy_annotation():
    [finding] = findings(case("hostnetwork-pod-selected-by-policy"), "networkpolicy-selects-host-network")
    assert finding.severity == "info" and "DaemonSet monitoring/node-exporter" in finding.message
    [legacy] = findings(case("namespace-legacy-isolation-annotation"), "namespace-legacy-isolation-annotation")
    assert "DefaultDeny" in legacy.message and legacy.object == "Namespace/legacy"


def test_host_network_agent_naming_no_cluster_service_gets_info_not_a_warning():
    """kube-prometheus's node-exporter: hostNetwork, default dnsPolicy, talks to no Service."""
    [finding] = findings(case("hostnetwork-pod-selected-by-policy"), "hostnetwork-dnspolicy")
    assert finding.severity == "info" and "names no cluster Service" in finding.message


def test_policy_only_file_reports_selects_nothing_as_info():
    """The workloads of a policy-only file (a recipe) are deployed separately: info, saying so."""
    report = case("real-policy-recipe-only-policies")
    selects = findings(report, "networkpolicy-selects-no-pods") + findings(report, "networkpolicy-peer-selects-no-pods")
    assert selects and all(f.severity == "info" for f in selects)
    assert all("no pods at all in namespace default" in f.message for f in selects)


def test_host_network_agent_naming_a_cluster_service_keeps_the_warning():
    [finding] = findings(case("hostnetwork-agent-names-service"), "hostnetwork-dnspolicy")
    assert finding.severity == "warning" and "may not need" not in finding.message


def test_selector_whose_pods_live_in_another_namespace_stays_a_warning_and_says_where():
    [svc] = findings(case("service-selector-cross-namespace"), "service-selector-no-match")
    assert svc.severity == "warning" and "exist in namespace observability" in svc.message
    [pol] = findings(case("netpol-selects-no-pods-other-namespace"), "networkpolicy-selects-no-pods")
    assert pol.severity == "warning" and "exist in namespace prod" in pol.message


def test_label_scheme_no_bundle_pod_uses_is_info():
    """kubernetes/examples AI/vllm-deployment/hpa: a Service for the DCGM exporter a Helm chart installs."""
    text = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: prometheus-adapter, namespace: monitoring}
spec:
  selector: {matchLabels: {app: prometheus-adapter}}
  template:
    metadata: {labels: {app: prometheus-adapter}}
    spec: {containers: [{name: a, image: adapter}]}
---
apiVersion: v1
kind: Service
metadata: {name: gpu-dcgm-exporter-service, namespace: monitoring}
spec: {selector: {app.kubernetes.io/name: gpu-dcgm-exporter}, ports: [{port: 9400}]}
"""
    [finding] = findings(run(text), "service-selector-no-match")
    assert finding.severity == "info" and "label key app.kubernetes.io/name" in finding.message
    typo = run(text.replace("app.kubernetes.io/name: gpu-dcgm-exporter", "app: prometheus-adaptor"))
    assert findings(typo, "service-selector-no-match")[0].severity == "warning"


def test_undeclared_numeric_target_named_in_the_container_args_is_not_reported():
    """istio samples/grpc-echo: targetPort 18080 is not a containerPort, but the args say --port 18080."""
    text = (MANIFESTS / "service-numeric-targetport-undeclared.yaml").read_text(encoding="utf-8")
    assert "service-target-port-mismatch" in rules(run(text))
    configured = text.replace("image: example/api,", 'image: example/api, args: ["--port", "8080"],')
    assert "service-target-port-mismatch" not in rules(run(configured))
    other = text.replace("image: example/api,", 'image: example/api, args: ["--port", "18080"],')
    assert "service-target-port-mismatch" in rules(run(other))


def test_a_key_repeated_with_the_same_value_is_info():
    """kubernetes/examples _archived/openshift-origin repeats `selector:` with the same value."""
    same = run("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: Opaque\ndata: {}\ntype: Opaque\n")
    [finding] = findings(same, "yaml-duplicate-key")
    assert finding.severity == "info" and "nothing is lost" in finding.message
    differ = run("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: Opaque\ndata: {}\ntype: other\n")
    assert findings(differ, "yaml-duplicate-key")[0].severity == "warning"


def test_unrendered_template_placeholders_are_named():
    """kubernetes/examples _archived/storage/vitess ships *-template.yaml files with {{cell}}."""
    report = run("apiVersion: v1\nkind: Service\nmetadata: {name: etcd}\nspec:\n  selector: {cell: {{cell}}}\n"
                 "  ports: [{port: 4001}]\n")
    [finding] = findings(report, "schema-invalid")
    assert "template placeholders" in finding.message


def test_messages_name_colliding_workloads_once():
    report = case("name-collision-deployment-and-pod")
    [finding] = findings(report, "pod-not-isolated")
    assert finding.message.startswith("Pod default/web is selected by no NetworkPolicy")


def test_per_pod_rows_are_explained_in_the_text_report():
    from assistant.inspection import render_text

    text = render_text(case("statefulset-per-pod-policy"))
    assert "note: StatefulSet data/db is shown per pod (data/db-0 ... data/db-2)" in text


def test_a_statefulset_pod_row_never_collides_with_a_bare_pod_of_the_same_name():
    text = (MANIFESTS / "statefulset-per-pod-policy.yaml").read_text(encoding="utf-8") + """
---
apiVersion: v1
kind: Pod
metadata: {name: db-0, namespace: data, labels: {app: debug}}
spec: {containers: [{name: c, image: busybox, ports: [{containerPort: 9999}]}]}
"""
    report = run(text)
    sources = {v.source for v in report.reach}
    assert {"data/db-0", "data/StatefulSet/db/0", "data/db-1"} <= sources
    assert not verdict(report, "data/reporting", "data/StatefulSet/db/0", 5432).allowed
    assert verdict(report, "data/reporting", "data/db-0", 9999).allowed
