"""KB validation reports broken entries with the file name, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from assistant.errors import KBError
from assistant.knowledge import TOPIC_IDS, load_kb

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "kb" / "entries" / "headless-service" / "headless-service.yaml"


def _kb_with(tmp_path: Path, data: dict, folder: str | None = None, name: str | None = None) -> Path:
    folder = folder or data.get("topic", "headless-service")
    d = tmp_path / "entries" / folder
    d.mkdir(parents=True, exist_ok=True)
    (d / f"{name or data.get('id', 'x')}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


def _reference() -> dict:
    return yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))


def test_valid_entry_loads(tmp_path):
    kb = load_kb(_kb_with(tmp_path, _reference()))
    assert [e.id for e in kb.entries] == ["headless-service"]


def test_missing_field_names_file_and_field(tmp_path):
    data = _reference()
    del data["summary"]
    with pytest.raises(KBError, match=r"headless-service\.yaml.*summary"):
        load_kb(_kb_with(tmp_path, data))


def test_missing_language_is_an_error(tmp_path):
    data = _reference()
    del data["title"]["zh"]
    with pytest.raises(KBError, match=r"title.*'zh' is a required property"):
        load_kb(_kb_with(tmp_path, data))


def test_unknown_topic(tmp_path):
    data = _reference()
    data["topic"] = "storage"
    with pytest.raises(KBError, match="unknown topic id 'storage'"):
        load_kb(_kb_with(tmp_path, data, folder="storage"))


def test_duplicate_id_names_both_files(tmp_path):
    data = _reference()
    _kb_with(tmp_path, data)
    other = tmp_path / "entries" / "dns"
    other.mkdir(parents=True)
    shutil.copy(tmp_path / "entries" / "headless-service" / "headless-service.yaml", other / "headless-service.yaml")
    (other / "headless-service.yaml").write_text(
        (other / "headless-service.yaml").read_text().replace("topic: headless-service", "topic: dns"))
    with pytest.raises(KBError, match="duplicate entry id 'headless-service'"):
        load_kb(tmp_path)


def test_malformed_yaml_names_file(tmp_path):
    d = tmp_path / "entries" / "dns"
    d.mkdir(parents=True)
    (d / "broken.yaml").write_text("id: broken\ntitle: {en: [unclosed\n")
    with pytest.raises(KBError, match=r"broken\.yaml: cannot read entry"):
        load_kb(tmp_path)


def test_cli_reports_kb_error_without_traceback(tmp_path):
    from tests.conftest import run_podtalk

    data = _reference()
    data["topic"] = "storage"
    root = _kb_with(tmp_path, data, folder="storage")
    proc = run_podtalk("topics", env={"PODTALK_KB": str(root)})
    assert proc.returncode == 2
    assert "unknown topic id 'storage'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_topic_ids_match_contract():
    assert len(TOPIC_IDS) == 22 and len(set(TOPIC_IDS)) == 22
