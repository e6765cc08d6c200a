"""Reach pictures: DOT for Graphviz, a self-contained HTML page (driven in headless Chromium), and the
chat's Markdown and Rich matrix, all built from real YAML."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from assistant.inspection import inspect_text
from assistant.inspection.chat import reach_matrix, render_markdown
from assistant.inspection.dot import render_dot
from assistant.inspection.html_page import render_html
from assistant.inspection.view import ReachFilter

BUNDLE = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: data}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: web
        env: [{name: CACHE_ADDR, value: "redis.data:6379"}]
        ports: [{containerPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: redis, namespace: data}
spec:
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec: {containers: [{name: redis, image: redis, ports: [{containerPort: 6379}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: data}
spec: {selector: {app: redis}, ports: [{port: 6379}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: data}
spec: {podSelector: {}, policyTypes: [Ingress]}
"""


@pytest.fixture(scope="module")
def report():
    return inspect_text(BUNDLE)


def test_dot_has_namespace_clusters_port_labels_and_the_expected_but_denied_edge(report):
    dot = render_dot(report)
    assert dot.startswith("digraph reach {") and dot.rstrip().endswith("}")
    assert 'label="namespace shop"' in dot and 'label="namespace data"' in dot
    denied = [line for line in dot.splitlines() if "style=dashed" in line and "->" in line]
    assert len(denied) == 1 and "6379/TCP denied" in denied[0] and "env CACHE_ADDR" in denied[0]
    if shutil.which("dot"):  # Graphviz accepts it (installed by .ci/run; not a runtime dependency)
        subprocess.run(["dot", "-Tsvg"], input=dot, text=True, check=True, capture_output=True)


def test_dot_filter_keeps_only_matching_edges(report):
    dot = render_dot(report, ReachFilter.from_options("data/*", None, None, False))
    edges = [line for line in dot.splitlines() if " -> " in line]
    assert edges and all(line.lstrip().startswith(("n0 ->",)) for line in edges)  # only from data/redis
    assert not any("style=dashed" in line for line in edges)  # the denied edge starts in shop


def test_markdown_and_rich_matrix_for_the_chat(report):
    from rich.console import Console

    md = render_markdown(report, lang="en")
    assert "### Warnings" in md and "`service-dependency-blocked`" in md and "| shop → data | 1 |" in md
    assert "### 连通性" in render_markdown(report, lang="zh")
    import io

    out = io.StringIO()
    Console(file=out, force_terminal=True, width=100, color_system="standard").print(reach_matrix(report))
    text = out.getvalue()
    assert "1=data/redis" in text and "2=shop/web" in text
    assert "\x1b[1;31m✗" in text and "\x1b[1;32m✓" in text  # denied cells red, allowed green


def test_html_is_self_contained_and_escapes_manifest_text(report):
    page = render_html(inspect_text(BUNDLE.replace("name: web, namespace", "name: web</script>x, namespace")))
    assert "http://" not in page.replace('href="https://kubernetes.io', "") and "src=" not in page
    assert "</script>x" not in page


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    return subprocess.run([shutil.which("chromium"), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=90)


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is installed by .ci/run")
def test_html_matrix_draws_and_filters_in_headless_chromium(report, tmp_path):
    """The page's script runs in a real browser: the matrix is drawn, a #ns=data&port=6379 preset
    filters it, and a screenshot is kept next to the test's files as an artifact."""
    page = tmp_path / "reach.html"
    page.write_text(render_html(report), encoding="utf-8")
    full = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert 'data-ready="1"' in full.stdout, full.stderr[-2000:]
    assert 'data-from="shop/web" data-to="data/redis"' in full.stdout
    assert 'class="denied"' in full.stdout and 'class="allowed"' in full.stdout
    filtered = _chromium(tmp_path, "--dump-dom", page.as_uri() + "#ns=data&port=6379")
    assert 'data-ready="1"' in filtered.stdout
    assert 'data-cells="1"' in filtered.stdout  # only data/redis -> data/redis on 6379
    assert 'data-from="shop/web"' not in filtered.stdout
    shot = tmp_path / "reach.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1000,700", page.as_uri())
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000
