"""Answer checking: commands, letters in the learner's shuffled order, every DNS form that works, case-sensitive env names."""

from __future__ import annotations

import pytest

from assistant.tour.checking import (check_exercise, check_quiz, command_of, dns_names, lesson_number, normalize,
                                     parse_choice, resolves_to, yes_no)

LETTERS = "abcdefghij"


@pytest.mark.parametrize("text,kind,expected", [
    ("  API.Shop.SVC.cluster.local. ", "dns", "api.shop.svc.cluster.local."),
    ("`data.prod`", "dns", "data.prod"),
    ("data . prod", "dns", "data.prod"),
    ("$redis_primary_service_host", "env", "redis_primary_service_host"),
    ("${REDIS_PRIMARY_SERVICE_HOST}", "env", "REDIS_PRIMARY_SERVICE_HOST"),
    ("REDIS_PRIMARY_SERVICE_HOST=10.0.0.11", "env", "REDIS_PRIMARY_SERVICE_HOST"),
    ("  Hello   World ", "text", "hello world"),
])
def test_normalize(text, kind, expected):
    assert normalize(text, kind) == expected


@pytest.mark.parametrize("text,n,expected", [("b)", 4, 1), ("(C)", 4, 2), ("2.", 4, 1), ("e", 4, None), ("h", 8, 7),
                                             ("0", 4, None), ("5", 4, None)])
def test_parse_choice(text, n, expected):
    assert parse_choice(text, n) == expected


@pytest.mark.parametrize("text,cmd", [
    ("next", "next"), ("Next", "next"), ("下一步", "next"), ("skip", "skip"), ("跳过", "skip"), ("hint", "hint"),
    ("提示", "hint"), ("quit", "quit"), ("exit", "quit"), ("退出", "quit"), ("/skip", "skip"), ("/tour", "repeat"),
    ("/tour next", "next"), ("restart", "restart"), ("back", "back"), ("返回", "back"), ("menu", "menu"),
    ("目录", "menu"), ("lab", "lab"), ("实验", "lab"), ("check", "check"), ("检查", "check"), ("export", "export"),
    ("导出", "export"), ("b", None), ("api.shop", None),
])
def test_commands(text, cmd):
    assert command_of(text) == cmd


@pytest.mark.parametrize("text,n", [("lesson 5", 5), ("Lesson 12", 12), ("go 3", 3), ("第5课", 5), ("第 8 课", 8),
                                    ("5课", 5), ("lesson", None), ("5", None)])
def test_lesson_jump(text, n):
    assert lesson_number(text) == n


@pytest.mark.parametrize("text,value", [("yes", True), ("Y", True), ("是", True), ("可以", True), ("no", False),
                                        ("否", False), ("不能", False), ("maybe", None)])
def test_yes_no(text, value):
    assert yes_no(text) is value


# -- DNS: every name that works is accepted -------------------------------------------------------

@pytest.mark.parametrize("typed,client,ok", [
    ("api", "shop", True), ("api.shop", "shop", True), ("api.shop.svc", "shop", True),
    ("api.shop.svc.cluster.local", "shop", True), ("api.shop.svc.cluster.local.", "shop", True),
    ("API.Shop.SVC.cluster.local.", "shop", True),
    ("api", "web", False), ("api.shop", "web", True), ("api.shop.svc", "web", True),
    ("api.shop.svc.cluster.local", "web", True), ("api.shop.svc.cluster.local.", "web", True),
    ("api.", "shop", False), ("api.shop.", "web", False), ("api.shop.svc.", "web", False),
    ("shop.api", "web", False), ("api.shop.pod.cluster.local", "web", False), ("api.shop.cluster.local", "web", False),
])
def test_resolves_to_follows_the_search_list(typed, client, ok):
    assert resolves_to(typed, "api.shop.svc.cluster.local", client) is ok


def test_dns_names_lists_every_working_form_shortest_first():
    assert dns_names("api.shop.svc.cluster.local", "web") == [
        "api.shop", "api.shop.svc", "api.shop.svc.cluster.local", "api.shop.svc.cluster.local."]
    assert dns_names("api.shop.svc.cluster.local", "shop")[0] == "api"


def _lesson(lessons, lid):
    return next(lesson for lesson in lessons if lesson.id == lid)


