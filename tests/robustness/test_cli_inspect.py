"""``podtalk inspect`` end to end (real processes) on every hostile input of issue 10: the right exit
code, one clear line (stderr for refusals, the report for findings), no traceback, and fast.

All processes run at once from one module fixture; each test then checks one case.
"""

from __future__ import annotations

import json

import pytest

from tests.robustness.conftest import assert_clean_failure, run_all

SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n"
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9))
FILES: dict[str, bytes] = {
    "bomb.yaml": BOMB.encode(),
    "deep-flow.yaml": b"[" * 50_000 + b"]" * 50_000,
    "deep-map.yaml": b"a: " + b"{a: " * 50_000 + b"1" + b"}" * 50_000,
    "binary.bin": bytes(range(256)) * 8,
    "latin1.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: café\n".encode("latin-1"),
    "tabs.yaml": b"apiVersion: v1\nkind: Service\nmetadata:\n\tname: web\n",
    "empty-docs.yaml": b"---\n# nothing here\n---\n...\n",
    "empty.yaml": b"",
    "manifest.json": json.dumps({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                                 "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}).encode(),
    "list.yaml": ("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: web}\n"
                  "  spec: {selector: {app: web}, ports: [{port: 80}]}\n").encode(),
    "not-k8s.yaml": b"name: my app\nversion: 3\ndependencies: [a, b]\n",
    "ports-80.yaml": b"apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: 80\n",
    "crd.yaml": ("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n---\n"
                 "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: m}\n---\n"
                 + SERVICE).encode(),
    "dup.yaml": b"apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  name: web2\nspec: {ports: [{port: 80}]}\n",
    "python-tag.yaml": b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: !!python/object/apply:os.system [\"true\"]\n",
    "ok.yaml": SERVICE.encode(),
}
BIG = 60 * 1024 * 1024


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    for name, data in FILES.items():
        (d / name).write_bytes(data)
    with open(d / "big.yaml", "wb") as fh:  # 60 MB without writing 60 MB: the size check comes first
        fh.truncate(BIG)
    (d / "a-directory").mkdir()
    jobs = {name: {"args": ["inspect", str(d / name)]} for name in FILES}
    jobs.update({
        "dup-fail-warning": {"args": ["inspect", str(d / "dup.yaml"), "--fail-on", "warning"]},
        "json-format": {"args": ["inspect", str(d / "manifest.json"), "--format", "json"]},
        "list-json": {"args": ["inspect", str(d / "list.yaml"), "--format", "json"]},
        "crd-json": {"args": ["inspect", str(d / "crd.yaml"), "--format", "json"]},
        "big": {"args": ["inspect", str(d / "big.yaml")]},
        "big-stdin": {"args": ["inspect", "-"], "input": b"# filler line\n" * (BIG // 14)},
        "big-allowed-by-flag": {"args": ["inspect", str(d / "ok.yaml"), "--max-bytes", "64"]},
        "limit-env": {"args": ["inspect", str(d / "ok.yaml")], "env": {"PODTALK_MAX_BYTES": "64"}},
        "limit-env-raised": {"args": ["inspect", str(d / "ok.yaml")], "env": {"PODTALK_MAX_BYTES": "1M"}},
        "limit-env-bad": {"args": ["inspect", str(d / "ok.yaml")], "env": {"PODTALK_MAX_BYTES": "lots"}},
        "limit-flag-bad": {"args": ["inspect", str(d / "ok.yaml"), "--max-bytes", "0"]},
        "missing": {"args": ["inspect", str(d / "no-such.yaml")]},
        "directory": {"args": ["inspect", str(d / "a-directory")]},
        "unreadable": {"args": ["inspect", "/proc/self/mem"]},  # exists, is a file, read() fails (EIO), even as root
        "stdin-empty": {"args": ["inspect", "-"], "input": b""},
        "stdin-devnull": {"args": ["inspect", "-"]},
        "stdin-blank": {"args": ["inspect", "-"], "input": b"\n \n\t\n"},
    })
    return run_all(jobs)


def _report_case(run, code):
    assert run.returncode == code, (run.returncode, run.err, run.out[:500])
    assert "Traceback" not in run.err and "Traceback" not in run.out
    assert run.seconds < 20
    return run.out


def test_alias_bomb_refused_fast_naming_the_limit(runs):
    out = _report_case(runs["bomb.yaml"], 1)
    assert "yaml-limit-exceeded" in out and "alias bomb" in out and "max_alias_nodes" in out


def test_60_mb_file_refused_naming_the_limit_and_how_to_raise_it(runs):
    line = assert_clean_failure(runs["big"])
    assert "max_bytes limit of 10,485,760 bytes" in line and "--max-bytes" in line and "PODTALK_MAX_BYTES" in line
    assert runs["big"].seconds < 20


def test_60_mb_on_stdin_refused_naming_the_limit(runs):
    line = assert_clean_failure(runs["big-stdin"])
    assert "stdin is larger than the max_bytes limit of 10,485,760 bytes" in line


def test_size_limit_is_configurable(runs):
    assert "max_bytes limit of 64 bytes" in assert_clean_failure(runs["big-allowed-by-flag"])
    assert "max_bytes limit of 64 bytes" in assert_clean_failure(runs["limit-env"])
    assert _report_case(runs["limit-env-raised"], 0).startswith("Inspected 1 object(s)")
    assert "PODTALK_MAX_BYTES must be a positive number" in assert_clean_failure(runs["limit-env-bad"])
    assert "--max-bytes must be a positive number" in assert_clean_failure(runs["limit-flag-bad"])


@pytest.mark.parametrize("name", ["deep-flow.yaml", "deep-map.yaml"])
def test_50000_deep_nesting_refused_without_recursion(runs, name):
    out = _report_case(runs[name], 1)
    assert "nesting deeper than the max_depth limit of 100 levels" in out


def test_binary_refused(runs):
    assert "looks binary" in assert_clean_failure(runs["binary.bin"])


def test_non_utf8_refused_with_position(runs):
    assert "not UTF-8 text (byte 0xe9 at line 4)" in assert_clean_failure(runs["latin1.yaml"])


def test_tabs_are_yaml_invalid_with_line_and_hint(runs):
    out = _report_case(runs["tabs.yaml"], 1)
    assert "yaml-invalid" in out and "line 4" in out and "tabs for indentation" in out


@pytest.mark.parametrize("name", ["empty-docs.yaml", "empty.yaml"])
def test_empty_document_and_empty_file_are_clean(runs, name):
    assert _report_case(runs[name], 0).startswith("Inspected 0 object(s): 0 errors")


def test_json_manifest(runs):
    assert "service-selector-no-match" in _report_case(runs["manifest.json"], 0)
    data = json.loads(_report_case(runs["json-format"], 0))
    assert data["objects"] == [{"kind": "Service", "namespace": "default", "name": "web", "line": 1}]
    assert data["dns"] == ["web.default.svc.cluster.local"]


def test_kind_list_is_unpacked(runs):
    data = json.loads(_report_case(runs["list-json"], 0))
    assert [(o["kind"], o["name"], o["line"]) for o in data["objects"]] == [("Service", "web", 5)]


def test_yaml_that_is_not_kubernetes_is_skipped(runs):
    out = _report_case(runs["not-k8s.yaml"], 0)
    assert "Skipped (1)" in out and "not a Kubernetes object" in out


def test_wrong_field_type_is_schema_invalid(runs):
    out = _report_case(runs["ports-80.yaml"], 1)
    assert "schema-invalid" in out and "spec.ports: 80 is not of type 'array'" in out


def test_crds_and_unknown_kinds_are_skipped_not_errors(runs):
    out = _report_case(runs["crd.yaml"], 0)
    assert "Skipped (2)" in out and "custom resource or unknown kind Widget" in out
    data = json.loads(_report_case(runs["crd-json"], 0))
    assert [o["kind"] for o in data["objects"]] == ["Service"]
    assert not [f for f in data["findings"] if f["severity"] == "error"]


def test_duplicate_keys_are_a_warning(runs):
    out = _report_case(runs["dup.yaml"], 0)
    assert "yaml-duplicate-key" in out and "line 5" in out and "Service/default/web2" in out
    _report_case(runs["dup-fail-warning"], 1)


def test_python_tags_construct_nothing(runs):
    out = _report_case(runs["python-tag.yaml"], 1)  # the tagged value is plain data: a list where a map belongs
    assert "Inspected 1 object(s)" in out and "schema-invalid" in out and "ConfigMap/default/x" in out


def test_missing_file(runs):
    assert "no-such.yaml: no such file" in assert_clean_failure(runs["missing"])


def test_directory(runs):
    assert "is a directory" in assert_clean_failure(runs["directory"])


def test_unreadable_file(runs):
    assert "/proc/self/mem: cannot read" in assert_clean_failure(runs["unreadable"])


@pytest.mark.parametrize("name", ["stdin-empty", "stdin-devnull", "stdin-blank"])
def test_dash_with_nothing_on_stdin(runs, name):
    assert "nothing on stdin" in assert_clean_failure(runs[name])


@pytest.mark.parametrize("data", [b"", b"\x00\xff binary \x1b[2J", SERVICE.encode()], ids=["empty", "binary", "manifest"])
def test_chat_with_piped_input_and_no_terminal_is_a_clean_usage_error(data):
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    proc = subprocess.run([sys.executable, "-m", "assistant"], input=data, capture_output=True, timeout=60,
                          cwd=REPO, env=dict(os.environ), start_new_session=True)  # no controlling terminal
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "no terminal available" in lines[0] and "podtalk inspect -" in lines[0]
