"""Answer checking: every quiz accepts exactly its right answer, in every accepted spelling."""

from __future__ import annotations

import pytest

from assistant.tour.checking import check_exercise, check_quiz, command_of, normalize, parse_choice

LETTERS = "abcdef"


@pytest.mark.parametrize("text,expected", [
    ("a", 0), ("B", 1), ("c)", 2), ("(d)", 3), ("2", 1), (" 4. ", 3), ("e", None), ("5", None), ("0", None),
    ("ab", None), ("", None),
])
def test_parse_choice(text, expected):
    assert parse_choice(text, 4) == expected


@pytest.mark.parametrize("text,kind,expected", [
    ("  API.Shop.SVC.cluster.local. ", "dns", "api.shop.svc.cluster.local"),
    ("`data.prod`", "dns", "data.prod"),
    ("data . prod", "dns", "data.prod"),
    ("$redis_primary_service_host", "env", "REDIS_PRIMARY_SERVICE_HOST"),
    ("${REDIS_PRIMARY_SERVICE_HOST}", "env", "REDIS_PRIMARY_SERVICE_HOST"),
    ("REDIS_PRIMARY_SERVICE_HOST=10.0.0.11", "env", "REDIS_PRIMARY_SERVICE_HOST"),
    ("  Hello   World ", "text", "hello world"),
])
def test_normalize(text, kind, expected):
    assert normalize(text, kind) == expected


@pytest.mark.parametrize("text,cmd", [
    ("next", "next"), ("Next", "next"), ("下一步", "next"), ("skip", "skip"), ("跳过", "skip"), ("hint", "hint"),
    ("提示", "hint"), ("quit", "quit"), ("exit", "quit"), ("退出", "quit"), ("/skip", "skip"), ("/tour", "repeat"),
    ("/tour next", "next"), ("restart", "restart"), ("b", None), ("api.shop", None),
])
def test_commands(text, cmd):
    assert command_of(text) == cmd


def test_every_exercise_accepts_its_rule_and_rejects_the_others(lessons):
    from assistant.inspection.catalog import load_catalog

    known = frozenset(load_catalog())
    for lesson in lessons:
        ex = lesson.exercise
        right = ex.answer_index
        for spelling in (LETTERS[right], LETTERS[right].upper(), str(right + 1), ex.rule, f" `{ex.rule}` "):
            assert check_exercise(ex, spelling, known).correct, (lesson.id, spelling)
        for i, rid in enumerate(ex.options):
            if i == right:
                continue
            assert check_exercise(ex, LETTERS[i], known).status == "wrong"
            assert check_exercise(ex, rid, known).status == "wrong"
        # a real rule id that is not offered is a wrong answer; gibberish is not an answer at all
        other = next(r for r in sorted(known) if r not in ex.options)
        assert check_exercise(ex, other, known).status == "wrong"
        assert check_exercise(ex, "no idea", known).status == "invalid"


def test_every_choice_quiz_has_exactly_one_accepted_option(lessons):
    for lesson in (lesson for lesson in lessons if lesson.quiz.kind == "choice"):
        quiz = lesson.quiz
        accepted = [i for i in range(len(quiz.options)) if check_quiz(quiz, LETTERS[i]).correct]
        assert accepted == [quiz.answer_index], lesson.id
        assert [i for i in range(len(quiz.options)) if check_quiz(quiz, str(i + 1)).correct] == accepted
        for lang in ("en", "zh"):  # typing the option's text works too
            texts = [check_quiz(quiz, o.text[lang]).correct for o in quiz.options]
            assert texts.index(True) == quiz.answer_index and texts.count(True) == 1, lesson.id
        assert check_quiz(quiz, "maybe").status == "invalid"


def _variants(answer, kind):
    yield answer
    yield f"  {answer}  "
    if kind == "dns":
        yield answer.upper()
        yield answer + "."
        yield f"`{answer}.`"
    if kind == "env":
        yield answer.lower()
        yield "$" + answer


def test_every_text_quiz_accepts_its_answer_with_normalisation(lessons):
    text_quizzes = [lesson for lesson in lessons if lesson.quiz.kind == "text"]
    assert text_quizzes
    for lesson in text_quizzes:
        quiz = lesson.quiz
        for variant in _variants(quiz.answer, quiz.normalize):
            assert check_quiz(quiz, variant).correct, (lesson.id, variant)


@pytest.mark.parametrize("lesson_id,wrong", [
    ("dns", "api.shop"), ("dns", "api.shop.svc"), ("dns", "api.shop.pod.cluster.local"), ("dns", "shop.api.svc.cluster.local"),
    ("env-discovery", "REDIS-PRIMARY_SERVICE_HOST"), ("env-discovery", "REDIS_PRIMARY_SERVICE_PORT"),
    ("env-discovery", "REDISPRIMARY_SERVICE_HOST"),
    ("headless-statefulsets", "kafka-2.kafka-hl.data.svc.cluster.local"),
    ("headless-statefulsets", "kafka-1.kafka.data.svc.cluster.local"),
    ("namespaces", "data"), ("namespaces", "data.prod.svc.cluster.local"), ("namespaces", "prod.data"),
])
def test_text_quizzes_reject_near_misses(lessons, lesson_id, wrong):
    quiz = next(lesson for lesson in lessons if lesson.id == lesson_id).quiz
    assert check_quiz(quiz, wrong).status == "wrong"
