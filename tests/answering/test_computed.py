"""Computed answers are exact, with the user's own names, including unusual ones."""

from __future__ import annotations

import pytest

from assistant.answering.computed import (
    compute, label_problems, nodeport_verdict, pod_a_record, service_dns_names, service_env_prefix,
    service_env_vars, statefulset_pod_dns, suggest_label,
)
from assistant.answering.compose import compose
from assistant.answering.entities import extract
from assistant.answering.intents import detect_intent
from assistant.retrieval.retriever import Retrieval


def computed_for(q: str, lang: str = "en", **kw):
    return compute(q, lang, extract(q), intent=detect_intent(q, lang), **kw)


def render_computed(kb, q: str, lang: str = "en", **kw) -> str:
    c = computed_for(q, lang, **kw)
    assert c is not None, q
    empty = Retrieval(query=q, lang=lang, mode="lexical", hits=[], confidence=0.0, abstain=True)
    return compose(q, lang, empty, kb, intent="definition", computed=c).answer


# -- pure functions ------------------------------------------------------------------------------
def test_service_dns_names():
    names = service_dns_names("api", "shop")
    assert names["fqdn"] == "api.shop.svc.cluster.local"
    assert names["same_namespace"] == "api" and names["other_namespace"] == "api.shop"
    assert service_dns_names("api", "shop", "corp.example")["fqdn"] == "api.shop.svc.corp.example"


def test_env_vars_exact():
    assert service_env_prefix("redis-master") == "REDIS_MASTER"
    names = [v["name"] for v in service_env_vars("redis-master", 6379)]
    assert names == ["REDIS_MASTER_SERVICE_HOST", "REDIS_MASTER_SERVICE_PORT", "REDIS_MASTER_PORT",
                     "REDIS_MASTER_PORT_6379_TCP", "REDIS_MASTER_PORT_6379_TCP_PROTO",
                     "REDIS_MASTER_PORT_6379_TCP_PORT", "REDIS_MASTER_PORT_6379_TCP_ADDR"]
    assert service_env_prefix("web2-api-v3") == "WEB2_API_V3"


@pytest.mark.parametrize("port,verdict", [(8080, "out-of-range"), (30000, "valid"), (32767, "valid"),
                                          (32768, "out-of-range"), (29999, "out-of-range"), (70000, "not-a-port"),
                                          (0, "not-a-port")])
def test_nodeport_verdict(port, verdict):
    assert nodeport_verdict(port) == verdict


def test_pod_a_record():
    assert pod_a_record("10.244.1.5", "shop") == "10-244-1-5.shop.pod.cluster.local"
    assert pod_a_record("172.17.0.3", "default", "k8s.internal") == "172-17-0-3.default.pod.k8s.internal"


def test_statefulset_names():
    pods = statefulset_pod_dns("web", "nginx", "shop", 2)
    assert [p["fqdn"] for p in pods] == ["web-0.nginx.shop.svc.cluster.local", "web-1.nginx.shop.svc.cluster.local"]


@pytest.mark.parametrize("name,problems", [
    ("api", []), ("a", []), ("web2", []), ("my-api-v2", []),
    ("MyAPI", ["uppercase"]), ("1api", ["leading-digit"]), ("api-", ["bad-end"]),
    ("my_api", ["bad-chars"]), ("a" * 63, []), ("a" * 64, ["too-long"]),
])
def test_dns1035(name, problems):
    assert label_problems(name) == problems


def test_dns1123_allows_leading_digit():
    assert label_problems("1shop", rule="dns-1123") == []
    assert suggest_label("MyAPI") == "myapi"


# -- from questions --------------------------------------------------------------------------------
def test_service_dns_answer(kb):
    text = render_computed(kb, "DNS name of service api in namespace shop")
    assert "`api.shop.svc.cluster.local`" in text
    assert "`api`" in text and "`api.shop`" in text
    assert "https://kubernetes.io/docs/" in text


def test_service_dns_honours_flags(kb):
    text = render_computed(kb, "what's the fqdn of the api service", namespace="billing", cluster_domain="corp.local")
    assert "`api.billing.svc.corp.local`" in text


def test_service_dns_in_chinese(kb):
    text = render_computed(kb, "shop 命名空间里 service api 的域名是什么", "zh")
    assert "api.shop.svc.cluster.local" in text and "完整域名" in text


def test_env_answer(kb):
    text = render_computed(kb, "env vars for service redis-master")
    for var in ("REDIS_MASTER_SERVICE_HOST", "REDIS_MASTER_SERVICE_PORT", "REDIS_MASTER_PORT"):
        assert var in text
    assert "before" in text and "same namespace" in text
    text = render_computed(kb, "服务名 my-db 端口 5432 对应的环境变量名是啥", "zh")
    assert "MY_DB_SERVICE_HOST" in text and "MY_DB_PORT_5432_TCP_ADDR" in text and "之前" in text


def test_env_with_digits(kb):
    text = render_computed(kb, "environment variables for service web2-api-v3 port 8080")
    assert "WEB2_API_V3_SERVICE_PORT=8080" in text and "WEB2_API_V3_PORT_8080_TCP=" in text


@pytest.mark.parametrize("q,lang,expect", [("is 8080 a valid nodePort", "en", "No: 8080"),
                                           ("can I use 30080 as nodePort?", "en", "Yes: 30080"),
                                           ("nodePort 设置成 8080 可以吗", "zh", "不行")])
def test_nodeport_answer(kb, q, lang, expect):
    text = render_computed(kb, q, lang)
    assert expect in text and "30000-32767" in text


def test_pod_record_answer(kb):
    text = render_computed(kb, "what is the DNS record of pod 10.244.1.5 in namespace shop")
    assert "`10-244-1-5.shop.pod.cluster.local`" in text
    text = render_computed(kb, "pod IP 10.244.1.5 的域名", "zh", namespace="dev")
    assert "10-244-1-5.dev.pod.cluster.local" in text


def test_statefulset_answer(kb):
    text = render_computed(kb, "statefulset web with headless service nginx in namespace shop, 3 replicas")
    for i in range(3):
        assert f"web-{i}.nginx.shop.svc.cluster.local" in text
    assert "web-3" not in text


def test_uppercase_rejected_with_rule(kb):
    text = render_computed(kb, "DNS name of service MyAPI in namespace shop")
    assert "DNS-1035" in text and "lowercase" in text and "`myapi`" in text
    assert "MyAPI.shop.svc" not in text
    zh = render_computed(kb, "service MyAPI 的域名是什么", "zh")
    assert "DNS-1035" in zh and "大写" in zh


def test_long_and_digit_names_rejected(kb):
    long = "a" * 64
    text = render_computed(kb, f"dns name of service {long}")
    assert "64 characters" in text and "63" in text
    text = render_computed(kb, "env vars for service 9lives")
    assert "starts with a digit" in text and "9LIVES_SERVICE_HOST" not in text


def test_no_computed_without_names():
    for q in ("what is the DNS name of a service", "what environment variables does kubernetes inject for services",
              "what port range can a NodePort use", "do I have to create the headless service for a statefulset myself",
              "what does a heedless service return in dns", "how to disable service environment variables in a pod"):
        assert computed_for(q) is None, q
