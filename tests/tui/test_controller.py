"""The chat controller without Textual: routing, answers, inspection, questions about the bundle,
the tour, and the diagnosis slot."""

from __future__ import annotations

import sys

from assistant.tui.controller import ChatController, RouteKind, is_question
from assistant.tui.store import Store


def _controller(tmp_path, assistant=None, **kwargs) -> ChatController:
    return ChatController(Store.load(tmp_path), assistant=assistant, **kwargs)


def test_the_controller_does_not_import_textual():
    import subprocess

    code = ("import sys; import assistant.tui.controller, assistant.tui.store, assistant.tui.bundle_qa; "
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_routes(tmp_path, shop_manifest):
    c = _controller(tmp_path)
    assert c.route("  ").kind is RouteKind.EMPTY
    assert c.route("/export json") == c.route("/export json") and c.route("/export json").args == ("json",)
    assert c.route(shop_manifest).kind is RouteKind.MANIFEST
    assert c.route("what is a headless service").kind is RouteKind.QUESTION
    assert c.route("why can't web reach api?").kind is RouteKind.QUESTION  # nothing inspected yet


def test_diagnose_route_only_with_a_diagnoser(tmp_path):
    class Echo:
        def detects(self, text: str) -> bool:
            return text.startswith("Error from server")

        def diagnose(self, text: str, lang: str) -> str:
            return f"diagnosed in {lang}"

    pasted = "Error from server (NotFound): services \"web\" not found"
    assert _controller(tmp_path).route(pasted).kind is RouteKind.QUESTION
    c = _controller(tmp_path, diagnoser=Echo(), lang="zh")
    assert c.route(pasted).kind is RouteKind.DIAGNOSE and c.diagnose(pasted) == "diagnosed in zh"


def test_bundle_questions_are_answered_from_the_report(tmp_path, assistant, shop_manifest):
    c = _controller(tmp_path, assistant)
    result = c.inspect(shop_manifest)
    c.remember_inspection(result.report)
    route = c.route("why can't api reach api?")
    assert route.kind is RouteKind.BUNDLE
    text = c.bundle_answer(route.text)
    assert "8080/TCP" in text and "denied" in text and "api-ingress" in text
    assert "api.shop.svc.cluster.local" in c.bundle_answer("what DNS name does api get?")
    assert "API_SERVICE_HOST" in c.bundle_answer("which env vars does api get")
    assert "web" in c.bundle_answer("web 能访问 api 吗")
    assert c.route("what is a headless service").kind is RouteKind.QUESTION
    assert c.route("what DNS name does a Deployment get").kind is RouteKind.QUESTION


def test_answers_share_a_context_across_follow_ups(tmp_path, assistant):
    c = _controller(tmp_path, assistant)
    c.core_ready.set()
    first = c.answer("what is a headless service")
    assert first.answer["sources"] and c.context is not None and c.context.topic
    follow = c.answer("how do I debug it")
    assert follow.answer["question"] == "how do I debug it"


def test_tour_takes_answers_but_lets_questions_through(tmp_path, monkeypatch):
    monkeypatch.setenv("PODTALK_STATE", str(tmp_path))
    c = _controller(tmp_path)
    assert c.tour_command("") and c.tour_active
    assert c.route("next").kind is RouteKind.TOUR
    assert c.route("b").kind is RouteKind.TOUR
    assert c.route("what is kube-proxy?").kind is RouteKind.QUESTION
    assert c.route("kube-proxy 是什么？").kind is RouteKind.QUESTION
    assert c.tour_status()
    c.tour_command("quit")
    assert not c.tour_active and c.route("next").kind is RouteKind.QUESTION


def test_is_question():
    assert is_question("what is a service?") and is_question("?kube-proxy")
    assert not is_question("b") and not is_question("next") and not is_question("web.shop.svc.cluster.local")


def test_a_reloaded_conversation_remembers_its_last_manifest_however_far_back(tmp_path, assistant, shop_manifest):
    from assistant.tui.store import Turn

    first = _controller(tmp_path, assistant)
    first.store.add_turn(first.manifest_turn(shop_manifest))
    first.store.add_turn(Turn(role="inspection", report=first.inspect(shop_manifest).report))
    for i in range(30):
        first.store.add_turn(Turn(role="question", text=f"q{i}"))
    first.store.close()
    again = ChatController(Store.load(tmp_path), assistant=assistant)
    again.restore()
    assert again.last_stored_manifest() == shop_manifest
    assert again.route("what DNS name does api get?").kind is RouteKind.BUNDLE


def test_a_manifest_goes_to_the_tour_while_it_waits_for_a_fixed_one(tmp_path, monkeypatch, shop_manifest):
    monkeypatch.setenv("PODTALK_STATE", str(tmp_path))
    c = _controller(tmp_path)
    c.tour_command("")
    assert not c.tour.wants_manifest and c.route(shop_manifest).kind is RouteKind.MANIFEST  # reading: inspect it
    c.tour_reply("next")
    assert c.tour.wants_manifest
    route = c.route(shop_manifest)
    assert route.kind is RouteKind.TOUR and route.text == shop_manifest
    assert c.tour_reply(route.text).strip()  # the tour grades it
    c.tour_command("quit")
    assert c.route(shop_manifest).kind is RouteKind.MANIFEST


def test_tour_reset_asks_before_it_forgets_the_progress(tmp_path, monkeypatch):
    monkeypatch.setenv("PODTALK_STATE", str(tmp_path))
    c = _controller(tmp_path)
    c.tour_command("")
    c.tour_reply("lesson 3")
    position = c.tour.index
    assert position == 2
    asked = c.tour_command("reset")
    assert "yes" in asked.lower() and c.tour.index == position  # nothing lost yet
    assert c.route("no").kind is RouteKind.TOUR
    c.tour_reply("no")
    assert c.tour.index == position
    c.tour_command("reset")
    c.tour_reply("yes")
    assert c.tour.index == 0
