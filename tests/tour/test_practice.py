"""``--practice``: exercises built from the inspector's findings on a team's own manifest."""

from __future__ import annotations

import pytest

from assistant.tour.practice import practice_lessons, practice_session

from .test_cli import BROKEN


def test_one_lesson_per_rule_with_real_distractors():
    lessons = practice_lessons(BROKEN, source="team.yaml")
    rules = [lesson.exercise.rule for lesson in lessons]
    assert rules == ["service-target-port-mismatch", "host-network", "hostnetwork-dnspolicy"]
    from assistant.inspection import inspect_text

    reported = {f.rule for f in inspect_text(BROKEN).findings}
    for lesson in lessons:
        distractors = set(lesson.exercise.options) - {lesson.exercise.rule}
        assert len(distractors) == 3 and not distractors & reported
        assert set(lesson.exercise.why_not) == distractors


def test_practice_session_reinspects_the_learners_fix(tmp_path):
    team = tmp_path / "team.yaml"
    team.write_text(BROKEN, encoding="utf-8")
    s = practice_session(team, lang="en", state_path=tmp_path / "p.json")
    assert s.start_or_resume().startswith("**Practice on your own manifest.**")
    s.handle("next")
    assert s.handle("service-target-port-mismatch").startswith("**Correct:**")
    assert s.handle("check").startswith("**Not fixed yet:**")
    text = s.handle(BROKEN.replace("targetPort: 9000", "targetPort: 8080"))
    assert text.startswith("**Now fixed:** `service-target-port-mismatch` no longer fires.")
    assert "host-network" in text  # the other finding is still listed, honestly


def test_a_clean_file_has_nothing_to_practise(tmp_path):
    from assistant.errors import UsageError

    clean = tmp_path / "clean.yaml"
    clean.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: {}\n", encoding="utf-8")
    with pytest.raises(UsageError, match="finds no problem"):
        practice_session(clean, state_path=tmp_path / "p.json")