@pytest.mark.parametrize("lesson_id,answers", [
    ("dns", ["ledger.billing", "ledger.billing.svc", "ledger.billing.svc.cluster.local",
             "ledger.billing.svc.cluster.local.", "LEDGER.Billing.svc.cluster.local"]),
    ("headless-statefulsets", ["kafka-1.kafka-hl", "kafka-1.kafka-hl.data", "kafka-1.kafka-hl.data.svc",
                               "kafka-1.kafka-hl.data.svc.cluster.local", "kafka-1.kafka-hl.data.svc.cluster.local."]),
    ("namespaces", ["pricing.catalog", "pricing.catalog.svc", "pricing.catalog.svc.cluster.local",
                    "pricing.catalog.svc.cluster.local."]),
    ("env-discovery", ["ORDER_EVENTS_SERVICE_HOST", "$ORDER_EVENTS_SERVICE_HOST", "${ORDER_EVENTS_SERVICE_HOST}"]),
])
def test_every_working_answer_is_accepted(lessons, lesson_id, answers):
    quiz = _lesson(lessons, lesson_id).quiz
    for answer in answers:
        assert check_quiz(quiz, answer).correct, answer


@pytest.mark.parametrize("lesson_id,wrong,note", [
    ("dns", "ledger", "bare"), ("dns", "ledger.billing.", "absolute"), ("dns", "ledger.checkout", "namespace"),
    ("dns", "ledger.billing.pod.cluster.local", "suffix"),
    ("env-discovery", "order_events_service_host", "case"), ("env-discovery", "ORDER-EVENTS_SERVICE_HOST", "dashes"),
    ("env-discovery", "ORDER_EVENTS_SERVICE_PORT", ""),
    ("headless-statefulsets", "kafka-2.kafka-hl.data.svc.cluster.local", "ordinal"),
    ("headless-statefulsets", "kafka-1.kafka.data.svc.cluster.local", ""),
    ("namespaces", "pricing", "bare"), ("namespaces", "catalog.pricing", ""),
])
def test_near_misses_are_wrong_and_diagnosed(lessons, lesson_id, wrong, note):
    verdict = check_quiz(_lesson(lessons, lesson_id).quiz, wrong)
    assert verdict.status == "wrong"
    if note:
        assert verdict.note == note


# -- choices in the learner's order ------------------------------------------------------------------

def test_exercise_letters_follow_the_shown_order(lessons):
    from assistant.inspection.catalog import load_catalog

    known = frozenset(load_catalog())
    for lesson in lessons:
        ex = lesson.exercise
        order = list(reversed(range(len(ex.options))))  # shown position -> authored index
        for shown, authored in enumerate(order):
            verdict = check_exercise(ex, LETTERS[shown], known, order)
            assert verdict.given == ex.options[authored]
            assert verdict.correct == (ex.options[authored] in ex.rules)
            assert check_exercise(ex, str(shown + 1), known, order).given == ex.options[authored]
        for rid in ex.rules:
            assert check_exercise(ex, f" `{rid}` ", known, order).correct
        other = next(r for r in sorted(known) if r not in ex.options)
        assert check_exercise(ex, other, known, order).status == "wrong"
        assert check_exercise(ex, "no idea", known, order).status == "invalid"


def test_choice_quiz_letters_follow_the_shown_order(lessons):
    for lesson in (lesson for lesson in lessons if lesson.quiz.kind == "choice"):
        quiz = lesson.quiz
        order = list(range(1, len(quiz.options))) + [0]
        accepted = [s for s in range(len(order)) if check_quiz(quiz, LETTERS[s], order=order).correct]
        assert [order[s] for s in accepted] == [quiz.answer_index], lesson.id
        for lang in ("en", "zh"):  # typing the option's text works too, whatever the order
            texts = [check_quiz(quiz, o.text[lang], order=order).correct for o in quiz.options]
            assert texts.index(True) == quiz.answer_index and texts.count(True) == 1, lesson.id
        assert check_quiz(quiz, "maybe", order=order).status == "invalid"


def test_reach_quiz_compares_with_the_engine_verdict(lessons):
    quiz = _lesson(lessons, "egress").quiz
    assert check_quiz(quiz, "no", reach_answer=False).correct
    assert check_quiz(quiz, "yes", reach_answer=False).status == "wrong"
    assert check_quiz(quiz, "是", reach_answer=True).correct
    assert check_quiz(quiz, "perhaps", reach_answer=True).status == "invalid"


def test_typing_an_options_code_works_when_it_is_unambiguous(lessons):
    """Review B9: `app:8080` typed for the option "`app:8080`, using the container's name as a host name"."""
    quiz = _lesson(lessons, "containers-in-pod").quiz
    app = next(i for i, o in enumerate(quiz.options) if o.text["en"].startswith("`app:8080`"))
    assert check_quiz(quiz, "app:8080").chosen == app
    assert check_quiz(quiz, "localhost:8080").correct
    route = _lesson(lessons, "gateway-httproute").quiz  # every option starts with `name: inventory`: ambiguous
    assert check_quiz(route, "name: inventory").status == "invalid"
