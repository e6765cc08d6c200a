"""Each intent is detected in both languages; follow-up markers are recognised."""

from __future__ import annotations

import pytest

from assistant.answering.intents import INTENTS, detect_intent, is_followup

CASES = [
    ("definition", "en", "what is a headless service"),
    ("definition", "zh", "什么是无头服务"),
    ("how-to", "en", "how do I create a default deny all ingress policy"),
    ("how-to", "zh", "怎么关掉 service 环境变量注入"),
    ("comparison", "en", "kube-proxy iptables vs ipvs mode"),
    ("comparison", "zh", "ClusterIP 和 NodePort 有啥区别"),
    ("troubleshooting", "en", "my pod can't reach the service"),
    ("troubleshooting", "zh", "svc 访问不通"),
    ("troubleshooting", "zh", "DNS 解析超时"),
    ("list", "en", "what service types are there?"),
    ("list", "zh", "kube-proxy 支持哪些代理模式"),
    ("command", "en", "which kubectl command shows whether a service has any backends"),
    ("command", "zh", "用什么命令查看 endpoints"),
    ("yes-no", "en", "is ClusterIP the default service type"),
    ("yes-no", "zh", "每个 Pod 都有独立的 IP 吗"),
    ("greeting", "en", "hello"),
    ("greeting", "en", "what can you do?"),
    ("greeting", "zh", "你好"),
    ("greeting", "zh", "你能做什么"),
]


@pytest.mark.parametrize("intent,lang,question", CASES)
def test_intent_detected(intent, lang, question):
    assert detect_intent(question, lang) == intent


def test_every_intent_covered_in_both_languages():
    covered = {(i, lang) for i, lang, _ in CASES}
    for intent in INTENTS:
        if intent == "out-of-scope":
            continue  # set from abstention, tested in test_compose
        assert (intent, "en") in covered and (intent, "zh") in covered, intent


def test_default_timeout_is_not_troubleshooting():
    assert detect_intent("sessionAffinity 设成 ClientIP 默认超时多久", "zh") != "troubleshooting"
    assert detect_intent("what's the default timeout of sessionAffinity", "en") != "troubleshooting"


def test_no_match_can_return_none_for_followups():
    assert detect_intent("那 headless 呢?", "zh", default=None) is None
    assert detect_intent("那 headless 呢?", "zh") == "definition"


@pytest.mark.parametrize("q,lang", [("and from another namespace?", "en"), ("what about egress?", "en"),
                                    ("那 headless 呢?", "zh"), ("换成 NodePort 呢", "zh")])
def test_followup_markers(q, lang):
    assert is_followup(q, lang)


@pytest.mark.parametrize("q,lang", [("what is a headless service", "en"),
                                    ("and how do I write a network policy that allows traffic from the frontend pods only", "en"),
                                    ("什么是无头服务", "zh")])
def test_not_followups(q, lang):
    assert not is_followup(q, lang)
