"""``podtalk ask`` as a user runs it: the JSON contract, stdin batches, and clean errors."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_podtalk

@pytest.fixture(autouse=True)
def _warm_index(retriever):
    """The session retriever wrote the index cache the subprocesses below read (as a user's second run)."""


KEYS = {"question", "lang", "intent", "abstained", "answer", "sources", "timing_ms"}


def test_ask_json_contract():
    proc = run_podtalk("ask", "what is a headless service", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert KEYS <= data.keys()
    assert data["lang"] == "en" and data["abstained"] is False
    assert data["sources"][0]["topic"] == "headless-service"
    assert len(data["sources"]) >= 3
    for s in data["sources"]:
        assert {"id", "topic", "title", "score", "url"} <= s.keys()
        assert s["url"].startswith("https://")
    assert [s["score"] for s in data["sources"]] == sorted((s["score"] for s in data["sources"]), reverse=True)
    assert {"retrieve", "total"} <= data["timing_ms"].keys()
    assert "clusterIP" in data["answer"]


def test_ask_stdin_jsonl_in_order():
    questions = ["what is a headless service", "NodePort 端口范围", "how do I bake bread"]
    proc = run_podtalk("ask", "-", "--format", "jsonl", input="\n".join(questions) + "\n")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(ln) for ln in proc.stdout.splitlines()]
    assert [d["question"] for d in lines] == questions
    assert lines[1]["lang"] == "zh" and lines[1]["sources"][0]["topic"] == "service-nodeport"
    assert lines[2]["abstained"] is True


def test_ask_text_answers_in_chinese():
    proc = run_podtalk("ask", "什么是无头服务")
    assert proc.returncode == 0
    assert "headless Service" in proc.stdout and "None" in proc.stdout


def test_ask_stdin_empty_is_usage_error():
    proc = run_podtalk("ask", "-", input="")
    assert proc.returncode == 2
    assert "no questions" in proc.stderr and "Traceback" not in proc.stderr


def test_unknown_option_is_usage_error():
    proc = run_podtalk("ask", "x", "--format", "yaml")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_import_cli_loads_no_heavy_modules():
    import subprocess
    import sys

    code = ("import sys, assistant.cli; heavy = [m for m in ('textual', 'torch', 'sentence_transformers', 'faiss', "
            "'jieba', 'transformers') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_index_command_reports_status():
    proc = run_podtalk("index")
    assert proc.returncode == 0, proc.stderr
    assert "entries" in proc.stdout
