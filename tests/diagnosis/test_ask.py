"""``podtalk ask`` and ``podtalk diagnose`` answer symptom reports through the diagnosis: the real
model, the real index, the real CLI in a subprocess."""

from __future__ import annotations

import json

import pytest

from assistant.engine import Context
from tests.conftest import run_podtalk
from tests.diagnosis.test_clues import DESCRIBE_SVC, ENVOY


def test_a_symptom_report_is_answered_by_the_diagnosis(assistant):
    ans = assistant.ask("I can curl the pod IP directly but the ClusterIP of the service times out")
    assert ans.causes and {"id", "score"} <= set(ans.causes[0])
    assert ans.answer.startswith("What you reported:")
    assert "**Check it:**" in ans.answer
    data = ans.to_dict()
    assert data["causes"][0]["id"] == ans.causes[0]["id"] and data["clues"]


def test_a_conceptual_question_is_left_to_the_kb(assistant):
    ans = assistant.ask("what is a headless service")
    assert ans.causes == []
    assert "causes" not in ans.to_dict()
    assert ans.sources[0]["topic"] == "headless-service"


def test_ping_a_pod_is_not_the_clusterip_ping_entry(assistant):
    ans = assistant.ask("pods on different nodes cannot ping each other, ping between pods on the same node works")
    assert ans.sources[0]["id"] not in ("clusterip-ping", "troubleshoot-ping-clusterip")
    assert "svc-ping-clusterip" not in [c["id"] for c in ans.causes[:3]]


def test_ping_a_clusterip_is_the_clusterip_ping_entry(assistant):
    ans = assistant.ask("I cannot ping the ClusterIP of my service from a pod, 100% packet loss, but curl works")
    assert ans.causes[0]["id"] == "svc-ping-clusterip"
    assert ans.sources[0]["topic"] in ("service-clusterip", "troubleshooting")


def test_pinging_pods_fine_does_not_rule_out_the_clusterip_ping(assistant):
    """Pods answering ping is the contrast the asker draws, not a sign they ping no Service."""
    ans = assistant.ask("pinging other pods' IPs works, pinging the ClusterIP of my nginx service gets no reply")
    assert ans.causes[0]["id"] == "svc-ping-clusterip", [c["id"] for c in ans.causes[:3]]


def test_the_chat_answers_a_narrowing_question_with_a_number(assistant):
    ctx = Context()
    first = assistant.ask("the service has no endpoints", context=ctx)
    assert "**To narrow it down:**" in first.answer
    question = ctx.diagnosis.pending
    index = next(i for i, ch in enumerate(question.choices, 1) if "obs-pods-not-ready" in ch.clues)
    second = assistant.ask(str(index), context=ctx)
    assert second.causes[0]["id"] == "svc-pods-not-ready"
    assert second.intent == "troubleshooting" and not second.abstained


@pytest.fixture(scope="module")
def index_ready(retriever):
    """The session index and the causes' phrase vectors are built before the subprocesses run (they
    share PODTALK_CACHE), as ``podtalk index`` builds both."""
    from assistant.diagnosis.diagnose import diagnoser_for

    assert diagnoser_for(retriever).matcher.warm()
    return retriever


def test_diagnose_cli_text_and_json(tmp_path, index_ready):
    f = tmp_path / "svc.txt"
    f.write_text(DESCRIBE_SVC, encoding="utf-8")
    out = run_podtalk("diagnose", str(f))
    assert out.returncode == 0, out.stderr
    assert "Most likely: The Service selector matches no pod" in out.stdout
    out = run_podtalk("diagnose", "-", "--format", "json", input=ENVOY)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"sig-envoy-uh", "sig-http-503"} <= {c["value"] for c in data["clues"]}
    assert data["causes"] and data["answer"]


