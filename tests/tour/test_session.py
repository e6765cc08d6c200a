"""The tour as a conversation: feedback that explains, fixes re-inspected, shuffled letters, navigation, records."""

from __future__ import annotations

import json

from assistant.tour import TourSession

from .conftest import finish_lesson, right_answer, wrong_letter


def test_start_shows_welcome_time_diagram_example_and_first_lesson(session, lessons):
    assert not session.active
    text = session.start_or_resume()
    assert session.active
    assert text.startswith("**Welcome to the podtalk tour.**")
    assert f"**about {sum(lesson.minutes for lesson in lessons)} minutes**" in text
    assert "## Lesson 1/17 · The pod network model and CNI (about 4 min)" in text
    assert "_Builds on the knowledge base: The Kubernetes network model" in text  # the KB entries behind it
    assert "```text\n" in text and "**A minimal correct manifest:**" in text and "```yaml" in text
    assert session.status() == "Tour 1/17: The pod network model and CNI · lesson"


def test_wrong_option_is_explained_then_fix_is_reinspected(session, lessons):
    lesson = lessons[0]
    session.start_or_resume()
    text = session.handle("next")
    assert "### Exercise 1/17" in text and "```yaml" in text
    assert "A container binds" not in text  # options show rule ids, not titles that give the answer away
    assert session.work_file().read_text(encoding="utf-8") == lesson.exercise.manifest

    text = session.handle("host-port")
    assert text.startswith("**Not quite.** `host-port` is not it: `hostPort` maps one container port")
    assert "**Hint:**" not in text
    text = session.handle(wrong_letter(session, lesson, "exercise"))
    assert "**Hint:**" in text  # second wrong answer brings the hint unasked

    text = session.handle(right_answer(session, lesson, "exercise"))
    assert text.startswith("**Correct:** `host-network`.")
    assert "`podtalk inspect` reports:" in text and "Deployment/default/metrics-agent" in text
    assert "**Why:**" in text and "### Fix it" in text and str(session.work_file()) in text
    assert session.step == "fix" and session.wants_manifest

    text = session.handle("check")  # the saved file is still the broken one
    assert text.startswith("**Not fixed yet:**") and "`host-network`" in text
    session.work_file().write_text(lesson.exercise.fix, encoding="utf-8")
    text = session.handle("check")
    assert text.startswith("**Now fixed:** `host-network` no longer fires.")
    assert "### Quiz 1/17" in text and session.step == "quiz"

    text = session.handle(wrong_letter(session, lesson, "quiz"))
    assert text.startswith("**Not quite.** Option") and "is not right: " in text
    wrong = next(o for o in lesson.quiz.options if not o.correct and o.why["en"] in text)
    assert wrong.why["en"]
    text = session.handle(right_answer(session, lesson, "quiz"))
    assert text.startswith("**Correct.**") and "## Lesson 2/17 · Containers in one Pod" in text
    saved = json.loads(session.state_path.read_text(encoding="utf-8"))
    assert saved["results"]["pod-network"] == {"exercise": {"result": "correct", "attempts": 2},
                                                "fix": {"result": "correct", "attempts": 1},
                                                "quiz": {"result": "correct", "attempts": 1}}


def test_fixed_manifest_pasted_mid_exercise_is_never_ignored(session, lessons):
    lesson = lessons[7]  # network-policy
    session.handle("lesson 8")
    session.handle("next")
    text = session.handle(lesson.exercise.manifest)  # the unchanged manifest: still broken, nothing counted
    assert text.startswith("**Not fixed yet:**") and session.step == "exercise" and session.progress.attempts == 0
    text = session.handle(lesson.exercise.fix)
    assert text.startswith("**You fixed it before naming it.**")
    assert "**Now fixed:** `networkpolicy-blocks-dns` no longer fires." in text
    assert session.step == "quiz"
    assert session.progress.results["network-policy"]["fix"]["result"] == "correct"


