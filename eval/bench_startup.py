"""Start-up of the chat with a long history: time to first paint and to a usable prompt.

A benchmark, not a test (speed is never asserted in tests). It fills a fresh state directory with
``--turns`` stored turns (questions and real-looking answers with sources, an inspection every 20
turns), then starts the chat ``--runs`` times, each in a new Python process as a user would, headless
at 100x40, and reports per run:

- ``paint_ms``: process start of the app object to Textual's first paint (``on_ready``);
- ``prompt_ms``: to the prompt having focus with the conversation's last page mounted;
- ``import_ms``: importing ``assistant.tui.app`` (before the app object exists).

The core (model, indexes) loads in a worker and is not waited for: the point is that the prompt is
usable at once. Run: ``PYTHONPATH=. python eval/bench_startup.py --turns 1000 --runs 5``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import asyncio, json, sys, time
t0 = time.perf_counter()
from assistant.tui.app import PodtalkApp
t_import = time.perf_counter()

async def main():
    app = PodtalkApp()
    start = time.perf_counter()
    async with app.run_test(size=(100, 40)) as pilot:
        while app.first_paint_ms is None or app.focused is not app.prompt or not app.conversation.children:
            await asyncio.sleep(0.005)
        prompt_ms = (time.perf_counter() - start) * 1000
        mounted = len(app.conversation.children)
        print(json.dumps({"import_ms": (t_import - t0) * 1000, "paint_ms": app.first_paint_ms,
                          "prompt_ms": prompt_ms, "mounted": mounted,
                          "stored": app.store.count_turns()}), flush=True)
        app.exit()

asyncio.run(main())
"""


MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: example/api:1, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 9090}]
"""
"""The manifest of every stored inspection (its report is inspected again when the turn is shown)."""


def fill(state: Path, turns: int) -> None:
    from assistant.tui.store import Store, Turn

    report = {"objects": [{"kind": "Service", "namespace": "shop", "name": "api", "line": 1}],
              "findings": [{"rule": "service-target-port-mismatch", "severity": "error", "object": "Service/shop/api",
                            "line": 1, "message": "targetPort 9090 matches no container port",
                            "hint": "Set targetPort to a containerPort", "doc": "https://kubernetes.io/docs/"}],
              "dns": ["api.shop.svc.cluster.local"], "cname": {}, "env": {}, "reach": [], "skipped": []}
    answer_md = ("**Headless Service vs normal ClusterIP Service**\n\nA normal Service has one virtual IP that "
                 "kube-proxy load-balances to ready Pods. " * 3 + "\n\n```yaml\nspec:\n  clusterIP: None\n```\n\n"
                 "Related: Headless Service (clusterIP None) (`headless-service`) · ClusterIP Service "
                 "(`service-clusterip`)\n")
    store = Store.load(state)
    for i in range(turns // 2):
        if i % 10 == 9:
            shown = store.add_turn(Turn(role="manifest", text="manifest: 16 lines, 2 object(s)", manifest=MANIFEST))
            store.add_turn(Turn(role="inspection", report=report, reply_to=shown.id))
            continue
        asked = store.add_turn(Turn(role="question", text=f"question {i}: what is a headless service"))
        store.add_turn(Turn(role="answer", text=answer_md, reply_to=asked.id, answer={
            "question": f"question {i}", "lang": "en", "answer": answer_md, "abstained": False,
            "sources": [{"id": "headless-service", "title": "Headless Service", "score": 0.9,
                         "url": "https://kubernetes.io/docs/concepts/services-networking/service/"}] * 5}))
    store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--state", help="use (and keep) this state directory")
    args = parser.parse_args()
    state = Path(args.state) if args.state else Path(tempfile.mkdtemp(prefix="podtalk-bench-"))
    if not (state / "podtalk.db").exists():
        fill(state, args.turns)
    env = {**os.environ, "PODTALK_STATE": str(state), "PYTHONPATH": str(REPO)}
    results = []
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, "-c", CHILD], cwd=REPO, env=env, capture_output=True, text=True,
                             timeout=300)
        line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
        if not line:
            print(out.stderr[-2000:], file=sys.stderr)
            return 1
        results.append(json.loads(line[-1]))
    for key in ("import_ms", "paint_ms", "prompt_ms"):
        values = [r[key] for r in results]
        print(f"{key:10s} median {statistics.median(values):7.0f}  min {min(values):7.0f}  max {max(values):7.0f}")
    print(f"stored turns {results[0]['stored']}, mounted at start {results[0]['mounted']}, runs {len(results)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
