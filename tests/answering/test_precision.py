"""Never confidently wrong (issue 15): computed answers only when asked, scope first, multi-part
questions, comparisons of exactly the things named, history lines, examples on request, and text
that survives the terminal. Real KB, real model, real retrieval."""

from __future__ import annotations

import io
import re

import pytest

from assistant.answering.terminal import render_answer
from assistant.engine import Context
from assistant.evaluation.precision import evaluate_precision
from assistant.paths import eval_dir


@pytest.mark.slow
def test_precision_set_meets_its_targets(assistant):
    report = evaluate_precision(assistant, eval_dir() / "precision.yaml")
    failures = report["failures"]
    assert report["stray_computed"] == 0, failures["stray_computed"]
    assert report["computed_accuracy"] == 1.0, failures["wrong_computed"]
    assert report["oos_recall"] >= 0.95, failures["missed_out_of_scope"]
    assert report["false_declines"] <= 0.02, failures["false_declines"]


@pytest.mark.parametrize("question", [
    # a port read out of a field path in a pasted API error
    'The Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range',
    # an environment-variable name is not a Service name
    "my app reads FOO_SERVICE_HOST but it is empty",
    # ordinary words next to service / namespace / statefulset
    "how do I restart the service in namespace prod",
    "how does traffic reach a statefulset through the headless service",
    # an IP inside a resolver error is not a pod to name
    "dial tcp: lookup api on 10.96.0.10:53: no such host",
])
def test_no_computed_answer_unless_asked(assistant, question):
    ans = assistant.ask(question)
    assert "computed" not in ans.extra, ans.answer[:300]
    assert "0 is not" not in ans.answer and "10-96-0-10" not in ans.answer and "DNS-1035" not in ans.answer


@pytest.mark.parametrize("question,expect", [
    ("命名空间 billing 下 invoice 服务的完整域名是什么", "invoice.billing.svc.cluster.local"),
    ("orders 命名空间里 cart 这个 service 的 DNS 名", "cart.orders.svc.cluster.local"),
    ("kafka 服务端口 9092 会注入哪些环境变量", "KAFKA_SERVICE_PORT=9092"),
])
def test_chinese_phrasings_compute(assistant, question, expect):
    ans = assistant.ask(question)
    assert ans.extra.get("computed") and expect in ans.answer


@pytest.mark.parametrize("question,doc", [
    ('Error from server (Forbidden): services is forbidden: User "dev" cannot list resource "services" in the '
     'namespace "shop"', "access-authn-authz/rbac"),
    ("my pod keeps restarting in CrashLoopBackOff", "debug-pods"),
    ("pod stuck in Pending: 0/3 nodes are available: 3 Insufficient memory", "scheduling-eviction"),
    ("Pod 一直 CrashLoopBackOff 怎么排查", "debug-pods"),
    ("PVC 怎么扩容", "concepts/storage"),
    # a Pod stuck Pending was answered with "LoadBalancer EXTERNAL-IP stays <pending>"
    ("my pod is stuck in Pending", "scheduling-eviction"),
    ("pod 一直 Pending 怎么办", "scheduling-eviction"),
])
def test_near_domain_questions_are_declined_with_the_right_doc(assistant, question, doc):
    ans = assistant.ask(question)
    assert ans.abstained and doc in ans.answer
    assert "Closest topics" not in ans.answer and "相近主题" not in ans.answer


@pytest.mark.parametrize("question", [
    "oc env deployment/web shows no service variables, why",
    "can pods reach 10.96.0.1 on 443 from every namespace",
    "Failed to create pod sandbox: failed to set up sandbox container network for pod web: networkPlugin cni failed",
    "curl: (7) Failed to connect to 10.244.2.14 port 80: Connection refused",
])
def test_tool_words_ips_and_network_errors_are_not_declined(assistant, question):
    assert not assistant.ask(question).abstained


@pytest.mark.parametrize("question", [
    # yay's DNS wait: a pasted strace with a 5 s timeout used to get the kube-proxy conntrack race as its cause
    "5s delay when searching query. yay takes about 5 seconds per search; strace shows poll on the DNS socket "
    "to 1.1.1.1 waiting 5000 ms before the AAAA answer arrives.",
    "nslookup on Windows 10 prints 'DNS request timed out. timeout was 2 seconds.' and then answers anyway",
    "dnsmasq on my OpenWrt router uses 100% CPU and clients can no longer resolve names",
    "浏览器打开网页很慢，左下角一直显示正在解析主机",
    "用了 dnsforwarder 之后，第一次访问某个网站要等 10 秒左右",
])
def test_networking_outside_kubernetes_is_declined_with_a_way_back_in(assistant, question):
    """A browser, a home router or a DNS server program, and nothing of Kubernetes: every cause podtalk
    knows (kube-proxy, CoreDNS, a node's conntrack) would be confidently wrong, so it says so, and says
    how to ask again if it does happen in a pod."""
    ans = assistant.ask(question)
    assert ans.abstained and not ans.extra.get("causes"), ans.answer
    assert ("Nothing in the question mentions Kubernetes" in ans.answer
            or "问题里没有提到 Kubernetes" in ans.answer), ans.answer


