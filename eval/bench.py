#!/usr/bin/env python3
"""podtalk's performance benchmark: what a user feels, measured on this machine.

    .venv/bin/python eval/bench.py            # full run (a few minutes)
    .venv/bin/python eval/bench.py --quick    # fewer runs (about a minute and a half)
    .venv/bin/python eval/bench.py --json     # machine-readable output

It runs outside the test suite and never touches the user's files: everything runs with a temporary
``PODTALK_CACHE`` (the index is built into it once at the start) and a temporary ``PODTALK_STATE``.

Figures (each with median, p95, min-max and N runs):

1. cold one-shot commands, each a fresh subprocess, wall time from spawn to exit, index cached:
   ``podtalk ask`` (English and Chinese questions), ``--help``, ``topics``, ``inspect`` on a small file;
2. warm answers: in-process ``Assistant.ask`` over the eval questions (query-embedding cache cleared
   before every call, so each one pays its encode), ``ask -`` batch (each answer's own ``timing_ms``),
   and the floor: bare query encode + faiss search; the ratio warm/floor says how close to it we are;
   the encoder forward's own floor: its 36 matrix products alone (same shapes and BLAS threads);
3. chat UI: launch to first paint and a usable (mounted and focused) prompt, measured headless with
   Textual's ``App.run_test`` in a child process: from interpreter start (parent's spawn) to the
   prompt having focus; the model keeps loading in the background worker;
4. ``podtalk inspect`` on a generated 1,000-document manifest, and reachability for 200 workloads x
   100 NetworkPolicies (subprocess wall, plus the in-process ``inspect_text`` time);
5. ``podtalk index --rebuild`` of the whole KB, each run into an empty cache (a from-scratch build);
6. peak RSS (``ru_maxrss`` from ``os.wait4`` of the child) of ``podtalk ask`` with the model loaded,
   and of the chat UI once the model has loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PODTALK = str(BIN / "podtalk") if (BIN / "podtalk").exists() else None

COLD_QUESTIONS = [
    ("en", "how does a pod reach a service"),
    ("en", "what is a headless service"),
    ("en", "why can't my pod resolve another namespace's service"),
    ("zh", "两个 pod 之间如何通信"),
    ("zh", "网络策略如何限制入站流量？"),
]

TARGETS = {  # name -> (limit, unit, which statistic); issue 19's targets
    "cold ask [en] (all)": (350, "ms", "median"),
    "cold ask [zh] (all)": (350, "ms", "median"),
    "warm ask in-process [en]": (10, "ms", "median"),
    "warm ask in-process [zh]": (10, "ms", "median"),
    "warm ask in-process p95": (60, "ms", "p95"),
    "ask - batch (per answer)": (30, "ms", "median"),
    "chat: launch -> usable prompt": (500, "ms", "median"),
    "inspect 1,000 docs": (1000, "ms", "median"),
    "reach 200 workloads x 100 policies": (3000, "ms", "median"),
    "in-process inspect_text 34,000-line install manifest": (700, "ms", "median"),
    "index build from scratch (empty cache)": (15000, "ms", "median"),
    "peak RSS: ask (model loaded)": (200, "MB", "max"),
    "peak RSS: chat UI (model loaded)": (700, "MB", "max"),
}


# -- helpers ---------------------------------------------------------------------------------------
def stats(name: str, values: list[float], unit: str = "ms", cpu: list[float] | None = None) -> dict[str, Any]:
    v = sorted(values)
    n = len(v)
    p95 = v[min(n - 1, max(0, int(round(0.95 * n + 0.5)) - 1))] if n else float("nan")  # nearest rank
    row = {"name": name, "unit": unit, "n": n, "median": statistics.median(v) if v else float("nan"),
           "p95": p95, "min": v[0] if v else float("nan"), "max": v[-1] if v else float("nan")}
    if cpu:
        row["cpu_median"] = statistics.median(cpu)
    target = TARGETS.get(name)
    if target:
        limit, _, which = target
        row["target"] = limit
        row["ok"] = bool(v) and row[which] <= limit
    return row


def run_child(cmd: list[str], env: dict[str, str], stdin_text: str | None = None,
              capture: bool = False) -> tuple[float, float, int, str]:
    """Run ``cmd``; return (wall ms, peak RSS MB, exit code, stdout if captured).

    The child's CPU time (user + sys) goes to ``CPU[-1]``: on a busy machine it is the steadier figure."""
    with tempfile.TemporaryFile() as fin, tempfile.TemporaryFile() as fout:
        if stdin_text is not None:
            fin.write(stdin_text.encode())
            fin.seek(0)
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, env=env, stdin=fin if stdin_text is not None else subprocess.DEVNULL,
                             stdout=fout if capture else subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)  # wait4, not wait(): it returns the child's own rusage
        wall = (time.perf_counter() - t0) * 1000
        p.returncode = os.waitstatus_to_exitcode(status)
        fout.seek(0)
        out = fout.read().decode("utf-8", "replace") if capture else ""
    CPU.append((ru.ru_utime + ru.ru_stime) * 1000)
    return wall, ru.ru_maxrss / 1024, p.returncode, out


