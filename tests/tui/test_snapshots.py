"""SVG snapshots of the main screen, an answer and an inspection result at 80x24 and 200x60, in
English and Chinese (the whole interface follows ``/lang``), plus the light theme once.

Fixed terminal size, no cursor blink, workers awaited. The answer comes from a fixed ``Answer``
(the core's output changes as the KB grows; the Pilot tests cover the real answers), the inspection
from the real inspector on ``data/shop.yaml``. Update with ``pytest tests/tui --snapshot-update``
after reviewing the report.
"""

from __future__ import annotations

import pytest

from tests.tui.helpers import wait_ready, wait_until

SIZES = {"80x24": (80, 24), "200x60": (200, 60)}
LANGS = ["en", "zh"]


def _fixed_answer(question: str, lang: str = "en", **_: object):
    from assistant.engine import Answer

    zh = lang == "zh"
    text = ("**Headless Service（clusterIP: None）**\n\n"
            "headless Service 没有 cluster IP：它的 DNS 名称直接解析为所选就绪 Pod 的 IP，客户端直接连接 Pod。"
            "外部 IP 显示为 <pending> 时表示负载均衡器尚未分配。\n\n"
            if zh else
            "**Headless Service (clusterIP: None)**\n\n"
            "A headless Service has no cluster IP: its DNS name resolves straight to the IPs of the "
            "ready pods it selects, so clients connect to pods directly. An EXTERNAL-IP of <pending> means "
            "no load balancer was assigned yet.\n\n")
    text += ("```yaml\nspec:\n  clusterIP: None\n```\n\n"
             "| record | points to |\n|---|---|\n| `db.shop.svc.cluster.local` | every ready pod IP |\n\n"
             "Related: ClusterIP Service (`service-clusterip`) · StatefulSet stable network identity "
             "(`statefulset-identity`)\n")
    return Answer(
        question=question, lang="zh" if zh else "en", intent="definition", abstained=False, answer=text,
        sources=[{"id": "headless-service", "topic": "headless-service", "title": "Headless Service (clusterIP None)",
                  "score": 0.8312, "url": "https://kubernetes.io/docs/concepts/services-networking/service/#headless-services"},
                 {"id": "dns-records", "topic": "dns", "title": "DNS records for Services", "score": 0.61,
                  "url": "https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/"}],
        timing_ms={"total": 1.0})


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()


async def _start(pilot, lang: str) -> None:
    await wait_ready(pilot)
    if lang == "zh":
        pilot.app.prompt.text = "/lang zh"
        await pilot.press("enter")
        await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_main_screen(snap_compare, make_app, lang, size):
    app = make_app()

    async def run_before(pilot):
        await _start(pilot, lang)
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_answer(snap_compare, make_app, monkeypatch, lang, size):
    app = make_app()
    monkeypatch.setattr(app.assistant, "ask", _fixed_answer)

    async def run_before(pilot):
        await _start(pilot, lang)
        pilot.app.prompt.text = "什么是 headless Service" if lang == "zh" else "what is a headless service"
        await pilot.press("enter")
        await wait_until(pilot, lambda: [v for v in pilot.app.query("AnswerView") if v.answer])
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_inspection(snap_compare, make_app, shop_manifest, lang, size):
    app = make_app()

    async def run_before(pilot):
        await _start(pilot, lang)
        pilot.app.prompt.text = shop_manifest
        await pilot.press("enter")
        await wait_until(pilot, lambda: pilot.app.query("InspectionView"))
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


def test_answer_light_theme(snap_compare, make_app, monkeypatch):
    app = make_app()
    monkeypatch.setattr(app.assistant, "ask", _fixed_answer)

    async def run_before(pilot):
        pilot.app.theme = "textual-light"
        await _start(pilot, "en")
        pilot.app.prompt.text = "what is a headless service"
        await pilot.press("enter")
        await wait_until(pilot, lambda: [v for v in pilot.app.query("AnswerView") if v.answer])
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(100, 34), run_before=run_before)
