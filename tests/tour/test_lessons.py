"""The lesson data: 17 lessons in order, both languages alike, every exercise, fix and quiz honest.

"Honest" means: the inspector really reports the rules an exercise teaches and none of its
distractors; the reference fix really stops them firing; every wrong option says why it is wrong;
every computed answer is what the inspector (or its reachability engine) derives; every KB id a
lesson builds on exists; and the lesson text does not hand out its own quiz answer.
"""

from __future__ import annotations

import re

import pytest

from assistant.inspection import inspect_text
from assistant.tour import audit_lessons
from assistant.tour.lessons import LANGS

EXPECTED_ORDER = [
    "pod-network", "containers-in-pod", "services", "endpoints-kube-proxy", "dns", "headless-statefulsets",
    "env-discovery", "network-policy", "egress", "namespaces", "external-traffic", "ingress-gateway",
    "gateway-httproute", "service-mesh", "monitoring", "troubleshooting", "capstone",
]


def _ids(lessons):
    return [lesson.id for lesson in lessons]


def test_lessons_in_tour_order(lessons):
    assert _ids(lessons) == EXPECTED_ORDER
    assert [lesson.number for lesson in lessons] == list(range(1, len(EXPECTED_ORDER) + 1))


def test_the_whole_tour_takes_about_an_hour(lessons):
    assert 55 <= sum(lesson.minutes for lesson in lessons) <= 70


def test_audit_finds_no_problem(lessons, kb):
    assert audit_lessons(lessons, kb) == []


def test_audit_catches_a_fix_that_does_not_fix(lessons, kb):
    from dataclasses import replace

    broken = replace(lessons[7], exercise=replace(lessons[7].exercise, fix=lessons[7].exercise.manifest))
    assert any("reference fix does not pass" in p for p in audit_lessons([broken], kb))


@pytest.mark.parametrize("index", range(len(EXPECTED_ORDER)), ids=EXPECTED_ORDER)
def test_exercise_manifest_triggers_its_rules_no_distractor_and_the_fix_clears_them(lessons, index):
    ex = lessons[index].exercise
    reported = {f["rule"] for f in inspect_text(ex.manifest, namespace=ex.namespace).to_dict()["findings"]}
    assert set(ex.rules) <= reported
    assert not (set(ex.options) - set(ex.rules)) & reported, "a distractor is really reported"
    fixed = {f["rule"] for f in inspect_text(ex.fix, namespace=ex.namespace).to_dict()["findings"]}
    assert not set(ex.rules) & fixed


def test_every_distractor_and_wrong_option_is_explained(lessons):
    for lesson in lessons:
        ex = lesson.exercise
        assert set(ex.why_not) == set(ex.options) - set(ex.rules), lesson.id
        for option in lesson.quiz.options:
            assert option.correct or (option.why and all(option.why[lang].strip() for lang in LANGS)), lesson.id


def test_mesh_and_monitoring_are_separate_lessons_and_new_topics_have_one(lessons):
    ids = _ids(lessons)
    assert "service-mesh" in ids and "monitoring" in ids and "mesh-monitoring" not in ids
    for lid in ("egress", "external-traffic", "gateway-httproute", "capstone"):
        assert lid in ids
    route = lessons[ids.index("gateway-httproute")]
    assert "kind: HTTPRoute" in route.example.manifest and "kind: HTTPRoute" in route.exercise.manifest
    assert "externalTrafficPolicy" in lessons[ids.index("external-traffic")].exercise.manifest
    assert "ipBlock" in lessons[ids.index("egress")].exercise.manifest


def test_capstone_bundle_has_several_faults_in_several_namespaces(lessons):
    capstone = lessons[-1]
    assert len(capstone.exercise.rules) >= 5
    namespaces = {o.namespace for o in inspect_text(capstone.exercise.manifest).objects}
    assert len(namespaces) >= 3


def test_every_lesson_shows_a_diagram_and_a_minimal_example_before_the_exercise(lessons):
    for lesson in lessons:
        assert lesson.diagram.count("\n") >= 3, lesson.id
        assert lesson.example is not None and "apiVersion:" in lesson.example.manifest, lesson.id


def test_every_lesson_has_a_lab_block_with_copyable_commands(lessons):
    for lesson in lessons:
        assert lesson.lab is not None, lesson.id
        assert any(c.startswith(("kind create cluster", "minikube start")) for c in lesson.lab.commands), lesson.id
        assert all(c.startswith(("kind ", "minikube ", "kubectl ", "istioctl ", "podtalk ")) for c in lesson.lab.commands), lesson.id


