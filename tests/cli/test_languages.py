"""``--lang`` accepts exactly the registered languages: a made-up third one is offered with no CLI
change, and an unregistered one is a usage error, not a traceback."""

from __future__ import annotations

import pytest

from assistant.cli import build_parser
from tests.knowledge.test_languages import third_language  # noqa: F401


def test_lang_choices_follow_the_registry(third_language, capsys):  # noqa: F811
    parser = build_parser()
    assert parser.parse_args(["ask", "--lang", "xx", "what is a Service"]).lang == "xx"
    assert parser.parse_args(["topics", "--lang", "xx"]).lang == "xx"


def test_unregistered_language_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["ask", "--lang", "xx", "what is a Service"])
    assert exc.value.code == 2
    assert "invalid choice: 'xx'" in capsys.readouterr().err
