"""The cause and clue data: every file validates, cites https sources, links existing KB entries and
defined clues, and a broken file is reported with its file name and field."""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from assistant import languages
from assistant.diagnosis.catalog import load_catalog
from assistant.errors import KBError

REPO = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_every_cause_validates_and_links_existing_kb_entries(catalog, kb):
    assert len(catalog.causes) >= 31
    assert catalog.problems(kb) == []
    for cause in catalog.causes:
        assert cause.related, cause.path
        assert all(url.startswith("https://") for url in cause.sources), cause.path


def test_every_cause_references_only_defined_clues(catalog):
    defined = set(catalog.clue_by_id)
    for cause in catalog.causes:
        assert cause.clue_ids() <= defined, (cause.path, cause.clue_ids() - defined)


def test_cause_texts_are_bilingual(catalog):
    for cause in catalog.causes:
        for field in ("title", "summary", "fix"):
            assert CJK.search(cause.text(field, "zh")), (cause.path, field)
        assert CJK.search(cause.check_read("zh")), cause.path
        assert len(cause.symptoms("en")) >= 3 and len(cause.symptoms("zh")) >= 3


def test_every_pasted_output_kind_is_named_in_every_language():
    """A kind of pasted output without a name in some language's ``strings.yaml`` would fail at the
    first paste of it; here it fails at once, naming the language and the kind."""
    from assistant.diagnosis.pasted import KINDS
    from assistant.diagnosis.wording import strings

    for code in languages.codes():
        names = strings(code)["pasted"]
        assert set(names) == set(KINDS), (code, set(names) ^ set(KINDS))
        assert all(isinstance(v, str) and v.strip() for v in names.values()), code


def test_the_engine_owns_the_plan_dns_and_service_causes(catalog):
    ids = {c.id for c in catalog.causes}
    for wanted in ("dns-coredns-loop", "dns-ndots-search-latency", "dns-kubelet-clusterdns-mismatch",
                   "svc-selector-no-match", "svc-hairpin", "svc-etp-local-no-local-endpoint", "svc-source-ip-snat"):
        assert wanted in ids


def test_every_clue_has_patterns_that_compile(catalog):
    for clue in catalog.clues:
        assert clue.patterns, clue.id


@pytest.mark.slow
def test_symptom_phrases_do_not_copy_eval_questions(catalog):
    """No symptom phrase is a near copy (difflib ratio > 0.9 after normalising) of an eval question,
    so the real-question numbers measure matching, not lookup."""
    from assistant.evaluation.overlap import near_copies

    questions = []
    for path in sorted((REPO / "eval").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, list):
            questions += [str(q.get("question", "")) for q in data if isinstance(q, dict)]
    phrases = [phrase for cause in catalog.causes for lang in languages.codes() for phrase in cause.symptoms(lang)]
    assert len(phrases) > 500 and len(questions) > 500
    assert near_copies(phrases, questions) == []


def _copy_kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(REPO / "kb" / "causes", root / "causes")
    shutil.copytree(REPO / "kb" / "clues", root / "clues")
    shutil.copy(REPO / "kb" / "narrowing.yaml", root / "narrowing.yaml")
    return root


def test_a_broken_cause_names_its_file_and_field(tmp_path):
    root = _copy_kb(tmp_path)
    path = root / "causes" / "dns" / "dns-coredns-loop.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["fix"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KBError) as err:
        load_catalog(root)
    assert "dns-coredns-loop.yaml" in str(err.value) and "'fix' is a required property" in str(err.value)


def test_an_undefined_clue_id_is_reported(tmp_path):
    root = _copy_kb(tmp_path)
    path = root / "causes" / "service" / "svc-hairpin.yaml"
    text = path.read_text(encoding="utf-8").replace("rule_in: [", "rule_in: [obs-no-such-clue, ", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KBError) as err:
        load_catalog(root)
    assert "svc-hairpin.yaml" in str(err.value) and "obs-no-such-clue" in str(err.value)


def test_a_pattern_that_does_not_compile_is_reported(tmp_path):
    root = _copy_kb(tmp_path)
    path = root / "clues" / "zz-broken.yaml"
    path.write_text("- id: sig-broken\n  kind: signature\n  label: {en: x, zh: x}\n  patterns: ['(unclosed']\n",
                    encoding="utf-8")
    with pytest.raises(KBError) as err:
        load_catalog(root)
    assert "zz-broken.yaml" in str(err.value) and "sig-broken" in str(err.value)


def test_a_registered_third_language_is_required_by_every_diagnosis_schema(monkeypatch, catalog):
    """The schema files spell out en and zh; a language added to the registry is required wherever en
    is (``knowledge.loader.every_language``), and a cause that lacks it is rejected by name."""
    import re as _re

    from assistant.diagnosis.catalog import _schema, _schema_errors

    row = languages.Language(code="xx", name="Made-up", native_name="Xx", script=_re.compile(r"[\u0400-\u04ff]"),
                             templates="xx", strings="xx")
    monkeypatch.setattr(languages, "LANGUAGES", (*languages.LANGUAGES, row))
    for name in ("cause.schema.json", "clue.schema.json", "narrowing.schema.json"):
        assert '"xx"' in str(_schema(name)).replace("'", '"'), name
    errors = _schema_errors(catalog.causes[0].data, "cause.schema.json")
    assert any("'xx' is a required property" in e for e in errors), errors[:3]