def test_kubectls_x509_line_stays_declined_while_an_ingress_x509_is_diagnosed(assistant):
    """The same pasted x509 error means the API server's certificate after kubectl's "Unable to connect to
    the server:" (cluster administration, declined) and a TLS cause behind an ingress."""
    admin = assistant.ask("Unable to connect to the server: x509: certificate has expired or is not yet valid")
    assert admin.abstained and not admin.causes and "cluster administration" in admin.answer
    ingress = assistant.ask("curl to my ingress host fails: x509: certificate has expired or is not yet valid")
    assert not ingress.abstained and ingress.causes


@pytest.mark.parametrize("question", [
    "the dnsmasq container in the kube-dns pod keeps restarting and lookups fail",
    "my browser shows 404 for the host I put in the Ingress",
    "pod 里访问外网很慢，但是我电脑上打开网页很快",  # "pod" written against Chinese text: no \b between them
    "家里路由器后面的 k8s 集群，外网怎么访问 Service",
    "Windows 上用 Docker Desktop 自带的 Kubernetes，浏览器访问 Ingress 没反应",
])
def test_a_browser_or_a_router_next_to_kubernetes_stays_in_scope(assistant, question):
    assert not assistant.ask(question).abstained


def test_a_minikube_report_the_retrieval_misreads_is_still_diagnosed(assistant):
    """The retrieval's best entry here is the Service variables one (it reads "service"); the diagnosis
    reads "minikube service ... never loads" as its own sign of the tunnel cause, in a symptom phrase
    almost as written, and answers with it instead of declining."""
    ans = assistant.ask("minikube service opens the browser but the page never loads on Windows 10 with the docker driver")
    assert not ans.abstained
    assert ans.extra["causes"][0]["id"] == "platform-minikube-tunnel"
    assert "minikube service" in ans.answer and "--url" in ans.answer


def test_scope_comes_before_chat_carry_over(assistant):
    ctx = Context()
    assistant.ask("什么是 headless service", context=ctx)
    ans = assistant.ask("那 Pod 一直 CrashLoopBackOff 呢", context=ctx)
    assert ans.abstained and "followup_of" not in ans.extra
    assert ctx.entry_id is not None  # the decline does not wipe the conversation's topic


def test_multi_part_questions_are_answered_part_by_part(assistant):
    ans = assistant.ask("what is a headless service and how do I make a StatefulSet use one")
    assert ans.extra["parts"] == ["what is a headless service", "how do I make a StatefulSet use one"]
    assert "### 1. what is a headless service" in ans.answer and "### 2." in ans.answer
    zh = assistant.ask("headless service 是什么？StatefulSet 怎么用它？")
    assert len(zh.extra["parts"]) == 2 and "### 2." in zh.answer and "serviceName" in zh.answer


def _table_header(answer: str) -> str:
    return next(line for line in answer.splitlines() if line.startswith("| "))


def test_comparisons_compare_exactly_the_named_things(assistant):
    header = _table_header(assistant.ask("Service vs Ingress").answer)
    assert "Ingress" in header and "Service" in header and "Gateway" not in header
    header = _table_header(assistant.ask("Flannel vs Calico").answer)
    assert "Flannel" in header and "Calico" in header and "ClusterIP" not in header


def test_old_versions_and_terms_get_the_history_line(assistant):
    ans = assistant.ask("in 1.6, what does the OnlyLocal external traffic setting do")
    assert "Changed in 1.7" in ans.answer and "service.beta.kubernetes.io/external-traffic" in ans.answer
    assert "Changed in" not in assistant.ask("what does externalTrafficPolicy Local do").answer
    zh = assistant.ask("kube-proxy 的 userspace 模式还能用吗")
    assert "版本变化（1.26）" in zh.answer


def test_show_me_questions_include_the_example_manifest(assistant):
    ans = assistant.ask("show me a yaml example for a default deny NetworkPolicy")
    assert "```yaml" in ans.answer and "kind: NetworkPolicy" in ans.answer
    assert "```yaml" not in assistant.ask("what is a default deny NetworkPolicy").answer


@pytest.mark.parametrize("question", [
    "how can every pod resolve a made-up hostname like billing-db.internal to 10.1.2.3",
    "怎么让集群里的 pod 都能把 billing-db.internal 解析到 10.1.2.3",
])
def test_custom_dns_records_are_answered_with_hostaliases_and_the_hosts_plugin(assistant, question):
    """A common real question ("add an A record to CoreDNS") that had no entry: it was answered with
    service discovery by environment variables."""
    ans = assistant.ask(question)
    assert ans.sources[0]["id"] == "dns-custom-records" and not ans.causes
    assert "hostAliases" in ans.answer and "fallthrough" in ans.answer


