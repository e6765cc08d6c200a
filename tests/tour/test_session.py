"""The tour as a conversation: walking lessons via handle(), feedback, persistence, reset."""

from __future__ import annotations

import json

from assistant.tour import TourSession

from .conftest import right_answer


def test_start_shows_welcome_and_first_lesson(session):
    assert not session.active
    text = session.start_or_resume()
    assert session.active
    assert text.startswith("**Welcome to the podtalk tour.**")
    assert "## Lesson 1/12 · The pod network model and CNI" in text
    assert "> **The Kubernetes network model" in text  # the quoted KB summary
    assert session.status() == "Tour 1/12: The pod network model and CNI · lesson"


def test_full_lesson_walkthrough(session, lessons):
    session.start_or_resume()
    lesson = lessons[0]
    text = session.handle("next")
    assert "### Exercise 1/12" in text and "```yaml" in text and "**b)** `host-network`" in text
    assert session.status() == "Tour 1/12: The pod network model and CNI · exercise"

    text = session.handle("a")  # host-port: a distractor
    assert text.startswith("**Not quite.** `host-port`")
    assert "**Hint:**" not in text
    text = session.handle("host-port")
    assert "**Hint:**" in text  # second wrong answer brings the hint unasked

    text = session.handle("host-network")
    assert text.startswith("**Correct:** `host-network`.")
    assert "`podtalk inspect` reports:" in text and "Deployment/default/metrics-agent" in text
    assert "**Why:**" in text and "### Quiz 1/12" in text
    assert session.status().endswith("· quiz")

    assert session.handle("hint").startswith("**Hint:**")
    assert session.handle("next").startswith("Answer the question first")
    assert "**Not quite.** Option **a)**" in session.handle("a")
    text = session.handle(right_answer(lesson, "quiz"))
    assert text.startswith("**Correct.**") and "CNI plugin" in text
    assert "## Lesson 2/12 · Containers in one Pod" in text
    assert session.status() == "Tour 2/12: Containers in one Pod · lesson"
    saved = json.loads(session.state_path.read_text(encoding="utf-8"))
    assert saved["results"]["pod-network"] == {"exercise": {"result": "correct", "attempts": 2},
                                                "quiz": {"result": "correct", "attempts": 1}}


def test_invalid_input_is_not_counted(session):
    session.start_or_resume()
    assert session.handle("what?").startswith("This part is for reading")
    session.handle("next")
    assert session.handle("no idea").startswith("Answer with a letter (a-d)")
    assert session.progress.attempts == 0


def test_skip_reveals_the_answer_and_moves_on(session, lessons):
    session.start_or_resume()
    session.handle("skip")  # explanation -> exercise
    text = session.handle("skip")
    assert text.startswith("**Skipped.** The answer was `host-network`.")
    text = session.handle("skip")
    assert text.startswith("**Skipped.** The answer was **b)** the CNI plugin")
    assert session.status().startswith("Tour 2/12")


def test_whole_tour_in_both_languages_ends_with_summary(tmp_path, lessons):
    for lang in ("en", "zh"):
        s = TourSession(lang=lang, state_path=tmp_path / f"{lang}.json", lessons=lessons)
        s.start_or_resume()
        for i, lesson in enumerate(lessons):
            assert s.status().startswith(("Tour", "导览")[lang == "zh"] + f" {i + 1}/12")
            s.handle("next")
            s.handle(right_answer(lesson, "exercise"))
            if i == 3:
                s.handle("skip")
                last = None
                continue
            last = s.handle(right_answer(lesson, "quiz"))
        assert not s.active and s.finished
        head = "## Tour complete" if lang == "en" else "## 导览完成"
        assert head in last
        assert ("23 of 24" if lang == "en" else "24 道题中答对 23 道") in last
        assert s.status() == ("Tour complete: 12/12 lessons" if lang == "en" else "导览已完成：12/12 课")
        # coming back shows the summary again and offers a restart
        again = TourSession(lang=lang, state_path=tmp_path / f"{lang}.json", lessons=lessons)
        text = again.start_or_resume()
        assert head in text and again.active
        assert "restart" in text
        assert "## " in again.handle("restart") and again.status().startswith(("Tour", "导览")[lang == "zh"] + " 1/12")


