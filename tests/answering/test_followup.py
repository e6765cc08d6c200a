"""Chat follow-ups resolve against the previous turn (real KB, real retrieval); the CLI stays stateless."""

from __future__ import annotations

from assistant.engine import Context


def test_followup_reuses_computed_names(assistant):
    ctx = Context()
    first = assistant.ask("DNS name of service api in namespace shop", context=ctx)
    assert "api.shop.svc.cluster.local" in first.answer
    assert ctx.computed == "service-dns" and ctx.entry_id
    second = assistant.ask("and in namespace billing?", context=ctx)
    assert "api.billing.svc.cluster.local" in second.answer


def test_followup_blends_previous_topic(assistant):
    ctx = Context()
    assistant.ask("what is a ClusterIP service", context=ctx)
    assert ctx.topic == "service-clusterip"
    ans = assistant.ask("那 headless 呢?", context=ctx)
    assert ans.lang == "zh" and not ans.abstained
    assert ans.topic == "headless-service" and "headless" in ans.answer
    assert ctx.topic == "headless-service"


def test_followup_about_egress(assistant):
    ctx = Context()
    assistant.ask("how do I create a default deny all ingress policy", context=ctx)
    ans = assistant.ask("what about egress?", context=ctx)
    assert not ans.abstained and "egress" in ans.answer.lower()


def test_without_context_is_stateless(assistant):
    assistant.ask("DNS name of service api in namespace shop")
    ans = assistant.ask("and in namespace billing?")
    assert "api.billing" not in ans.answer


def test_definition_answers_are_short(assistant):
    from assistant.answering.compose import DEFINITION_MAX_WORDS, words_before_sources

    for q in ("what is a headless service", "what is a NetworkPolicy", "what is an Ingress", "什么是无头服务",
              "网络策略是什么"):
        ans = assistant.ask(q)
        assert ans.intent == "definition"
        assert words_before_sources(ans.answer, ans.lang) <= DEFINITION_MAX_WORDS, q
        assert "https://kubernetes.io/" in ans.answer
