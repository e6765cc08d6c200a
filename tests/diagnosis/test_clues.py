"""Clues from questions (both languages) and from pasted command output. Pure: no model."""

from __future__ import annotations

import pytest

from assistant.diagnosis.catalog import load_catalog
from assistant.diagnosis.clues import extract_clues, merge
from assistant.diagnosis.pasted import looks_like_pasted_output, read_structure, recognise


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def ids(text, catalog):
    return {h.id for h in merge(extract_clues(text, catalog), read_structure(text))}


@pytest.mark.parametrize("text, clue", [
    ("用 IP 可以访问但是用域名不行", "obs-works-by-ip-not-name"),
    ("节点上能解析，pod 里不行", "obs-node-resolves-pod-doesnt"),
    ("只有同一个节点上的 pod 能通", "obs-same-node-only"),
    ("pod 里访问不了外网，ping 8.8.8.8 不通", "obs-pod-to-internet-fails"),
    ("kube-proxy在ipvs模式下停止更新规则", "env-kube-proxy-ipvs"),
    ("网络是flannel，跨节点不通", "env-flannel"),
    ("curl works by pod IP but the ClusterIP times out", "obs-works-by-podip-not-clusterip"),
    ("It works from the node but not from inside the pods", "obs-works-from-node-not-pod"),
    ("pods on different nodes cannot talk, same node works", "obs-same-node-only"),
    ("DNS lookups fail intermittently", "obs-intermittent"),
    ("our payments service times out when the checkout pods call it", "obs-clusterip-fails"),
    ("websocket connections through the ingress drop after 60 seconds", "obs-cut-after-fixed-time"),
    ("ingress 后面的长连接两分钟就断开", "obs-cut-after-fixed-time"),
    ("pods can resolve but not connect to external https sites", "obs-dns-works"),
    ("pods can resolve but not connect to external https sites", "obs-pod-to-internet-fails"),
    ("after upgrading calico all pods lost connectivity", "obs-failure-reported"),
    ("节点重启后 pod 之间不通了", "obs-after-upgrade-or-reboot"),
    ("pods on one node cannot reach pods on another node", "obs-same-node-only"),
    ("coredns pods are running but dns queries time out", "obs-coredns-running"),
    ("CoreDNS 的 Pod 都是 Running，但是解析一直超时", "obs-coredns-running"),
    ("安装 calico 后 pod 一直 ContainerCreating", "obs-failure-reported"),
    ("after installing calico my pods are stuck in ContainerCreating", "obs-failure-reported"),
    ("ingress 配了 https 但是浏览器提示证书不安全", "sig-x509"),
    ("集群内的服务名都能正常解析，就是解析外网域名一直不成功", "obs-internal-dns-works"),
    ("集群内的服务名都能正常解析，就是解析外网域名一直不成功", "obs-external-dns-fails"),
    ("pod 里无法解析外网", "obs-external-dns-fails"),
    ("/ # nslookup www.example.org\nnslookup: can't resolve 'www.example.org'", "obs-external-dns-fails"),
    ("the ingress answers at node-ip:31080 but not on port 80", "obs-ingress-only-on-nodeport"),
    ("ingress 只能用 3 万多的端口才能访问，80 端口打不开", "obs-ingress-only-on-nodeport"),
    ("nothing is listening on port 80 of the node", "obs-failure-reported"),
    ("a pod from namespace billing can't reach the api pod in the shop namespace", "obs-cross-namespace-fails"),
    ("cat /etc/resolv.conf shows nameserver 127.0.0.53", "sig-resolv-127-0-0-53"),
    ("[FATAL] plugin/loop: Loop (127.0.0.1:55953 -> :53) detected for zone \".\"", "sig-coredns-loop"),
])
def test_question_clues(text, clue, catalog):
    assert clue in ids(text, catalog)


def test_dns_works_is_not_read_into_a_negation(catalog):
    assert "obs-dns-works" not in ids("pod 里不能解析外网域名", catalog)
    # pods "on one node" failing to reach another node is a cross-node failure, not one broken node
    assert "obs-only-some-nodes" not in ids("pods on one node cannot reach pods on another node", catalog)
    assert "obs-coredns-running" not in ids("the coredns pods are not ready", catalog)
    # a Pod or container restarting is not the node rebooting (the Pod just got a new IP)
    assert "obs-after-upgrade-or-reboot" not in ids("pod 重启后别的服务连不上它了", catalog)
    # "can resolve ... but" is about DNS working only when what fails is the connection, not another place
    assert "obs-dns-works" not in ids("a pod on the master can resolve the Service, but a pod on the node can't", catalog)
    assert "obs-dns-works" in ids("DNS resolution works fine, nslookup returns the right IP", catalog)