CPU: list[float] = []


def timed(cmd: list[str], env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU ms of ``runs`` fresh subprocesses."""
    walls, cpus = [], []
    for _ in range(runs):
        walls.append(run_child(cmd, env)[0])
        cpus.append(CPU[-1])
    return walls, cpus


def podtalk_cmd(*args: str) -> list[str]:
    return [PODTALK, *args] if PODTALK else [sys.executable, "-m", "assistant", *args]


def progress(msg: str) -> None:
    print(f"  .. {msg}", file=sys.stderr, flush=True)


# -- generated manifests ---------------------------------------------------------------------------
def _deployment(i: int, ns: str) -> str:
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: app-{i}, namespace: {ns}, labels: {{app: app-{i}, tier: t{i % 5}}}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: app-{i}}}}}
  template:
    metadata: {{labels: {{app: app-{i}, tier: t{i % 5}, team: team{i % 7}}}}}
    spec:
      containers:
        - name: main
          image: registry.example.com/app-{i}:1.{i % 9}.0
          ports: [{{name: http, containerPort: 8080}}, {{name: metrics, containerPort: 9090}}]
          readinessProbe: {{httpGet: {{path: /healthz, port: http}}}}
          resources: {{requests: {{cpu: 50m, memory: 64Mi}}, limits: {{memory: 128Mi}}}}
"""


def _service(i: int, ns: str) -> str:
    return f"""apiVersion: v1
kind: Service
metadata: {{name: app-{i}, namespace: {ns}}}
spec:
  selector: {{app: app-{i}}}
  ports: [{{name: http, port: 80, targetPort: http}}]
"""


def _policy(i: int, ns: str, n_apps: int) -> str:
    return f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: pol-{i}, namespace: {ns}}}
spec:
  podSelector: {{matchLabels: {{tier: t{i % 5}}}}}
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - podSelector: {{matchLabels: {{team: team{i % 7}}}}}
        - namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: ns{(i + 1) % 4}}}}}
          podSelector: {{matchLabels: {{app: app-{(i * 7) % n_apps}}}}}
      ports: [{{port: http}}, {{port: 9090, protocol: TCP}}]
  egress:
    - to: [{{podSelector: {{matchLabels: {{tier: t{(i + 2) % 5}}}}}}}]
      ports: [{{port: 8080}}]
    - ports: [{{port: 53, protocol: UDP}}]
"""


def _configmap(i: int, ns: str) -> str:
    return f"""apiVersion: v1
kind: ConfigMap
metadata: {{name: cfg-{i}, namespace: {ns}}}
data: {{LOG_LEVEL: info, UPSTREAM: "http://app-{i}.{ns}.svc.cluster.local"}}
"""


def manifest_1000() -> str:
    """1,000 documents: 300 Deployments, 300 Services, 300 ConfigMaps, 100 NetworkPolicies, 4 namespaces."""
    docs = []
    for i in range(300):
        ns = f"ns{i % 4}"
        docs += [_deployment(i, ns), _service(i, ns), _configmap(i, ns)]
    docs += [_policy(i, f"ns{i % 4}", 300) for i in range(100)]
    assert len(docs) == 1000
    return "---\n".join(docs)


def manifest_reach() -> str:
    """200 workloads (Deployments) x 100 NetworkPolicies, plus their Services."""
    docs = []
    for i in range(200):
        ns = f"ns{i % 4}"
        docs += [_deployment(i, ns), _service(i, ns)]
    docs += [_policy(i, f"ns{i % 4}", 200) for i in range(100)]
    return "---\n".join(docs)


def manifest_install(lines: int = 34_000) -> str:
    """An operator's install manifest of about ``lines`` lines, shaped like argo-cd's install.yaml
    (34,416 lines): a few CRDs with long OpenAPI schemas make most of the text, then RBAC,
    ConfigMaps, Deployments, a StatefulSet, Services and NetworkPolicies in one namespace."""
    def crd(i: int, fields: int) -> str:
        props = "".join(f"""                  field{j}:
                    description: Field {j} of resource {i}; a long description as generated CRDs carry.
                    type: string