@pytest.mark.parametrize("question", [
    "my istio diagram shows inbound traffic redirected to port 15006, shouldn't it be 15001?",
    "装了 istio 之后，pod 里访问外部网站的请求也会被 envoy 劫持吗",
])
def test_sidecar_traffic_capture_is_answered_with_its_ports(assistant, question):
    """How the sidecar captures traffic (15001 out, 15006 in, istio-init, UID 1337) had no entry: such
    questions were declined or answered with the mesh overview."""
    ans = assistant.ask(question)
    assert not ans.abstained and ans.sources[0]["id"] == "istio-sidecar-traffic-capture", ans.sources[:2]
    assert "15001" in ans.answer and "15006" in ans.answer


@pytest.mark.parametrize("question,entry,expect", [
    ("grpc requests all go to one pod behind a ClusterIP service, no load balancing",
     "service-connection-balancing", "headless"),
    ("我的 grpc 服务扩容了，但是流量还是只到一个 pod", "service-connection-balancing", "headless"),
    ("does a Service support IPv4 and IPv6 at the same time", "service-dual-stack", "PreferDualStack"),
    ("集群开了双栈，service 怎么拿到 ipv6 地址", "service-dual-stack", "ipFamilyPolicy"),
    # confidently wrong before: a domain allowlist got "NetworkPolicy selects Pods, not Services", a
    # bandwidth cap got the network model or EndpointSlices
    ("can I write a NetworkPolicy rule that allows traffic to github.com only", "network-policy-egress-by-domain",
     "toFQDNs"),
    ("pod 出站只允许访问某个域名怎么做", "network-policy-egress-by-domain", "ipBlock"),
    ("how can I cap how much bandwidth one pod uses", "pod-bandwidth-limits", "kubernetes.io/egress-bandwidth"),
    ("给 pod 设置网速上限", "pod-bandwidth-limits", "kubernetes.io/ingress-bandwidth"),
])
def test_common_questions_without_an_entry_before_get_theirs(assistant, question, entry, expect):
    """Common questions with no entry before: gRPC pinned to one Pod was answered with the headless vs
    ClusterIP comparison, dual-stack Services were declined, domain allowlists and bandwidth caps were
    answered from unrelated entries."""
    ans = assistant.ask(question)
    assert not ans.abstained and ans.sources[0]["id"] == entry, ans.sources[:2]
    assert expect in ans.answer


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_angle_brackets_survive_the_terminal(assistant, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    ans = assistant.ask("how do I call a service in another namespace")
    placeholders = set(re.findall(r"<[a-z][\w-]*>", ans.answer))
    assert placeholders, ans.answer[:400]
    out = _Terminal()
    render_answer(ans, out)
    shown = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())
    assert all(p in shown for p in placeholders), placeholders


def test_printed_answers_carry_no_bidi_or_separator_characters(assistant):
    ans = assistant.ask("what is a headless service")
    ans.answer += "\u200f\u061c\u2028\ufeff\x1b[2J"
    out = io.StringIO()
    render_answer(ans, out)
    assert not re.search("[\u200f\u061c\u2028\ufeff\x1b]", out.getvalue())


def test_chinese_kb_text_has_no_folding_gaps(kb):
    gap = re.compile("[\u3400-\u9fff] +[\u3400-\u9fff]|[，。；：] +")
    for entry in kb.entries:
        for name in ("summary", "details"):
            assert not gap.search(entry.text(name, "zh")), (entry.id, name)
        for fact in entry.facts:
            assert not gap.search(fact["zh"]), entry.id


@pytest.mark.parametrize("first,second", [("什么是 headless service", "那周末去哪儿玩呢"),
                                          ("what is a ClusterIP service", "and what about lunch?")])
def test_an_off_topic_question_is_no_follow_up(assistant, first, second):
    ctx = Context()
    assistant.ask(first, context=ctx)
    ans = assistant.ask(second, context=ctx)
    assert ans.abstained and "followup_of" not in ans.extra


@pytest.mark.parametrize("question,kind,expect", [
    # phrasings found after the precision set was frozen (kept out of it, so it stays a before-tuning set)
    ("what env vars will a pod get for a service called postgres with port 5432", "service-env",
     "POSTGRES_SERVICE_PORT=5432"),
    ("is 30007 ok as a nodePort?", "nodeport-check", "Yes: 30007"),
    ("nodePort 可以设置为 80 吗", "nodeport-check", "不行"),
    ("what's the dns name for the service called ledger in namespace accounts", "service-dns",
     "ledger.accounts.svc.cluster.local"),
    ("服务 gateway 在命名空间 edge 里的域名", "service-dns", "gateway.edge.svc.cluster.local"),
])
def test_more_asked_for_computations(assistant, question, kind, expect):
    ans = assistant.ask(question)
    assert ans.extra.get("computed") == kind and expect in ans.answer, ans.answer[:300]
