"""Pasted command output and symptom reports are diagnosed in the chat (issue 14): not inspected,
not swallowed by the paste handling, and a narrowing question's numbered reply is answered."""

from __future__ import annotations

from textual import events

from tests.tui.helpers import answers, ask, wait_ready, wait_until

DESCRIBE_SVC = """Name:              web
Namespace:         shop
Labels:            app=web
Selector:          app=webb
Type:              ClusterIP
IP:                10.96.123.45
Port:              http  80/TCP
TargetPort:        8080/TCP
Endpoints:         <none>
Session Affinity:  None
Events:            <none>
"""

ENVOY_503_UF = ('[2026-12-05T08:00:00.000Z] "GET /api HTTP/1.1" 503 UF upstream_reset_before_response_started'
                '{connection_failure} - "-" 0 91 2 - "-" "curl/8.5.0" "5f1c2d3e" "api.shop:80" "10.244.1.7:8080" '
                'outbound|80||api.shop.svc.cluster.local - 10.96.10.20:80 10.244.2.5:51234 - default')


async def _paste_and_send(pilot, text: str):
    app = pilot.app
    before = len(answers(app))
    app.post_message(events.Paste(text))  # a terminal's bracketed paste
    await pilot.pause()
    assert app.prompt.text.strip() == text.strip()  # the paste lands in the prompt whole
    await pilot.press("enter")
    got = await wait_until(pilot, lambda: len(answers(app)) > before and answers(app), what="diagnosis")
    return got[-1]


async def test_pasted_describe_svc_with_no_endpoints_is_diagnosed(make_app):
    app = make_app()
    async with app.run_test(size=(110, 48)) as pilot:
        await wait_ready(pilot)
        view = await _paste_and_send(pilot, DESCRIBE_SVC)
        md = view.markdown_text
        assert "kubectl describe svc" in md and "Most likely: The Service selector matches no pod" in md
        assert not app.query("InspectionView")


async def test_pasted_envoy_503_uf_line_is_diagnosed(make_app):
    app = make_app()
    async with app.run_test(size=(110, 48)) as pilot:
        await wait_ready(pilot)
        view = await _paste_and_send(pilot, ENVOY_503_UF)
        md = view.markdown_text
        assert "Envoy" in md and "UF" in md and "Most likely:" in md
        assert not app.query("InspectionView")


async def test_a_narrowing_question_is_answered_with_its_number_in_the_chat(make_app):
    app = make_app()
    async with app.run_test(size=(110, 48)) as pilot:
        await wait_ready(pilot)
        first = await ask(pilot, "the service has no endpoints")
        assert "**To narrow it down:**" in first.markdown_text
        question = app.controller.context.diagnosis.pending
        number = next(i for i, ch in enumerate(question.choices, 1) if "obs-pods-not-ready" in ch.clues)
        second = await ask(pilot, str(number))
        assert "Most likely: The backend pods are not Ready" in second.markdown_text
        assert second.answer["causes"][0]["id"] == "svc-pods-not-ready"


async def test_number_keys_on_a_narrowing_answer_answer_it_not_the_related_topics(make_app):
    app = make_app()
    async with app.run_test(size=(110, 48)) as pilot:
        await wait_ready(pilot)
        first = await ask(pilot, "the service has no endpoints")
        question = app.controller.context.diagnosis.pending
        number = next(i for i, ch in enumerate(question.choices, 1) if "obs-pods-not-ready" in ch.clues)
        assert [title for title, _ in first.choices] == [ch.label["en"] for ch in question.choices]
        first.focus()
        await pilot.press(str(number))
        got = await wait_until(pilot, lambda: len(answers(app)) == 2 and answers(app), what="refined diagnosis")
        await pilot.pause()
        assert got[-1].answer["causes"][0]["id"] == "svc-pods-not-ready"