""" for j in range(fields))
        return f"""apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {{name: things{i}.example.io}}
spec:
  group: example.io
  names: {{kind: Thing{i}, plural: things{i}}}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              nested:
                type: object
                properties:
{props}"""
    docs = []
    for i in range(12):
        name = f"app-{i}"
        docs.append(f"""apiVersion: apps/v1
kind: {"StatefulSet" if i == 0 else "Deployment"}
metadata: {{name: {name}, namespace: install}}
spec:
  {"serviceName: " + name if i == 0 else "replicas: 1"}
  selector: {{matchLabels: {{app.kubernetes.io/name: {name}}}}}
  template:
    metadata: {{labels: {{app.kubernetes.io/name: {name}, app.kubernetes.io/part-of: install}}}}
    spec:
      containers:
      - name: main
        image: example/{name}:v1
        args: ["--redis=app-1:6379", "--repo-server=app-2:8081"]
        ports: [{{containerPort: 8080, name: http}}, {{containerPort: 8081, name: grpc}}, {{containerPort: 6379, name: redis}}]
        readinessProbe: {{httpGet: {{path: /healthz, port: http}}}}
""")
        docs.append(f"""apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: install}}
spec:
  {"clusterIP: None" if i == 0 else "type: ClusterIP"}
  selector: {{app.kubernetes.io/name: {name}}}
  ports: [{{name: http, port: 80, targetPort: http}}, {{name: grpc, port: 8081, targetPort: grpc}}, {{name: redis, port: 6379, targetPort: redis}}]
""")
        docs.append(f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {name}, namespace: install}}
spec:
  podSelector: {{matchLabels: {{app.kubernetes.io/name: {name}}}}}
  policyTypes: [Ingress]
  ingress:
  - from: [{{podSelector: {{matchLabels: {{app.kubernetes.io/part-of: install}}}}}}]
    ports: [{{port: 8080}}, {{port: 8081}}, {{port: 6379}}]
""")
        docs.append(f"""apiVersion: v1
kind: ConfigMap
metadata: {{name: {name}-cm, namespace: install}}
data: {{url: "http://{name}.install.svc.cluster.local:80", level: info}}
""")
    body = "---\n".join(docs)
    used = body.count("\n")
    crds, i = [], 0
    while used < lines:
        text = crd(i, 120)
        crds.append(text)
        used += text.count("\n") + 1
        i += 1
    return "---\n".join(crds + docs)


def bench_inspect_install(env: dict[str, str], runs: int, path: Path | None) -> tuple[dict[str, Any], str]:
    """In-process ``inspect_text`` + text rendering of a 34,000-line install manifest (median of runs,
    each in a fresh interpreter after one warm-up call in it)."""
    tmp = Path(tempfile.mkdtemp(prefix="podtalk-bench-install-"))
    target = path or tmp / "install-34k.yaml"
    if path is None:
        target.write_text(manifest_install(), encoding="utf-8")
    code = ("import sys,time,json;from assistant.inspection import inspect_text, render_text;"
            "s=open(sys.argv[1]).read();inspect_text(s[:20000]);x=time.perf_counter();c=time.process_time();"
            "r=inspect_text(s);render_text(r);print(json.dumps({'ms':(time.perf_counter()-x)*1000,"
            "'cpu':(time.process_time()-c)*1000,'lines':s.count(chr(10)),"
            "'findings':len(r.findings),'reach':len(r.reach)}))")
    vals, cpus, info = [], [], {}
    for _ in range(runs):
        p = subprocess.run([sys.executable, "-c", code, str(target)], env=env, capture_output=True, text=True)
        if p.returncode == 0:
            info = json.loads(p.stdout)
            vals.append(info["ms"])
            cpus.append(info["cpu"])
    note = (f"install manifest {target.name}: {info.get('lines', 0):,} lines, {info.get('findings', 0)} findings, "
            f"{info.get('reach', 0)} reach verdicts")
    return stats("in-process inspect_text 34,000-line install manifest", vals, cpu=cpus), note