def test_fix_that_deletes_objects_or_breaks_yaml_is_refused(session, lessons):
    lesson = lessons[3]  # endpoints: Service + Deployment
    session.handle("lesson 4")
    session.handle("next")
    session.handle(lesson.exercise.rule)
    deployment_only = lesson.exercise.manifest.split("---\n", 1)[1]
    text = session.handle(deployment_only)
    assert "instead of fixing it" in text and "`Service/default/api`" in text and session.step == "fix"
    text = session.handle("apiVersion: v1\nkind: Service\nmetadata: [oops\n  name: x\n")
    assert text.startswith("**I could not read that as a manifest:**") and session.step == "fix"
    text = session.handle("skip")
    assert text.startswith("**Skipped.** One fix that works") and "```yaml" in text and session.step == "quiz"
    assert session.progress.results["endpoints-kube-proxy"]["fix"]["result"] == "skipped"


def test_dns_quiz_accepts_every_working_form_and_says_so(session, lessons):
    session.handle("lesson 5")
    session.progress.step = "quiz"
    text = session.handle("ledger")  # resolves in checkout, not in billing
    assert text.startswith("**Not quite.**")
    text = session.handle("ledger.billing.")
    assert "absolute" in text
    text = session.handle("ledger.billing.svc.cluster.local.")
    assert text.startswith("**Correct:** `ledger.billing.svc.cluster.local.` resolves to `ledger.billing.svc.cluster.local`")
    assert "`ledger.billing`, `ledger.billing.svc`" in text


def test_env_quiz_is_case_sensitive_and_says_why(session):
    session.handle("lesson 7")
    session.progress.step = "quiz"
    text = session.handle("order_events_service_host")
    assert text.startswith("**Not quite.**") and "case-sensitive" in text
    assert session.handle("ORDER_EVENTS_SERVICE_HOST").startswith("**Correct:** `ORDER_EVENTS_SERVICE_HOST`.")


def test_reach_quiz_is_graded_by_the_reachability_engine(session, lessons):
    session.handle("lesson 9")
    session.progress.step = "quiz"
    text = session.handle("yes")
    assert text.startswith("**Not quite.**")
    text = session.handle("no")
    assert text.startswith("**Correct: no.** The reachability engine says: denied: storage/minio is ingress-isolated")


def test_options_are_shuffled_per_learner_and_stable_on_resume(state_path, lessons, tmp_path):
    first = TourSession(lang="en", state_path=state_path, lessons=lessons)
    first.start_or_resume()
    orders = [first.option_order(lesson, "exercise") for lesson in lessons]
    first.handle("quit")
    again = TourSession(lang="en", state_path=state_path, lessons=lessons)  # same file: same seed, same letters
    again.start_or_resume()
    assert [again.option_order(lesson, "exercise") for lesson in lessons] == orders
    others = {tuple(tuple(TourSession(lang="en", state_path=tmp_path / f"s{i}.json", lessons=lessons)
                          .option_order(lesson, "exercise")) for lesson in lessons) for i in range(5)}
    assert len(others) > 1


def test_restart_asks_before_erasing(session, lessons):
    session.start_or_resume()
    finish_lesson(session, lessons[0])
    text = session.handle("restart")
    assert text.startswith("**Start over?**") and "1 lesson(s)" in text
    text = session.handle("no thanks")
    assert text.startswith("Nothing erased") and session.index == 1
    session.handle("重置")
    text = session.handle("yes")
    assert text.startswith("**Welcome to the podtalk tour.**") and session.progress.results == {}


def test_menu_back_and_jump(session, lessons):
    session.start_or_resume()
    finish_lesson(session, lessons[0])
    menu = session.handle("menu")
    assert "| 1 | The pod network model and CNI | 4 min | ✓ |" in menu
    assert "← you are here" in menu and "| 17 | Capstone: a broken shop |" in menu
    assert session.handle("back").startswith("### Quiz 1/17")
    assert session.handle("back").startswith("### Fix it")
    assert session.handle("lesson 12").startswith("## Lesson 12/17 · Ingress")
    assert session.handle("lesson 40").startswith("There is no lesson 40")
    assert session.handle("lesson 1") and session.handle("back").startswith("This is the very first step")


def test_lab_block_lists_commands_and_is_never_run(session):
    session.start_or_resume()
    text = session.handle("lab")
    assert text.startswith("### Try it on a cluster (optional)")
    assert "kind create cluster --name podtalk-tour" in text and "podtalk never runs these commands" in text
    assert str(session.work_file()) in text