def test_a_plain_question_has_no_failure_clues(catalog):
    found = ids("what is a headless service", catalog)
    assert not {i for i in found if i.startswith(("sig-", "obs-"))}


@pytest.mark.parametrize("text, reported", [
    ("nodeport 只能在 pod 所在的节点上访问", True),
    ("the nodeport only works on the node that runs the pod", True),
    ("ClusterIP 只能在集群内部访问吗", False),
    ("does hostPort only work on the node where the pod runs", False),
    ("is a ClusterIP only reachable from inside the cluster", False),
])
def test_only_works_there_is_a_report_but_a_question_about_it_is_not(text, reported, catalog):
    """"It only works on the pod's node" says it fails everywhere else; "is it only reachable inside the
    cluster?" asks about a design."""
    assert ("obs-failure-reported" in ids(text, catalog)) is reported


@pytest.mark.parametrize("text", [
    "how do I set the session affinity timeout of my service to 3 hours",
    "our service mesh times out idle connections after an hour, how do I change that",
    "the DNS lookup timed out after 5 seconds",
])
def test_a_timeout_that_is_a_setting_a_mesh_or_dns_is_not_the_service_failing(text, catalog):
    """"my service ... times out" reads as the Service failing; a timeout asked about as a setting, a
    mesh's idle timeout or a DNS lookup does not."""
    found = ids(text, catalog)
    assert "obs-clusterip-fails" not in found


DESCRIBE_SVC = """Name:              web
Namespace:         shop
Labels:            app=web
Selector:          app=web,tier=frontend
Type:              ClusterIP
IP:                10.96.12.4
Port:              http  80/TCP
TargetPort:        8080/TCP
Endpoints:         <none>
Session Affinity:  None
Events:            <none>
"""
GET_PODS = """NAME                   READY   STATUS    RESTARTS   AGE   IP            NODE
web-7d4b9c8f5-abcde    0/1     Running   0          5m    10.244.1.7    node-1
web-7d4b9c8f5-fghij    0/1     Running   0          5m    10.244.2.9    node-2
"""
GET_EP = """NAME   ENDPOINTS   AGE
web    <none>      3m
"""
NSLOOKUP_TIMEOUT = """/ # nslookup kubernetes.default
;; connection timed out; no servers could be reached
"""
DIG_NX = """; <<>> DiG 9.18.1 <<>> api.shop.svc.cluster.local
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 4242
;api.shop.svc.cluster.local.	IN	A
"""
CURL_REFUSED = """*   Trying 10.96.12.4:80...
* connect to 10.96.12.4 port 80 failed: Connection refused
* Failed to connect to web port 80 after 3 ms: Connection refused
curl: (7) Failed to connect to web port 80 after 3 ms: Connection refused
"""
ENVOY = ('[2024-05-01T10:00:00.000Z] "GET /api/orders HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - '
         '"-" "curl/8.0" "abc" "orders:8080" "-" outbound|8080||orders.shop.svc.cluster.local - 10.96.3.4:8080 '
         '10.244.1.5:40000 - default\n')
COREDNS = """.:53
[INFO] plugin/reload: Running configuration SHA512 = 1234
CoreDNS-1.11.1
[ERROR] plugin/errors: 2 example.com. A: read udp 10.244.0.5:41234->192.168.1.1:53: i/o timeout
"""
KUBE_PROXY = """I0501 10:00:00.000000       1 server_others.go:72] "Using iptables proxy"
E0501 10:00:01.000000       1 proxier.go:1520] "Failed to execute iptables-restore" err="exit status 1"
"""
APP_LOG = """2024/05/01 10:00:00 dial tcp: lookup orders.shop.svc.cluster.local on 10.96.0.10:53: read udp 10.244.1.5:5353->10.96.0.10:53: i/o timeout
2024/05/01 10:00:05 retrying
"""


