"""`podtalk inspect FILE|-` behaviour: formats, --fail-on, exit codes, unreadable input, colour."""

from __future__ import annotations

import io
import json
import os

import pytest

from assistant.errors import PodtalkError
from assistant.inspection.command import run

GOOD = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n"
WARN = ("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: x}, ports: [{port: 80}]}\n"
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: y, labels: {app: y}}\nspec: {containers: [{name: c, image: i}]}\n")
ERROR = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 80}]}\n"


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def invoke(source, *, stdin=b"", stdout=None, **options):
    """Run the command; a raised PodtalkError stands for what the CLI boundary prints (its exit code, its text)."""
    out, err = stdout or io.StringIO(), io.StringIO()
    try:
        code = run(source, fmt=options.pop("fmt", "text"), fail_on=options.pop("fail_on", "error"),
                   namespace=options.pop("namespace", "default"), cluster_domain="cluster.local",
                   stdin=_Stdin(stdin), stdout=out, **options)
    except PodtalkError as exc:
        code = exc.exit_code
        err.write(f"podtalk: {exc}\n")
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, text: str | bytes, name="m.yaml"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return str(path)


@pytest.mark.parametrize("text, fail_on, code", [
    (GOOD, "error", 0), (WARN, "error", 0), (WARN, "warning", 1), (ERROR, "error", 1),
    (ERROR, "never", 0), (WARN, "info", 1),
])
def test_exit_code_follows_fail_on(tmp_path, text, fail_on, code):
    assert invoke(write(tmp_path, text), fail_on=fail_on)[0] == code


def test_json_and_sarif_formats(tmp_path):
    path = write(tmp_path, WARN)
    code, out, err = invoke(path, fmt="json")
    assert code == 0 and json.loads(out)["findings"][0]["rule"] == "service-selector-no-match" and not err
    code, out, _ = invoke(path, fmt="sarif")
    assert json.loads(out)["version"] == "2.1.0"
    assert json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == path


def test_stdin_dash(tmp_path):
    code, out, _ = invoke("-", stdin=GOOD.encode(), fmt="json", namespace="shop")
    assert code == 0 and json.loads(out)["dns"] == ["web.shop.svc.cluster.local"]


@pytest.mark.parametrize("setup, message", [
    (lambda tmp: str(tmp / "missing.yaml"), "no such file"),
    (lambda tmp: str(tmp), "is a directory"),
])
def test_unreadable_sources_exit_2(tmp_path, setup, message):
    code, out, err = invoke(setup(tmp_path))
    assert code == 2 and message in err and not out and "Traceback" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_exits_2(tmp_path):
    path = write(tmp_path, GOOD)
    os.chmod(path, 0)
    code, _, err = invoke(path)
    assert code == 2 and "cannot read" in err


def test_empty_stdin_exits_2():
    code, _, err = invoke("-", stdin=b"")
    assert code == 2 and "nothing on stdin" in err


@pytest.mark.parametrize("data, message", [
    (bytes(range(256)), "binary"), ("café: ü\n".encode("latin-1"), "not UTF-8"),
])
def test_binary_and_non_utf8_exit_2(tmp_path, data, message):
    code, _, err = invoke(write(tmp_path, data))
    assert code == 2 and message in err


def test_size_limit_named(tmp_path):
    code, _, err = invoke(write(tmp_path, GOOD * 100), max_bytes=1000)
    assert code == 2 and "max_bytes limit of 1,000 bytes" in err
    code, _, err = invoke("-", stdin=(GOOD * 100).encode(), max_bytes=1000)
    assert code == 2 and "max_bytes" in err


def test_bad_options_exit_2(tmp_path):
    assert invoke(write(tmp_path, GOOD), fmt="xml")[0] == 2
    assert invoke(write(tmp_path, GOOD), fail_on="sometimes")[0] == 2


def test_colour_only_on_a_tty_without_no_color(tmp_path, monkeypatch):
    path = write(tmp_path, WARN)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\x1b[" in invoke(path, stdout=_Tty())[1]
    assert "\x1b[" not in invoke(path)[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in invoke(path, stdout=_Tty())[1]