@pytest.mark.parametrize("payload, message", [
    (b"\x00\x01binary", "binary"),
    (b"", "nothing on stdin"),
    (b"\xff\xfe bad utf-8 \xff", "not UTF-8"),
])
def test_diagnose_refuses_unreadable_input_in_one_line(payload, message, tmp_path):
    f = tmp_path / "in.bin"
    f.write_bytes(payload)
    import subprocess
    import sys

    from tests.conftest import REPO

    proc = subprocess.run([sys.executable, "-m", "assistant", "diagnose", "-"], input=payload, capture_output=True,
                          timeout=60, cwd=REPO)
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_diagnose_refuses_huge_input(tmp_path):
    f = tmp_path / "big.txt"
    f.write_text("x" * 5000, encoding="utf-8")
    out = run_podtalk("diagnose", str(f), "--max-bytes", "1k")
    assert out.returncode == 2 and "max_bytes" in out.stderr and out.stderr.count("\n") == 1


def test_ask_dash_reads_a_paste_as_one_input(index_ready):
    out = run_podtalk("ask", "-", "--format", "json", input=DESCRIBE_SVC)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["causes"][0]["id"] == "svc-selector-no-match"
    assert any(c["value"] == "sig-no-endpoints" for c in data["clues"])


@pytest.mark.parametrize("report, lang", [("the service has no endpoints", "en"), ("service 没有 endpoints", "zh")])
def test_one_shot_ask_lists_the_observations_instead_of_asking_for_a_number(assistant, report, lang):
    """Only the chat can take a numbered reply: a one-shot answer says how to ask again, and asking
    again with a listed line counts as the chat's reply to that choice would."""
    ans = assistant.ask(report)
    narrowing = ans.extra["narrowing"]
    assert "Reply with the number" not in ans.answer and "回复对应的数字" not in ans.answer
    assert ("Ask again with your report plus the line that matches" in ans.answer if lang == "en"
            else "把符合的那一行原样加到你的描述后面再问一次" in ans.answer)
    line = next(ch for ch in narrowing["choices"] if "0/1" in ch)
    assert f"- {line}" in ans.answer
    again = assistant.ask(f"{report}. {line}")
    ctx = Context()
    assistant.ask(report, context=ctx)
    index = next(i for i, ch in enumerate(ctx.diagnosis.pending.choices, 1) if "obs-pods-not-ready" in ch.clues)
    replied = assistant.ask(str(index), context=ctx)
    assert again.causes[0]["id"] == replied.causes[0]["id"] == "svc-pods-not-ready"


def test_the_chat_keeps_the_numbered_narrowing_question(assistant):
    ctx = Context()
    first = assistant.ask("the service has no endpoints", context=ctx)
    assert "Reply with the number of your answer." in first.answer
    assert "\n1. " in first.answer.split("**To narrow it down:**")[1]


def test_a_declined_report_is_diagnosed_when_its_observation_and_the_retrieval_agree(assistant):
    """The retrieval alone declines this Chinese report; the asker's observation (across namespaces)
    and the retrieval's best entry both point at the short-name cause, so the diagnosis answers."""
    ans = assistant.ask("从 test 命名空间用短名访问不到 prod 里的 mysql")
    assert not ans.abstained and ans.intent == "troubleshooting"
    assert ans.causes[0]["id"] == "dns-short-name-other-namespace"


def test_a_pod_health_question_stays_declined(assistant):
    ans = assistant.ask("my pod is in CrashLoopBackOff, how do I find out why")
    assert ans.abstained


def test_a_redis_word_does_not_pull_the_env_var_entry(assistant):
    ans = assistant.ask("how does a headless service work for a redis cluster")
    assert ans.sources[0]["topic"] == "headless-service"
    ans = assistant.ask("what env vars does a pod get for a service named api-gateway")
    assert {s["topic"] for s in ans.sources[:2]} == {"service-discovery-env"}


