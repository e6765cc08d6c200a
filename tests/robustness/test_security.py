"""Security: YAML is only ever read with safe loaders; nothing from a manifest or a question is used as
a path or executed; ``ask`` and ``inspect`` work with no network at all."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.robustness.conftest import podtalk, run_all

PACKAGE = REPO / "assistant"
UNSAFE = re.compile(r"unsafe_load|full_load|Loader\s*=\s*yaml\.(Loader|FullLoader|UnsafeLoader|BaseLoader)"
                    r"|yaml\.(Unsafe|Full)Loader|add_constructor|add_multi_constructor|pickle|marshal\.loads"
                    r"|\beval\(|\bexec\(|os\.system|shell\s*=\s*True")
SAFE_LOADER = re.compile(r'^(yaml\.C?SafeLoader|getattr\(yaml, ["\']CSafeLoader["\'], yaml\.SafeLoader\))$')


def _sources():
    return sorted(PACKAGE.rglob("*.py"))


def test_no_unsafe_yaml_or_code_execution_in_the_package():
    hits = [f"{p.relative_to(REPO)}:{n}: {line.strip()}" for p in _sources()
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if UNSAFE.search(line)]
    assert not hits, hits


def test_every_yaml_load_call_uses_a_safe_loader():
    """``yaml.safe_load``/``safe_load_all``/``safe_dump`` are always fine; a bare ``yaml.load`` must name a
    safe loader (the C-accelerated SafeLoader), directly or through a module constant."""
    checked = 0
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {t.id: ast.unparse(node.value) for node in tree.body if isinstance(node, ast.Assign)
                     for t in node.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "yaml"):
                continue
            name = node.func.attr
            assert name not in ("unsafe_load", "unsafe_load_all", "full_load", "full_load_all"), path
            if name in ("load", "load_all", "parse", "compose", "compose_all"):
                loader = [kw.value for kw in node.keywords if kw.arg == "Loader"] or node.args[1:2]
                assert loader, f"{path}:{node.lineno}: yaml.{name} without an explicit Loader"
                text = ast.unparse(loader[0])
                text = constants.get(text, text)
                assert SAFE_LOADER.match(text), f"{path}:{node.lineno}: yaml.{name} with Loader={text}"
                checked += 1
    assert checked >= 1  # the KB loader's yaml.load(..., Loader=CSafeLoader) was seen and accepted


AUDIT = r"""
import json, sys
canary, log, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
seen = []
WATCH = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "pty.spawn",
         "socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request", "http.client.connect")

def hook(event, args):
    if event in WATCH or (event in ("open", "os.listdir", "os.scandir", "shutil.copyfile", "os.remove", "os.rename")
                          and canary in str(args[0] if args else "")):
        seen.append([event, repr(args)[:200]])

sys.addaudithook(hook)
from assistant.cli import main
try:
    code = main(argv)
finally:
    open(log, "w").write(json.dumps(seen))
sys.exit(code)
"""


@pytest.fixture(scope="module")
def audited(retriever, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("audit")
    canary = str(tmp / "canary")
    manifest = tmp / "evil.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n"
        f"  name: ../../{canary}\n  annotations: {{run: '$(touch {canary})', path: '{canary}'}}\n"
        "spec:\n  containers:\n"
        f"  - {{name: c, image: 'file://{canary}', command: ['sh', '-c', 'touch {canary}'],\n"
        f"     volumeMounts: [{{name: v, mountPath: '{canary}'}}]}}\n"
        f"  volumes: [{{name: v, hostPath: {{path: '{canary}'}}}}]\n"
        "---\n"
        f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\ndata: !!python/object/apply:os.system ['touch {canary}']\n"
        "---\n"
        f"apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec: {{type: ExternalName, externalName: '{canary}'}}\n",
        encoding="utf-8")
    question = f"what is `touch {canary}` $(touch {canary}) {canary} ../../{canary} file://{canary} a headless service"

    def job(name, *argv):
        log = tmp / f"{name}.json"
        return {"args": ["-c", AUDIT, canary, str(log), *argv]}, log

    jobs, logs = {}, {}
    for name, argv in {"inspect": ["inspect", str(manifest), "--format", "json"],
                       "ask": ["ask", question, "--format", "json"]}.items():
        jobs[name], logs[name] = job(name, *argv)
    runs = {}
    for name, spec in jobs.items():  # python -c, not -m assistant: the hook must be installed first
        proc = subprocess.run([sys.executable, *spec["args"]], capture_output=True, cwd=REPO, timeout=90)
        runs[name] = proc
    # control: the hook does see opens (the manifest named on the command line is, of course, opened)
    control = tmp / "control.json"
    subprocess.run([sys.executable, "-c", AUDIT, str(manifest), str(control), "inspect", str(manifest)],
                   capture_output=True, cwd=REPO, timeout=90)
    logs["control"] = control
    return canary, runs, {k: json.loads(v.read_text()) for k, v in logs.items()}


def test_the_audit_hook_sees_opens(audited):
    assert any(event == "open" for event, _ in audited[2]["control"])


@pytest.mark.parametrize("name", ["inspect", "ask"])
def test_nothing_from_input_is_opened_executed_or_sent(audited, name):
    canary, runs, logs = audited
    proc = runs[name]
    assert proc.returncode in (0, 1), proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
    assert logs[name] == [], logs[name]  # no open/listdir of input-named paths, no process, no socket
    assert not Path(canary).exists()
    json.loads(proc.stdout)


def _unshare_works() -> bool:
    if not shutil.which("unshare"):
        return False
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


GUARD = """
import socket
def _refuse(*args, **kwargs):
    raise OSError("network access attempted at run time")
socket.socket.connect = socket.socket.connect_ex = _refuse
socket.create_connection = socket.getaddrinfo = _refuse
"""


def test_ask_and_inspect_work_with_networking_blocked(retriever, tmp_path):
    manifest = tmp_path / "m.yaml"
    manifest.write_text("apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
                        "spec: {clusterIP: None, ports: [{port: 80}]}\n", encoding="utf-8")
    if _unshare_works():  # a fresh network namespace: not even loopback is up
        prefix, env = ("unshare", "-n"), {}
    else:  # a sitecustomize that makes every connect fail
        (tmp_path / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
        prefix, env = (), {"PYTHONPATH": str(tmp_path)}
    runs = run_all({
        "ask": {"args": ["ask", "what is a headless service", "--format", "json"], "prefix": prefix, "env": env},
        "ask-zh": {"args": ["ask", "什么是无头服务"], "prefix": prefix, "env": env},
        "inspect": {"args": ["inspect", str(manifest), "--format", "json"], "prefix": prefix, "env": env},
    })
    for run in runs.values():
        assert run.returncode == 0, run.err
        assert "Traceback" not in run.err
    assert json.loads(runs["ask"].out)["sources"][0]["topic"] == "headless-service"
    assert not json.loads(runs["ask"].out).get("degraded")
    assert "web.shop.svc.cluster.local" in json.loads(runs["inspect"].out)["dns"]
    assert "headless" in runs["ask-zh"].out
