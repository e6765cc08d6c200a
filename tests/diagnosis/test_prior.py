"""How common a cause is (``commonness``) decides generic reports, and fades as the asker gives
specific clues; the generic "name resolution fails" and "fresh install" clues point at the
cluster-level causes an engineer checks first."""

from __future__ import annotations

import pytest
import yaml

from assistant.diagnosis.catalog import load_catalog
from assistant.diagnosis.clues import ClueHit
from assistant.diagnosis.ranking import COMMONNESS_PRIOR, prior_weight, rank
from assistant.errors import KBError
from tests.diagnosis.test_catalog import _copy_kb


def test_a_generic_dns_timeout_starts_with_coredns(assistant):
    ans = assistant.ask("DNS lookups time out inside pods")
    assert ans.causes[0]["id"] == "dns-coredns-not-running"
    body = ans.answer.split("Sources:")[0].split("**If that is not it")[0]
    assert "CoreDNS" in body and "br_netfilter" not in body


def test_a_generic_chinese_dns_failure_starts_with_coredns(assistant):
    ans = assistant.ask("新装的集群，pod 里域名解析超时")
    assert ans.causes[0]["id"] == "dns-coredns-not-running"
    assert "CoreDNS" in ans.answer


def test_a_fresh_cluster_whose_clusterip_fails_points_at_kube_proxy(assistant):
    ans = assistant.ask("集群创建完成后访问不了 service 的 cluster ip")
    assert ans.causes[0]["id"] == "svc-kube-proxy-not-running"


def test_a_specific_clue_outweighs_the_prior(assistant):
    ans = assistant.ask("pods cannot resolve names but the node can; /etc/resolv.conf in the pod has nameserver 127.0.0.53")
    assert ans.causes[0]["id"] == "dns-kubelet-resolvconf-systemd-resolved"


def test_the_prior_halves_with_each_specific_clue():
    failing = ClueHit("obs-failure-reported", "observation", "fails")
    dns = ClueHit("obs-dns-fails", "observation", "can't resolve")
    refused = ClueHit("sig-connection-refused", "signature", "connection refused")
    env = ClueHit("env-calico", "environment", "calico")
    assert prior_weight([failing, dns, env]) == 1.0
    assert prior_weight([failing, refused]) == 0.5


def test_commonness_orders_causes_with_equal_evidence():
    catalog = load_catalog()
    ranked = {r.id: r.raw for r in rank(catalog, [])}
    common = [c.id for c in catalog.causes if c.commonness == "common" and not c.requires]
    rare = [c.id for c in catalog.causes if c.commonness == "rare"]
    assert common and rare
    assert all(ranked[c] == COMMONNESS_PRIOR["common"] > 0 for c in common)
    assert all(ranked[c] < 0 for c in rare)


def test_an_unknown_commonness_is_reported(tmp_path):
    root = _copy_kb(tmp_path)
    path = root / "causes" / "dns" / "dns-coredns-loop.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["commonness"] = "often"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KBError) as err:
        load_catalog(root)
    assert "dns-coredns-loop.yaml" in str(err.value) and "commonness" in str(err.value)


@pytest.mark.parametrize("text, clue", [
    ("DNS lookups time out inside pods", "obs-dns-fails"),
    ("nslookup fails in every pod", "obs-dns-fails"),
    ("pod 里域名解析失败", "obs-dns-fails"),
    ("we just installed the cluster and services do not answer", "env-fresh-install"),
    ("新安装完成后无法访问集群地址", "env-fresh-install"),
    ("k8s 集群部署完成后 coredns 报错", "env-fresh-install"),
    ("curl to the service times out when the chosen endpoint is the pod itself", "obs-self-via-service-fails"),
    ("the NodePort answers on the node that runs the pod, not on the other nodes", "obs-only-some-nodes"),
])
def test_new_clue_patterns(text, clue):
    from assistant.diagnosis.clues import extract_clues

    assert clue in {h.id for h in extract_clues(text, load_catalog())}


