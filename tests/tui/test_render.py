"""The UI's pure rendering (no Textual needed); the store is tested in test_store.py."""

from __future__ import annotations

import json

from assistant.tui import render


def test_manifest_detection():
    assert render.looks_like_manifest("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n")
    assert render.looks_like_manifest('{"apiVersion": "v1", "kind": "Pod"}')
    assert not render.looks_like_manifest("what kind of Service do I need?")
    assert not render.looks_like_manifest("kind: Service")


def test_clean_strips_escapes_and_controls():
    assert render.clean("a\x1b[31mred\x1b[0m\x07b\x1b]0;title\x07") == "aredb"
    assert render.md_escape("*x* [y](z)") == r"\*x\* \[y\](z)"


def test_report_markdown_groups_by_severity_and_lists_reach():
    report = {
        "objects": [{"kind": "Service"}],
        "findings": [
            {"rule": "ingress-class-missing", "severity": "info", "object": "Ingress/a/b", "line": 3,
             "message": "m1", "hint": "h1", "doc": "https://kubernetes.io/x"},
            {"rule": "service-target-port-mismatch", "severity": "error", "object": "Service/a/b", "line": 1,
             "message": "m2", "hint": "h2", "doc": "https://kubernetes.io/y"},
        ],
        "dns": ["b.a.svc.cluster.local"], "cname": {}, "env": {"a/b": ["B_SERVICE_HOST"]},
        "reach": [{"from": "a/x", "to": "a/y", "port": 80, "protocol": "TCP", "allowed": True, "reason": "r"}],
    }
    md = render.report_markdown(report, reach_table=True)
    assert md.index("### Errors") < md.index("### Info")
    assert "hint: h2" in md and "`b.a.svc.cluster.local`" in md and "`B_SERVICE_HOST`" in md
    assert "| a/x | a/y | 80/TCP | allow | r |" in md


def test_transcript_exports_are_utf8_with_sources():
    turns = [{"role": "question", "text": "什么是 DNS"},
             {"role": "answer", "text": "x", "answer": {"answer": "**DNS** 答案",
              "sources": [{"id": "dns", "title": "DNS", "score": 0.5, "url": "https://kubernetes.io/dns"}]}}]
    md = render.transcript_markdown(turns)
    assert "什么是 DNS" in md and "[DNS](https://kubernetes.io/dns)" in md and "`dns`" in md
    assert json.loads(render.transcript_json(turns))["turns"][1]["answer"]["sources"][0]["id"] == "dns"


def test_angle_bracket_text_is_kept_outside_code():
    md = render.protect_markup("EXTERNAL-IP stays <pending> until `<none>` and\n```\n<keep>\n```")
    assert "\\<pending>" in md and "`<none>`" in md and "\n<keep>\n" in md


def test_related_topics_and_closest_topics_become_numbered_choices():
    md = ("Answer.\n\nRelated: Headless Service (clusterIP None) (`headless-service`) · "
          "ClusterIP Service (`service-clusterip`)\n\nClosest topics I can explain:\n"
          "- Endpoints vs EndpointSlice compared (`endpoints`)\n")
    assert render.suggestions(md) == [("Headless Service (clusterIP None)", "headless-service"),
                                      ("ClusterIP Service", "service-clusterip"),
                                      ("Endpoints vs EndpointSlice compared", "endpoints")]
    assert "Related:" not in render.without_suggestions(md)
    zh = "回答。\n\n相关主题：Kubernetes 网络模型（`pod-network-model`） · CNI 是什么（`cni-what-is-cni`）\n"
    assert render.suggestions(zh) == [("Kubernetes 网络模型", "pod-network-model"), ("CNI 是什么", "cni-what-is-cni")]
    assert "相关主题" not in render.without_suggestions(zh)


def test_report_sections_carry_their_severity():
    report = {"objects": [{"kind": "Service"}], "findings": [
        {"rule": "a", "severity": "error", "object": "Service/x", "line": 1, "message": "m"},
        {"rule": "b", "severity": "info", "object": "Service/x", "line": 1, "message": "m"}]}
    kinds = [k for k, _ in render.report_sections(report)]
    assert kinds == ["summary", "error", "info"]
    assert [k for k, _ in render.report_sections(report, lang="zh")] == ["summary", "error", "info"]