# -- the measurements ------------------------------------------------------------------------------
CHAT_CHILD = r"""
import asyncio, json, resource, sys, time
t_start = time.perf_counter()
from assistant.tui.app import PodtalkApp
from assistant.tui.widgets import PromptArea
t_import = time.perf_counter()

async def main():
    app = PodtalkApp()
    out = {}
    async with app.run_test(size=(100, 34)) as pilot:
        while not (isinstance(app.focused, PromptArea) and app.focused.is_mounted):
            await asyncio.sleep(0.005)
        out["usable_ms"] = (time.perf_counter() - t_start) * 1000
        out["import_ms"] = (t_import - t_start) * 1000
        print("READY", flush=True)
        deadline = time.perf_counter() + 120
        while not getattr(app, "dense_ready", False) and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        out["dense_ready"] = bool(getattr(app, "dense_ready", False))
        out["model_loaded_ms"] = (time.perf_counter() - t_start) * 1000
        await pilot.press("ctrl+q")
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(out), flush=True)

asyncio.run(main())
"""


def bench_chat(env: dict[str, str], runs: int) -> tuple[list[float], list[float], list[float], list[float]]:
    """(spawn->usable prompt ms, in-child usable ms, rss MB, model-loaded ms) over ``runs``."""
    spawn, inner, rss, loaded = [], [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.Popen([sys.executable, "-c", CHAT_CHILD], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, cwd=REPO, text=True)
        assert p.stdout is not None
        result = None
        for line in p.stdout:
            if line.startswith("READY"):
                spawn.append((time.perf_counter() - t0) * 1000)
            elif line.startswith("RESULT "):
                result = json.loads(line[7:])
        _, _, ru = os.wait4(p.pid, 0)
        p.returncode = 0
        if result:
            inner.append(result["usable_ms"])
            loaded.append(result["model_loaded_ms"])
            rss.append(ru.ru_maxrss / 1024)
    return spawn, inner, rss, loaded


WARM_CHILD = r"""
import json, sys, time
import yaml
from assistant.engine import Assistant
questions = [q["question"] for q in yaml.safe_load(open(sys.argv[1], encoding="utf-8"))]
runs = int(sys.argv[2])
a = Assistant()
r = a.retriever
r.warm_up()
a.ask("warm up: what is a service")
warm, floor, forward, search, products = [], [], [], [], []
enc = r._encoder
index = r._dense_index()
import numpy as np
from assistant.retrieval.numpy_encoder import _padded
from assistant.retrieval.cores import free_cores
from threadpoolctl import threadpool_limits
x_of = {}  # (rows, tokens) -> activations of that shape, made once
for _ in range(runs):
    for q in questions:
        r._query_cache.clear()
        zh = any("\u3400" <= c <= "\u9fff" for c in q)
        t = time.perf_counter()
        a.ask(q)
        warm.append(((time.perf_counter() - t) * 1000, "zh" if zh else "en"))
        dq = r.dense_query(q, "zh" if zh else "en") or q
        t = time.perf_counter()
        vec = enc.encode([dq])
        t1 = time.perf_counter()
        index.search(vec, 10)
        t2 = time.perf_counter()
        floor.append((t2 - t) * 1000)
        forward.append((t1 - t) * 1000)
        search.append((t2 - t1) * 1000)
        # the forward's 36 matrix products alone, same shapes and BLAS threads as that forward
        n = _padded(len(enc.token_ids([dq])[0]), 1)
        x = x_of.setdefault((enc.dim, n), np.ones((enc.dim, n), dtype=np.float32))
        u = x_of.setdefault((4 * enc.dim, n), np.ones((4 * enc.dim, n), dtype=np.float32))
        with threadpool_limits(limits=free_cores(), user_api="blas"):
            t = time.perf_counter()
            for lw in enc.layer_weights:
                lw["q"] @ x; lw["k"] @ x; lw["v"] @ x; lw["out"] @ x; lw["up"] @ x; lw["down"] @ u
            products.append((time.perf_counter() - t) * 1000)
print(json.dumps({"warm": warm, "floor": floor, "forward": forward, "search": search, "products": products,
                  "questions": len(questions)}))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--runs", type=int, help="runs per cold figure (default 7, quick 3)")
    ap.add_argument("--inspect-only", action="store_true",
                    help="only the inspector figures (34,000-line install manifest), no index or model")
    ap.add_argument("--install-manifest", type=Path, help="a real install manifest to time instead of the "
                    "generated 34,000-line one (e.g. argo-cd's manifests/install.yaml)")
    opts = ap.parse_args()
    runs = opts.runs or (3 if opts.quick else 7)
    if opts.inspect_only:
        env = dict(os.environ, NO_COLOR="1")
        row, note = bench_inspect_install(env, runs, opts.install_manifest)
        machine = {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                   "runs": runs, "quick": opts.quick, "loadavg_1m": {"start": round(os.getloadavg()[0], 2), "end": round(os.getloadavg()[0], 2)}}
        if opts.json:
            print(json.dumps({"machine": machine, "rows": [row], "notes": [note]}, indent=2))
        else:
            print_table(machine, [row], [note])
        return 0 if row.get("ok", True) else 1
    warm_runs = 1 if opts.quick else 3
    heavy_runs = 1 if opts.quick else 3

    tmp = Path(tempfile.mkdtemp(prefix="podtalk-bench-"))
    env = dict(os.environ)
    env.update(PODTALK_CACHE=str(tmp / "cache"), PODTALK_STATE=str(tmp / "state"), NO_COLOR="1",
               PYTHONDONTWRITEBYTECODE="0")
    env.pop("PODTALK_DEBUG", None)
    rows: list[dict[str, Any]] = []
    notes: list[str] = []

    progress("building the index into a temporary cache (also index-build run 1)")
    load_start = os.getloadavg()[0]
    build, build_cpu = [], []
    wall, _, rc, _ = run_child(podtalk_cmd("index", "--rebuild"), env)
    if rc != 0:
        print("podtalk index failed; cannot benchmark", file=sys.stderr)
        return 2
    build.append(wall)
    build_cpu.append(CPU[-1])

    # (1) cold one-shot commands
    progress("cold one-shot commands")
    small = REPO / "eval" / "manifests" / "clean-etcd-cluster.yaml"
    run_child(podtalk_cmd("ask", "warm the OS file cache"), env)  # page cache, not our caches
    cold_all: list[float] = []
    ask_rss: list[float] = []
    cold_cpu: list[float] = []
    floor_walls, floor_cpus = timed([sys.executable, "-c", "import numpy, faiss"], env, runs)
    floor_cold = stats("floor: python -c 'import numpy, faiss'", floor_walls, cpu=floor_cpus)
    by_lang: dict[str, tuple[list[float], list[float]]] = {"en": ([], []), "zh": ([], [])}
    for lang, q in COLD_QUESTIONS:
        times, cpus = [], []
        for _ in range(runs):
            wall, rss, rc, _ = run_child(podtalk_cmd("ask", q), env)
            times.append(wall)
            cpus.append(CPU[-1])
            ask_rss.append(rss)
        cold_all += times
        cold_cpu += cpus
        by_lang[lang][0].extend(times)
        by_lang[lang][1].extend(cpus)
        rows.append(stats(f"cold ask [{lang}] {q[:34]}", times, cpu=cpus))
    for lang, (times, cpus) in by_lang.items():
        rows.append(with_floor(stats(f"cold ask [{lang}] (all)", times, cpu=cpus), floor_cold["median"]))
    rows.append(floor_cold)
    for label, args in (("cold --help", ["--help"]), ("cold topics", ["topics"]),
                        ("cold inspect (small file)", ["inspect", str(small), "--fail-on", "never"])):
        walls, cpus = timed(podtalk_cmd(*args), env, runs)
        rows.append(stats(label, walls, cpu=cpus))

    # (2) warm answers
    progress("warm answers (in-process and ask - batch)")
    qfile = REPO / "eval" / "questions.yaml"
    proc = subprocess.run([sys.executable, "-c", WARM_CHILD, str(qfile), str(warm_runs)], env=env, cwd=REPO,
                          capture_output=True, text=True)
    if proc.returncode == 0:
        data = json.loads(proc.stdout.strip().splitlines()[-1])
        all_warm = [ms for ms, _ in data["warm"]]
        warm_row = stats("warm ask in-process", all_warm)
        floor_row = stats("floor: encode + faiss search", data["floor"])
        for lang in ("en", "zh"):
            rows.append(with_floor(stats(f"warm ask in-process [{lang}]", [ms for ms, lg in data["warm"] if lg == lang]),
                                   floor_row["median"]))
        rows.append({**stats("warm ask in-process p95", all_warm), "name": "warm ask in-process p95"})
        rows.append(floor_row)
        products_row = stats("    floor: its 36 matrix products alone", data["products"])
        rows.append(with_floor(stats("  floor: one encoder forward (1 question)", data["forward"]),
                               products_row["median"]))
        rows.append(products_row)
        rows.append(stats("  floor: one faiss search", data["search"]))
        notes.append(f"warm/floor ratio (medians): {warm_row['median'] / floor_row['median']:.2f} "
                     f"over {data['questions']} eval questions x {warm_runs} run(s)")
    else:
        notes.append(f"warm in-process child failed: {proc.stderr.strip().splitlines()[-1:]}")
    import yaml  # noqa: PLC0415 - the bench itself stays light until here

    questions = [q["question"] for q in yaml.safe_load(qfile.read_text(encoding="utf-8"))]
    batch_per, batch_wall = [], []
    for _ in range(warm_runs):
        wall, _, rc, out = run_child(podtalk_cmd("ask", "-", "--format", "jsonl"), env,
                                     stdin_text="\n".join(questions) + "\n", capture=True)
        batch_wall.append(wall)
        batch_per += [json.loads(ln)["timing_ms"]["total"] for ln in out.splitlines() if ln.strip()]
    rows.append(stats("ask - batch (per answer)", batch_per))
    rows.append(stats(f"ask - batch ({len(questions)} questions, wall)", batch_wall))

    # (3) chat UI
    progress("chat UI first paint")
    spawn, inner, chat_rss, loaded = bench_chat(env, runs)
    rows.append(stats("chat: launch -> usable prompt", spawn))
    rows.append(stats("chat: usable prompt (in-child clock)", inner))
    rows.append(stats("chat: launch -> model loaded", loaded))

    # (4) big manifests
    progress("inspect 1,000 documents and reachability 200 x 100")
    big, reach_file = tmp / "big-1000.yaml", tmp / "reach-200x100.yaml"
    big.write_text(manifest_1000(), encoding="utf-8")
    reach_file.write_text(manifest_reach(), encoding="utf-8")
    for label, path in (("inspect 1,000 docs", big), ("reach 200 workloads x 100 policies", reach_file)):
        # the default text report, as a user runs it (stdout to /dev/null)
        walls, cpus = timed(podtalk_cmd("inspect", str(path), "--fail-on", "never"), env, heavy_runs)
        rows.append(stats(label, walls, cpu=cpus))
    code = ("import sys,time,json;from assistant.inspection import inspect_text;"
            "t=sys.argv[1];s=open(t).read();x=time.perf_counter();r=inspect_text(s);"
            "print(json.dumps({'ms':(time.perf_counter()-x)*1000,'reach':len(r.reach)}))")
    for label, path in (("  in-process inspect_text 1,000 docs", big), ("  in-process inspect_text 200x100", reach_file)):
        vals, nreach = [], 0
        for _ in range(heavy_runs):
            p = subprocess.run([sys.executable, "-c", code, str(path)], env=env, capture_output=True, text=True)
            if p.returncode == 0:
                d = json.loads(p.stdout)
                vals.append(d["ms"])
                nreach = d["reach"]
        rows.append(stats(label, vals))
        notes.append(f"{label.strip()}: {nreach} reachability verdicts")

    row, note = bench_inspect_install(env, heavy_runs, opts.install_manifest)
    rows.append(row)
    notes.append(note)

    # (5) index build
    progress("index builds")
    for run in range(heavy_runs - 1 if heavy_runs > 1 else 0):
        # each into an empty cache: the per-text embedding store would otherwise make a rebuild re-encode
        # nothing (the first session's note then reported a 0.6 s "build")
        scratch = dict(env, PODTALK_CACHE=str(tmp / f"cache-build-{run}"))
        build.append(run_child(podtalk_cmd("index", "--rebuild"), scratch)[0])
        build_cpu.append(CPU[-1])
    rows.append(stats("index build from scratch (empty cache)", build, cpu=build_cpu))

    # (6) peak RSS
    rows.append(stats("peak RSS: ask (model loaded)", ask_rss, unit="MB"))
    rows.append(stats("peak RSS: chat UI (model loaded)", chat_rss, unit="MB"))

    import shutil  # noqa: PLC0415

    shutil.rmtree(tmp, ignore_errors=True)
    machine = {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
               "runs": runs, "quick": opts.quick,
               "loadavg_1m": {"start": round(load_start, 2), "end": round(os.getloadavg()[0], 2)}}
    previous = record_history(machine, rows)
    if opts.json:
        print(json.dumps({"machine": machine, "rows": rows, "notes": notes}, indent=2))
    else:
        print_table(machine, rows, notes, previous)
    return 0 if all(r.get("ok", True) for r in rows) else 1


def _fmt(v: float, unit: str) -> str:
    if v != v:
        return "-"
    if unit == "MB":
        return f"{v:.0f}"
    return f"{v:.1f}" if v < 100 else f"{v:.0f}"


HISTORY = REPO / "eval" / "bench-history.jsonl"


def with_floor(row: dict[str, Any], floor_median: float) -> dict[str, Any]:
    """Add the figure's floor and the ratio figure / floor (how far above the floor we are)."""
    if floor_median == floor_median and floor_median > 0:
        row["floor"] = floor_median
        row["ratio"] = row["median"] / floor_median
    return row


def _commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return out.stdout.strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def record_history(machine: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, float]:
    """Append this run's medians to ``eval/bench-history.jsonl`` (one JSON object per run, with the commit)
    and return the previous run's medians, so a slower commit shows in the table."""
    previous: dict[str, float] = {}
    try:
        lines = [ln for ln in HISTORY.read_text(encoding="utf-8").splitlines() if ln.strip()]
        if lines:
            previous = json.loads(lines[-1]).get("medians", {})
    except (OSError, ValueError):
        pass
    entry = {"date": time.strftime("%Y-%m-%dT%H:%M:%S"), "commit": _commit(), "quick": machine["quick"],
             "loadavg_1m": machine["loadavg_1m"], "medians": {r["name"]: round(r["median"], 2) for r in rows}}
    try:
        with HISTORY.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\n")
    except OSError:
        pass
    return previous


def print_table(machine: dict[str, Any], rows: list[dict[str, Any]], notes: list[str],
                previous: dict[str, float] | None = None) -> None:
    print(f"podtalk bench · {machine['cores']} cores · Python {machine['python']} · {machine['platform']}"
          f" · {'quick' if machine['quick'] else 'full'} run · load average {machine['loadavg_1m']['start']}"
          f" -> {machine['loadavg_1m']['end']}")
    previous = previous or {}
    head = (f"{'figure':46} {'unit':>4} {'median':>8} {'p95':>8} {'min-max':>15} {'N':>4} {'cpu':>7} "
            f"{'floor':>7} {'ratio':>6} {'prev':>8}  target")
    print(head)
    print("-" * len(head) + "-------")
    for r in rows:
        unit = r["unit"]
        target = ""
        if "target" in r:
            which = TARGETS[r["name"]][2]
            target = f"{which} <= {r['target']} {'ok' if r['ok'] else 'MISS'}"
        mm = f"{_fmt(r['min'], unit)}-{_fmt(r['max'], unit)}"
        cpu = _fmt(r["cpu_median"], unit) if "cpu_median" in r else ""
        floor = _fmt(r["floor"], unit) if "floor" in r else ""
        ratio = f"{r['ratio']:.2f}" if "ratio" in r else ""
        prev = _fmt(previous[r["name"]], unit) if r["name"] in previous else ""
        print(f"{r['name'][:46]:46} {unit:>4} {_fmt(r['median'], unit):>8} {_fmt(r['p95'], unit):>8} {mm:>15} "
              f"{r['n']:>4} {cpu:>7} {floor:>7} {ratio:>6} {prev:>8}  {target}")
    for n in notes:
        print(f"note: {n}")
    print("wall times; 'cpu' = the child's median user+sys CPU ms (steadier when the machine is busy); "
          "'floor' = the same work's lower bound (interpreter + numpy + faiss import for cold commands; one "
          "encoder forward + one faiss search for warm answers; the forward's own matrix products for the "
          "forward), 'ratio' = median / floor; 'prev' = the "
          "previous run's median from eval/bench-history.jsonl.")
    print("chat timing: headless App.run_test in a child process; 'launch' = parent's spawn to the prompt "
          "mounted and focused.")


if __name__ == "__main__":
    sys.exit(main())
