"""The tour reads its languages from the registry: a made-up third language is required in every
lesson text, and its learners get its list separator and a session in that language."""

from __future__ import annotations

import shutil

import pytest

from assistant import languages
from assistant.errors import KBError
from assistant.tour.lessons import load_lessons, tour_dir
from assistant.tour.session import TourSession
from tests.knowledge.test_languages import XX, third_language  # noqa: F401


def test_lessons_without_the_third_language_are_rejected(tmp_path, third_language):  # noqa: F811
    first = sorted(tour_dir().glob("*.yaml"))[0]
    shutil.copy(first, tmp_path / first.name)
    with pytest.raises(KBError, match=rf"{first.name}: invalid lesson: .*'xx' is a required property"):
        load_lessons(tmp_path)


def test_session_language_comes_from_the_registry(tmp_path, monkeypatch):
    lessons = load_lessons()  # the real lessons, loaded before the made-up language exists

    def session(lang: str) -> TourSession:
        return TourSession(lang=lang, state_path=tmp_path / "t.json", lessons=lessons)

    assert session("zh-Hans")._rules_md(["a", "b"]) == "`a`、`b`" and session("xx").lang == "en"
    monkeypatch.setattr(languages, "LANGUAGES", (*languages.LANGUAGES, XX))
    assert session("xx_YY.UTF-8").lang == "xx" and session("fr").lang == "en"
    assert session("xx")._rules_md(["a", "b"]) == "`a`; `b`"