@pytest.mark.parametrize("text, clue", [
    ("DNS resolution works fine, nslookup returns the right IP", "obs-dns-fails"),
    ("we added a new node to the cluster", "env-fresh-install"),
    ("新增了一个节点", "env-fresh-install"),
])
def test_new_clue_patterns_stay_quiet(text, clue):
    from assistant.diagnosis.clues import extract_clues

    assert clue not in {h.id for h in extract_clues(text, load_catalog())}


def test_no_endpoints_in_chinese_is_not_read_as_having_endpoints():
    from assistant.diagnosis.clues import extract_clues

    ids = {h.id for h in extract_clues("service 没有 endpoints", load_catalog())}
    assert "sig-no-endpoints" in ids and "obs-endpoints-present" not in ids
    assert "obs-endpoints-present" in {h.id for h in extract_clues("service 有 endpoints，但访问超时", load_catalog())}


def test_an_expected_behaviour_cause_leads_with_the_entry_that_explains_it(assistant):
    """Pinging a ClusterIP is not a fault: the answer leads with the entry on why it does not answer."""
    ans = assistant.ask("kubernetes 1.29 with ipvs, I can not ping the cluster ip of my service, curl works")
    assert ans.causes[0]["id"] == "svc-ping-clusterip"
    assert ans.sources[0]["id"] == "clusterip-ping"


def test_a_lead_outside_related_is_reported(tmp_path):
    root = _copy_kb(tmp_path)
    path = root / "causes" / "service" / "svc-ping-clusterip.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("lead: clusterip-ping", "lead: service-nodeport"),
                    encoding="utf-8")
    with pytest.raises(KBError) as err:
        load_catalog(root)
    assert "svc-ping-clusterip.yaml" in str(err.value) and "lead" in str(err.value)


def test_refused_by_service_name_is_not_a_dns_policy_problem(assistant):
    """A name that resolves and then refuses is past DNS: with a pod without labels, the selector."""
    ans = assistant.ask("hostNetwork pod with dnsPolicy ClusterFirstWithHostNet and no labels; with the pod IP "
                        "the app answers but with the service name I get connection refused")
    ids = [c["id"] for c in ans.causes]
    assert ids[0] == "svc-selector-no-match" and "dns-pod-dnspolicy" not in ids[:3]


def test_a_lost_client_ip_is_the_snat_not_the_local_policy_drop(assistant):
    ans = assistant.ask("NodePort on bare metal: my app can't see the real client IP, the logs only show a node IP")
    assert ans.causes[0]["id"] == "svc-source-ip-snat"


@pytest.mark.parametrize("text, clue, present", [
    ("宿主机上无法ping通cluster-ip", "obs-ping-clusterip", True),
    ("we can't curl the cluster-ip of the service", "obs-clusterip-fails", True),
    ("创建 service 后，nodeport 方式不能访问", "obs-clusterip-fails", False),
    ("创建 service 后，nodeport 方式不能访问", "obs-nodeport-fails", True),
])
def test_clusterip_and_nodeport_phrasings(text, clue, present):
    from assistant.diagnosis.clues import extract_clues

    assert (clue in {h.id for h in extract_clues(text, load_catalog())}) is present


def test_a_fresh_cluster_whose_nodeport_fails_lists_kube_proxy(assistant):
    ans = assistant.ask("集群刚安装成功，nodeport 在节点上 curl 没有任何返回")
    assert "svc-kube-proxy-not-running" in [c["id"] for c in ans.causes[:3]]


def test_crashing_coredns_is_diagnosed_though_a_generic_crash_is_not(assistant):
    """A crash-looping CoreDNS is a networking report (the signature names the DNS add-on); a
    crash-looping pod of one's own app stays out of scope."""
    ans = assistant.ask("coredns 一直 CrashLoopBackOff，集群里的 DNS 都挂了，怎么办")
    assert not ans.abstained and ans.causes[0]["id"] == "dns-coredns-not-running"
    assert "logs" in ans.answer.split("参考文档")[0]
    assert assistant.ask("Pod 一直 CrashLoopBackOff 怎么排查").abstained
