"""The lesson data: twelve lessons in order, both languages alike, every exercise and quiz honest.

"Honest" means: the inspector really reports the rule an exercise teaches and none of its
distractors; every choice quiz has exactly one right option; every computed answer is what the
inspector derives; every KB id a lesson builds on exists.
"""

from __future__ import annotations

import re

import pytest

from assistant.inspection import inspect_text
from assistant.tour import audit_lessons
from assistant.tour.lessons import LANGS

EXPECTED_ORDER = [
    "pod-network", "containers-in-pod", "services", "endpoints-kube-proxy", "dns", "env-discovery",
    "headless-statefulsets", "network-policy", "namespaces", "ingress-gateway", "mesh-monitoring", "troubleshooting",
]


def _ids(lessons):
    return [lesson.id for lesson in lessons]


def test_twelve_lessons_in_tour_order(lessons):
    assert _ids(lessons) == EXPECTED_ORDER
    assert [lesson.number for lesson in lessons] == list(range(1, 13))


def test_audit_finds_no_problem(lessons, kb):
    assert audit_lessons(lessons, kb) == []


@pytest.mark.parametrize("index", range(12), ids=EXPECTED_ORDER)
def test_exercise_manifest_triggers_its_rule_and_no_distractor(lessons, index):
    ex = lessons[index].exercise
    reported = {f["rule"] for f in inspect_text(ex.manifest, namespace=ex.namespace).to_dict()["findings"]}
    assert ex.rule in reported
    assert not (set(ex.options) - {ex.rule}) & reported, "a distractor is really reported"


def test_each_lesson_teaches_a_different_rule(lessons):
    rules = [lesson.exercise.rule for lesson in lessons]
    assert len(set(rules)) == len(rules)


def test_option_rule_ids_exist(lessons):
    from assistant.inspection.catalog import load_catalog

    catalog = load_catalog()
    for lesson in lessons:
        assert set(lesson.exercise.options) <= set(catalog), lesson.id


def test_kb_ids_exist(lessons, kb):
    for lesson in lessons:
        missing = [k for k in lesson.kb if k not in kb.by_id]
        assert not missing, f"{lesson.id}: {missing}"
        quoted = re.findall(r"\{\{\s*kb:([a-z0-9-]+)\s*\}\}", lesson.explanation["en"])
        assert set(quoted) <= set(lesson.kb), f"{lesson.id} quotes an entry it does not list"


def test_lessons_cover_the_contract_topics(lessons, kb):
    topics = {kb.by_id[k].topic for lesson in lessons for k in lesson.kb}
    expected = {"pod-network-model", "containers-in-pod", "cni-plugins", "service", "service-clusterip",
                "service-nodeport", "service-loadbalancer", "service-externalname", "endpoints", "kube-proxy",
                "headless-service", "statefulset-identity", "dns", "service-discovery-env", "network-policy",
                "network-policy-default-deny", "multi-namespace", "ingress", "gateway-api", "service-mesh",
                "monitoring", "troubleshooting"}
    assert expected <= topics


def test_exactly_one_right_option_per_choice_quiz(lessons):
    choice = [lesson for lesson in lessons if lesson.quiz.kind == "choice"]
    assert len(choice) >= 6
    for lesson in choice:
        assert sum(o.correct for o in lesson.quiz.options) == 1, lesson.id


def test_computed_quizzes_exist(lessons):
    kinds = {lesson.quiz.normalize for lesson in lessons if lesson.quiz.kind == "text"}
    assert {"dns", "env"} <= kinds


def _texts(lesson):
    yield "title", lesson.title
    yield "explanation", lesson.explanation
    for name in ("prompt", "hint", "explain"):
        yield f"exercise.{name}", getattr(lesson.exercise, name)
    for name in ("question", "hint", "explain"):
        yield f"quiz.{name}", getattr(lesson.quiz, name)
    for i, option in enumerate(lesson.quiz.options):
        yield f"quiz.options[{i}]", option.text


def _code_spans(text):
    # Placeholders such as `<own-namespace>` are translated; identifiers and names are not.
    return {s for s in re.findall(r"`([^`]+)`", text) if "<" not in s}


def test_both_languages_have_the_same_structure(lessons):
    for lesson in lessons:
        for name, text in _texts(lesson):
            assert set(text) == set(LANGS), f"{lesson.id} {name}"
            assert all(text[lang].strip() for lang in LANGS), f"{lesson.id} {name}"
            assert _code_spans(text["en"]) == _code_spans(text["zh"]), f"{lesson.id} {name}: code differs"
        for pattern in (r"^\s*- ", r"\{\{kb:", r"\n\n"):
            en, zh = (len(re.findall(pattern, lesson.explanation[lang], re.M)) for lang in LANGS)
            assert en == zh, f"{lesson.id} explanation: {pattern!r} {en} vs {zh}"


def test_explanations_are_short(lessons):
    for lesson in lessons:
        own_words = re.sub(r"\{\{kb:[^}]+\}\}", "", lesson.explanation["en"]).split()
        assert 100 <= len(own_words) <= 200, f"{lesson.id}: {len(own_words)} words"
        assert 250 <= len(lesson.explanation["zh"]) <= 900, lesson.id


def test_kb_quotes_expand(lessons):
    from assistant.tour.render import expand_kb_quotes

    for lesson in lessons:
        for lang in LANGS:
            text = expand_kb_quotes(lesson.explanation[lang], lang)
            assert "{{" not in text, lesson.id


def test_broken_lesson_is_reported_with_its_file(tmp_path, lessons):
    import shutil

    from assistant.errors import KBError
    from assistant.tour.lessons import load_lessons

    shutil.copy(lessons[0].path, tmp_path / lessons[0].path.name)
    text = (tmp_path / lessons[0].path.name).read_text(encoding="utf-8")
    (tmp_path / lessons[0].path.name).write_text(text.replace("      correct: true\n", "", 1), encoding="utf-8")
    with pytest.raises(KBError, match=r"01-pod-network.yaml: a choice quiz needs exactly one correct option"):
        load_lessons(tmp_path)


def test_titles_are_markdown_escaped_outside_code():
    from assistant.tour.render import md_escape

    assert md_escape("{NAME}_SERVICE_HOST, {NAME}_PORT_* <svc> `ingress: [{}]`") == \
        r"{NAME}\_SERVICE\_HOST, {NAME}\_PORT\_\* \<svc\> `ingress: [{}]`"


def test_chinese_soft_breaks_join_without_spaces():
    from assistant.tour.render import prose

    text = "由此得出两点：\n\n- 第一。\n  第二\n- 三，\n  kubelet 让\n每\n个\nService 和"
    assert prose(text, "zh") == "由此得出两点：\n\n- 第一。第二\n- 三，kubelet 让每个\nService 和"
    assert prose("two\nlines", "en") == "two\nlines"