def test_quiz_answers_are_not_printed_in_the_lesson(lessons):
    """A typed answer must be derived, not copied from the lesson text (review B2)."""
    from assistant.tour.render import expand_kb_quotes

    for lesson in lessons:
        quiz = lesson.quiz
        if quiz.kind != "text":
            continue
        text = " ".join(expand_kb_quotes(lesson.explanation[lang], lang) for lang in LANGS)
        text += " " + lesson.example.manifest + " " + lesson.diagram
        answer = (quiz.answer or "").rstrip(".")
        assert answer.lower() not in text.lower(), lesson.id
        assert answer.split(".")[0].lower() not in re.findall(r"[a-z0-9_-]+", text.lower()), lesson.id


def test_right_option_is_not_usually_the_longest(lessons):
    quizzes = [lesson.quiz for lesson in lessons if lesson.quiz.kind == "choice"]
    longest = 0
    for quiz in quizzes:
        lengths = [len(o.text["en"]) for o in quiz.options]
        right = lengths[quiz.answer_index]
        longest += right == max(lengths) and lengths.count(right) == 1
    assert longest <= len(quizzes) // 3


def test_quiz_kinds_cover_choice_dns_env_and_reach(lessons):
    kinds = {(lesson.quiz.kind, lesson.quiz.normalize) for lesson in lessons}
    assert {("text", "dns"), ("text", "env")} <= kinds
    assert sum(1 for lesson in lessons if lesson.quiz.kind == "reach") >= 2
    reach_answers = set()
    from assistant.tour.inspecting import reach_verdict

    for lesson in lessons:
        if lesson.quiz.kind == "reach":
            reach_answers.add(reach_verdict(lesson.quiz).allowed)
    assert reach_answers == {True, False}, "reach questions should not always have the same answer"


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


def _texts(lesson):
    yield "title", lesson.title
    yield "explanation", lesson.explanation
    for name in ("prompt", "hint", "explain", "fix_hint"):
        yield f"exercise.{name}", getattr(lesson.exercise, name)
    for rid, text in lesson.exercise.why_not.items():
        yield f"exercise.why_not.{rid}", text
    for name in ("question", "hint", "explain"):
        yield f"quiz.{name}", getattr(lesson.quiz, name)
    for i, option in enumerate(lesson.quiz.options):
        yield f"quiz.options[{i}]", option.text
        if option.why:
            yield f"quiz.options[{i}].why", option.why
    yield "example.caption", lesson.example.caption
    yield "lab.intro", lesson.lab.intro


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
        assert 90 <= len(own_words) <= 210, f"{lesson.id}: {len(own_words)} words"
        assert 200 <= len(lesson.explanation["zh"]) <= 900, lesson.id


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


def test_a_distractor_without_explanation_is_refused(tmp_path, lessons):
    import shutil

    from assistant.errors import KBError
    from assistant.tour.lessons import load_lessons

    target = tmp_path / lessons[0].path.name
    shutil.copy(lessons[0].path, target)
    text = target.read_text(encoding="utf-8")
    target.write_text(re.sub(r"\n    host-port:\n      en: .*\n      zh: .*", "", text), encoding="utf-8")
    with pytest.raises(KBError, match=r"why_not must explain every distractor; missing \['host-port'\]"):
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


def test_tidy_zh_removes_stray_spaces_but_not_code_or_latin_spacing():
    from assistant.tour.render import tidy_zh

    assert tidy_zh("而且大多数 网络插件") == "而且大多数网络插件"
    assert tidy_zh("所以建议很简单： 优先使用 DNS") == "所以建议很简单：优先使用 DNS"
    assert tidy_zh("本节点的所有 Pod。 真正把") == "本节点的所有 Pod。真正把"
    assert tidy_zh("8000 上 没有程序监听") == "8000 上没有程序监听"
    assert tidy_zh("```yaml\na:  b 。 c\n```") == "```yaml\na:  b 。 c\n```"
    assert tidy_zh("用 `a 。 b` 测试") == "用 `a 。 b` 测试"


def test_every_lesson_names_its_sources_and_the_docs_version_it_was_checked_against(lessons):
    for lesson in lessons:
        assert lesson.sources and all(u.startswith("https://") for u in lesson.sources), lesson.id
        assert lesson.verified and lesson.verified["kubernetes"] == "1.37", lesson.id


def test_lessons_with_a_service_show_the_dns_service_endpointslice_pod_chain(lessons):
    """The chain is computed by the inspector from the lesson's example, so it cannot drift from the YAML."""
    from assistant.tour.render import service_chain

    chains = {lesson.id: service_chain(lesson.example.manifest) for lesson in lessons}
    assert sum(1 for c in chains.values() if c) >= 8
    api = chains["endpoints-kube-proxy"]
    assert "DNS            api.default.svc.cluster.local" in api
    assert "Service        default/api (ClusterIP)  port 80/TCP -> targetPort 8080" in api
    assert "EndpointSlice  kubernetes.io/service-name=api" in api and "Pods           default/api" in api
    assert "(headless)" in chains["headless-statefulsets"] and "per-Pod names" in chains["headless-statefulsets"]
    assert "targetPort http = 8080" in chains["troubleshooting"] and "(headless)" not in chains["troubleshooting"]