def test_chinese_session_speaks_chinese(tmp_path, lessons):
    s = TourSession(lang="zh", state_path=tmp_path / "t.json", lessons=lessons)
    text = s.start_or_resume()
    assert text.startswith("**欢迎参加 podtalk 导览。**")
    assert "## 第 1/12 课 · Pod 网络模型与 CNI" in text
    assert s.status() == "导览 1/12：Pod 网络模型与 CNI · 讲解"
    text = s.handle("下一步")
    assert "### 练习 1/12" in text and "Pod 使用节点的网络命名空间" in text
    assert s.handle("a").startswith("**不对。**")
    assert s.handle("提示").startswith("**提示：**")
    text = s.handle("b")
    assert text.startswith("**回答正确：** `host-network`。") and "**解析：**" in text
    assert s.status() == "导览 1/12：Pod 网络模型与 CNI · 测验"
    assert "导览已暂停" in s.handle("退出") and not s.active


def test_progress_survives_a_restart(state_path, lessons):
    first = TourSession(lang="en", state_path=state_path, lessons=lessons)
    first.start_or_resume()
    for answer in ("next", "b", "b", "next", "c"):  # lesson 1 done, lesson 2 exercise done
        first.handle(answer)
    assert first.status() == "Tour 2/12: Containers in one Pod · quiz"
    assert "Tour paused" in first.handle("quit") and not first.active

    second = TourSession(lang="zh", state_path=state_path, lessons=lessons)  # a new process, another language
    assert second.status() == "导览 2/12：同一 Pod 中的容器 · 测验"
    text = second.start_or_resume()
    assert text.startswith("**欢迎回来。** 从第 2/12 课")
    assert "### 测验 2/12" in text
    assert second.handle("b").startswith("**回答正确。**")
    assert TourSession(lang="en", state_path=state_path, lessons=lessons).status() == "Tour 3/12: Services and their types · lesson"


def test_reset_forgets_progress(state_path, lessons):
    s = TourSession(lang="en", state_path=state_path, lessons=lessons)
    s.start_or_resume()
    s.handle("next")
    s.handle("b")
    s.reset()
    assert s.status() == "Tour 1/12: The pod network model and CNI · lesson"
    fresh = TourSession(lang="en", state_path=state_path, lessons=lessons)
    assert fresh.progress.results == {}
    assert fresh.start_or_resume().startswith("**Welcome to the podtalk tour.**")


def test_state_file_is_written_atomically(state_path, session):
    session.start_or_resume()
    session.handle("next")
    data = json.loads(state_path.read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["lesson"] == "pod-network" and data["step"] == "exercise"
    assert sorted(p.name for p in state_path.parent.iterdir()) == ["tour.json"]  # no temp files left


def test_default_state_path_is_in_the_state_dir(monkeypatch, tmp_path, lessons):
    monkeypatch.setenv("PODTALK_STATE", str(tmp_path / "st"))
    s = TourSession(lessons=lessons)
    s.start_or_resume()
    assert (tmp_path / "st" / "tour.json").is_file()


def test_corrupt_or_stale_state_starts_over(state_path, lessons):
    state_path.parent.mkdir(parents=True)
    state_path.write_text("{not json", encoding="utf-8")
    s = TourSession(lang="en", state_path=state_path, lessons=lessons)
    assert s.start_or_resume().startswith("**Welcome")
    state_path.write_text(json.dumps({"version": 1, "lesson": "gone-lesson", "step": "quiz"}), encoding="utf-8")
    s = TourSession(lang="en", state_path=state_path, lessons=lessons)
    assert s.status() == "Tour 1/12: The pod network model and CNI · lesson"


def test_other_commands(session):
    session.start_or_resume()
    assert "**Tour commands:**" in session.handle("help")
    assert session.handle("status") == "**Where you are:** Tour 1/12: The pod network model and CNI · lesson"
    assert session.handle("repeat").startswith("## Lesson 1/12")
    assert session.handle("/tour").startswith("## Lesson 1/12")


def test_naming_another_real_finding_gets_honest_feedback(session, lessons):
    # Lesson 5's manifest also triggers host-network (lesson 1's rule); the question asks about DNS.
    session.state_path.parent.mkdir(parents=True)
    session.state_path.write_text(json.dumps({"version": 1, "lesson": "dns", "step": "exercise"}), encoding="utf-8")
    assert "### Exercise 5/12" in session.start_or_resume()
    text = session.handle("host-network")
    assert text.startswith("**Close, but not the one asked about.**")
    assert session.progress.attempts == 0
    assert session.handle("hostnetwork-dnspolicy").startswith("**Correct:** `hostnetwork-dnspolicy`.")
