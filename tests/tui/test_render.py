"""The UI's pure rendering (no Textual needed); the store is tested in test_store.py."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.tui import render


def test_manifest_detection():
    assert render.looks_like_manifest("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n")
    assert render.looks_like_manifest('{"apiVersion": "v1", "kind": "Pod"}')
    assert not render.looks_like_manifest("what kind of Service do I need?")
    assert not render.looks_like_manifest("kind: Service")


def test_clean_strips_escapes_and_controls():
    assert render.clean("a\x1b[31mred\x1b[0m\x07b\x1b]0;title\x07") == "aredb"
    assert render.md_escape("*x* [y](z)") == r"\*x\* \[y\](z)"


SHOP = (Path(__file__).resolve().parent / "data" / "shop.yaml").read_text(encoding="utf-8")


def test_inspection_markdown_is_the_inspectors_with_the_env_vars():
    from assistant.inspection import inspect_text, render_markdown

    report = inspect_text(SHOP)
    md = render.inspection_markdown(report)
    assert md.startswith(render_markdown(report).rstrip("\n"))  # one renderer: the inspector's
    assert md.index("### Errors") < md.index("### Info") < md.index("### Reachability")
    assert "`api.shop.svc.cluster.local`" in md and "`API_SERVICE_HOST`" in md
    assert "| shop/web | shop/api | 8080/TCP | ✅ allowed" in md


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


def test_inspection_sections_carry_their_severity():
    from assistant.inspection import inspect_text

    report = inspect_text(SHOP)
    assert [k for k, _ in render.markdown_sections(render.inspection_markdown(report))] == \
        ["summary", "error", "info", "other", "reach", "other"]
    zh = render.markdown_sections(render.inspection_markdown(report, lang="zh"))
    assert [k for k, _ in zh] == ["summary", "error", "info", "other", "reach", "other"]
    assert zh[1][1].startswith("### 错误")


def test_an_old_inspection_turn_without_markdown_or_manifest_still_says_what_it_found():
    turns = [{"role": "inspection", "text": "", "report": {"objects": [{}, {}], "findings": [
        {"rule": "a", "severity": "error"}, {"rule": "b", "severity": "info"}]}}]
    md = render.transcript_markdown(turns)
    assert "**Inspected 2 object(s)**: 1 error, 0 warning, 1 info" in md