@pytest.mark.parametrize("report, lang, expected", [
    # slowness is a symptom although nothing "fails"
    ("name lookups inside our pods have a delay of 5 seconds now and then", "en",
     {"dns-conntrack-udp-race", "dns-ndots-search-latency"}),
    ("pod 里 DNS 解析很慢，偶尔要等 5 秒", "zh", {"dns-conntrack-udp-race", "dns-ndots-search-latency"}),
    ("容器里请求外网的域名特别慢，换成 IP 就正常", "zh", {"dns-conntrack-udp-race", "dns-ndots-search-latency"}),
    # a policy that should block but traffic still gets through
    ("we run flannel and added a NetworkPolicy to isolate the payments namespace. Pods from other namespaces "
     "are still reachable.", "en", {"np-not-enforced-by-cni"}),
    # the pod behind the Service calling itself through it
    ("a request from inside the pod that serves the service, sent to its own ClusterIP, hangs", "en", {"svc-hairpin"}),
    # the controller's fallback certificate, named the way browsers and curl show it
    ("https on our ingress host shows the ingress controller's fake certificate although the tls secret is set", "en",
     {"ing-tls-default-certificate"}),
    ("ingress 配了 tls secret，浏览器里还是显示默认证书", "zh", {"ing-tls-default-certificate"}),
    # an ingress on its own servers reachable only through the controller's NodePort
    ("our ingress works through the NodePort, but nothing is listening on the host port 80", "en",
     {"ing-bare-metal-no-external-port"}),
    # an idle WebSocket cut by the proxy's read timeout: no 504 is ever shown
    ("websocket connections through ingress-nginx drop after 60 seconds", "en", {"ing-504-upstream-timeout"}),
    ("ingress 后面的 websocket 连接一分钟左右就断了", "zh", {"ing-504-upstream-timeout"}),
])
def test_reports_without_a_failure_word_are_still_diagnosed(assistant, report, lang, expected):
    """Slow lookups, a policy that lets traffic through, a fallback certificate: symptom reports that
    never say "fails", answered by the diagnosis with the cause first."""
    ans = assistant.ask(report)
    assert ans.intent == "troubleshooting" and ans.lang == lang
    assert ans.causes and ans.causes[0]["id"] in expected, [c["id"] for c in ans.causes[:3]]


def test_coredns_crashing_behind_a_calico_ipam_error_leads_with_the_ipam_cause(assistant):
    """CoreDNS not ready is the consequence here: Calico cannot allocate Pod IPs at all."""
    ans = assistant.ask("集群装好后 coredns 一直是 CrashLoopBackOff，其他 pod 也不 Ready，日志里是 "
                        "plugin type=calico failed (add): cannot find a qualified ippool")
    assert [c["id"] for c in ans.causes[:2]] == ["cni-calico-ippool-mismatch", "dns-coredns-not-running"]


def test_a_restarting_dns_container_explains_intermittent_lookups(assistant):
    """"Unstable" resolution with the kubedns container restarting: intermittent failures no longer rule
    out the DNS pods themselves, and 'kubedns' (no hyphen) with 经常在重启 is read as the DNS pod crashing."""
    ans = assistant.ask("集群 DNS 解析时好时坏，用 busybox 测试经常失败。看了一下 kube-dns 这个 pod，"
                        "里面的 kubedns 容器经常在重启，另外两个容器是正常的")
    assert ans.causes and ans.causes[0]["id"] == "dns-coredns-not-running", [c["id"] for c in ans.causes[:3]]


def test_coredns_reported_running_is_not_offered_as_down(assistant):
    """The asker checked the CoreDNS pods: "CoreDNS is not running" must not lead (it did, at 0.41)."""
    ans = assistant.ask("coredns pods are running but dns queries time out")
    assert ans.causes and ans.causes[0]["id"] != "dns-coredns-not-running"
    assert "Most likely: CoreDNS pods are not running" not in ans.answer


@pytest.mark.parametrize("question", [
    "how do I configure a default certificate for ingress-nginx",
    "is kube-proxy in iptables mode slow with thousands of services",
])
def test_questions_about_slowness_or_certificates_stay_with_the_kb(assistant, question):
    assert assistant.ask(question).causes == []


@pytest.mark.parametrize("report", [
    "inside pods cluster service names resolve fine, but nslookup of external hosts fails",
    "集群内的服务名都能正常解析，就是 pod 里解析外网域名一直不成功",
])
def test_cluster_names_fine_external_names_failing_points_upstream(assistant, report):
    ans = assistant.ask(report)
    assert ans.causes and ans.causes[0]["id"] == "dns-upstream-forward-failure", [c["id"] for c in ans.causes[:3]]