def test_export_writes_a_completion_record(session, lessons):
    session.start_or_resume()
    finish_lesson(session, lessons[0])
    text = session.handle("export")
    assert text.startswith("**Completion record saved:**")
    record_file = next(session.state_path.parent.glob("tour-record-*.json"))
    record = json.loads(record_file.read_text(encoding="utf-8"))
    assert record["lessons_total"] == 17 and record["lessons_completed"] == 1
    assert record["score"] == {"answered": 3, "right_first_try": 3, "right": 3, "skipped": 0}
    assert record["lessons"][0]["exercise"] == {"result": "correct", "tries": 1}
    assert record["date"] and record_file.with_suffix(".md").read_text(encoding="utf-8").startswith("# podtalk tour")


def test_finishing_every_lesson_shows_the_summary(session, lessons):
    session.start_or_resume()
    for lesson in lessons[:-1]:
        finish_lesson(session, lesson)
    text = finish_lesson(session, lessons[-1])
    assert "## Tour complete" in text and "17 of 17" not in text
    assert "51 of 51 answers right at the first try" in text
    assert session.finished and not session.active  # the chat gets its input back


def test_terminal_wording_never_mentions_the_chat(state_path, lessons):
    plain = TourSession(lang="en", state_path=state_path, lessons=lessons, shell="terminal")
    text = plain.start_or_resume()
    assert "/tour" not in text and "Ask podtalk about" not in text and "podtalk ask" in text
    paused = plain.handle("quit")
    assert "python -m assistant.tour" in paused and "/tour" not in paused
    chat = TourSession(lang="en", state_path=state_path, lessons=lessons)
    chat.start_or_resume()
    assert "**/tour**" in chat.handle("quit")


def test_persistence_and_resume(state_path, lessons):
    first = TourSession(lang="en", state_path=state_path, lessons=lessons)
    first.start_or_resume()
    first.handle("next")
    first.handle("quit")
    second = TourSession(lang="zh", state_path=state_path, lessons=lessons)
    text = second.start_or_resume()
    assert text.startswith("**欢迎回来**。从第 1/17 课（Pod 网络模型与 CNI）的练习继续。")
    assert second.status() == "导览 1/17：Pod 网络模型与 CNI · 练习"


def test_chinese_screens_have_no_stray_spaces_and_bold_renders(state_path, lessons):
    """Every screen of every lesson in Chinese: no space between CJK characters or after CJK punctuation,
    and no literal ``**`` left after Markdown rendering (bold next to CJK punctuation breaks CommonMark)."""
    import re

    from markdown_it import MarkdownIt

    cjk = "\u3400-\u9fff"
    bad = re.compile(rf"[{cjk}] +[{cjk}]|[。，；：！？、] +\S")
    md = MarkdownIt()
    s = TourSession(lang="zh", state_path=state_path, lessons=lessons, shell="terminal")
    screens = [s.start_or_resume(), s.handle("help"), s.handle("menu")]
    for lesson in lessons:
        s.handle(f"lesson {lesson.number}")
        screens += [s.handle("repeat"), s.handle("lab"), s.handle("next"), s.handle("hint")]
        screens.append(s.handle(wrong_letter(s, lesson, "exercise")))
        for rule in lesson.exercise.rules:
            screens.append(s.handle(rule))
        screens.append(s.handle("check"))
        screens.append(s.handle(lesson.exercise.fix))
        if lesson.quiz.kind == "choice":
            screens.append(s.handle(wrong_letter(s, lesson, "quiz")))
        screens.append(s.handle(right_answer(s, lesson, "quiz")))
    for screen in screens:
        prose = re.sub(r"```.*?```|`[^`]*`", "X", screen, flags=re.S)
        assert not bad.search(prose), bad.search(prose).group(0) + " in: " + screen[:300]
        html = re.sub(r"<code>.*?</code>", "", md.render(screen), flags=re.S)
        assert "**" not in html, screen[:300]


def test_invalid_input_is_not_counted(session):
    session.start_or_resume()
    assert session.handle("what?").startswith("This part is for reading")
    session.handle("next")
    assert session.handle("no idea").startswith("Answer with a letter (a-d)")
    assert session.progress.attempts == 0


def test_unreadable_state_file_starts_fresh(state_path, lessons):
    state_path.parent.mkdir(parents=True)
    state_path.write_text("{not json", encoding="utf-8")
    s = TourSession(lang="en", state_path=state_path, lessons=lessons)
    assert s.start_or_resume().startswith("**Welcome to the podtalk tour.**")
