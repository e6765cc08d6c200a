"""Every registered language (``assistant.languages``) has all the data a language needs: answer and
diagnosis templates (each one the fallback language has), their ``strings.yaml`` with the same keys,
the chat's string catalogue and the inspector's chat words. Adding a registry row without its data
fails here with the list of what is missing, before any user sees a ``KeyError``."""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant import languages

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"


def _missing(code: str) -> list[str]:
    lang, base = languages.get(code), languages.get(languages.DEFAULT)
    out: list[str] = []
    for area in ("answering", "diagnosis"):
        have, want = PACKAGE / area / "templates" / lang.templates, PACKAGE / area / "templates" / base.templates
        out += [f"{area}/templates/{lang.templates}/{p.name}" for p in sorted(want.iterdir())
                if p.is_file() and not (have / p.name).is_file()]
        if (have / "strings.yaml").is_file():
            mine = yaml.safe_load((have / "strings.yaml").read_text(encoding="utf-8"))
            theirs = yaml.safe_load((want / "strings.yaml").read_text(encoding="utf-8"))
            out += [f"{area}/templates/{lang.templates}/strings.yaml: {k}" for k in theirs if k not in mine]
    if not (PACKAGE / "tui" / "strings" / f"{lang.strings}.yaml").is_file():
        out.append(f"tui/strings/{lang.strings}.yaml")
    chat = yaml.safe_load((PACKAGE / "inspection" / "chat_strings.yaml").read_text(encoding="utf-8"))
    if code not in chat:
        out.append(f"inspection/chat_strings.yaml: {code}")
    return out


def test_every_registered_language_has_its_data():
    assert {code: _missing(code) for code in languages.codes()} == {code: [] for code in languages.codes()}


def test_a_language_row_without_data_is_reported(monkeypatch):
    import re

    row = languages.Language(code="xx", name="Made-up", native_name="Xx", script=re.compile(r"[\u0400-\u04ff]"),
                             templates="xx", strings="xx")
    monkeypatch.setattr(languages, "LANGUAGES", (*languages.LANGUAGES, row))
    missing = _missing("xx")
    assert "answering/templates/xx/definition.md.j2" in missing
    assert "diagnosis/templates/xx/strings.yaml" in missing
    assert "tui/strings/xx.yaml" in missing and "inspection/chat_strings.yaml: xx" in missing