@pytest.mark.parametrize("text, kind, clue", [
    (DESCRIBE_SVC, "describe-service", "sig-no-endpoints"),
    (GET_PODS, "get-pods", "obs-pods-not-ready"),
    (GET_EP, "get-endpoints", "sig-no-endpoints"),
    (NSLOOKUP_TIMEOUT, "nslookup", "sig-dns-no-servers"),
    (DIG_NX, "dig", "sig-nxdomain"),
    (CURL_REFUSED, "curl", "sig-connection-refused"),
    (ENVOY, "envoy-access-log", "sig-envoy-uh"),
    (COREDNS, "coredns-log", "sig-coredns-upstream-error"),
    (KUBE_PROXY, "kube-proxy-log", "obs-kube-proxy-errors"),
    (APP_LOG, "app-log-dial", "sig-dns-no-servers"),
])
def test_pasted_output_is_recognised_and_read(text, kind, clue, catalog):
    assert kind in {k.id for k in recognise(text)}
    assert clue in ids(text, catalog)


def test_envoy_status_and_flags_are_read_from_the_log_line(catalog):
    found = ids(ENVOY, catalog)
    assert {"sig-http-503", "sig-envoy-uh"} <= found
    assert "sig-envoy-uf" not in found


def test_a_failed_lookup_tells_cluster_names_from_external_ones(catalog):
    assert "obs-internal-dns-fails" in ids(APP_LOG, catalog)
    external = "dial tcp: lookup api.github.com on 10.96.0.10:53: no such host"
    assert "obs-external-dns-fails" in ids(external, catalog)


def test_describe_svc_with_a_selector_is_not_a_selectorless_service(catalog):
    found = ids(DESCRIBE_SVC, catalog)
    assert "obs-service-has-selector" in found and "obs-service-no-selector" not in found


def test_pasted_output_is_one_input_for_ask_dash():
    assert looks_like_pasted_output(DESCRIBE_SVC)
    assert not looks_like_pasted_output("what is a headless service\nwhat is a NodePort\n")


@pytest.mark.parametrize("text, clue", [
    # what the asker already checked is not read as the problem it rules out
    ("net.bridge.bridge-nf-call-iptables = 1 and br_netfilter is loaded, still no cross-node traffic",
     "sig-bridge-nf-call"),
    ("Firewalld service is disabled on all servers, pods on other nodes still time out", "env-firewalld"),
    ("防火墙已经关闭了，跨节点的 pod 还是不通", "env-firewalld"),
])
def test_a_check_already_passed_does_not_raise_its_clue(text, clue, catalog):
    assert clue not in ids(text, catalog)


@pytest.mark.parametrize("text, clue", [
    ("sysctl says /proc/sys/net/bridge/bridge-nf-call-iptables does not exist", "sig-bridge-nf-call"),
    ("firewalld is running on the nodes and cross-node pod traffic times out", "env-firewalld"),
])
def test_the_same_clues_still_fire_when_the_check_failed(text, clue, catalog):
    assert clue in ids(text, catalog)



def test_a_lookup_answered_by_kube_dns_is_not_a_foreign_nameserver(catalog):
    """kubeasz and others give the DNS Service an address ending in .2, and busybox names the server it
    asked: that is the cluster DNS, whatever its IP."""
    kube_dns = "Server:    10.68.0.2\nAddress 1: 10.68.0.2 kube-dns.kube-system.svc.cluster.local\n"
    assert "obs-pod-nameserver-not-cluster-dns" not in ids(kube_dns, catalog)
    other = "Server:    10.0.2.3\nAddress 1: 10.0.2.3\n"
    assert "obs-pod-nameserver-not-cluster-dns" in ids(other, catalog)


@pytest.mark.parametrize("text", [
    "dnsmasq[12]: reply www.example.com.shop.svc.cluster.local is NXDOMAIN",
    "dial tcp: lookup api.example.io.shop.svc.cluster.local on 10.96.0.10:53: no such host",
])
def test_an_external_name_with_the_search_domain_appended_is_an_external_failure(text, catalog):
    """The lookup that failed carries the cluster suffix only because the resolver appended it."""
    found = ids(text, catalog)
    assert "obs-internal-dns-fails" not in found and "sig-search-domain-appended" in found


def test_a_statefulset_pod_name_that_fails_is_still_a_cluster_name(catalog):
    found = ids("** server can't find web-0.nginx.default.svc.cluster.local: NXDOMAIN", catalog)
    assert "obs-internal-dns-fails" in found
