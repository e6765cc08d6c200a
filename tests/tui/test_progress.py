"""Progress for long operations: the index build reports as it encodes, the chat shows it and a big
inspection's bar, Esc stops an inspection (the inspector itself stops) and the index build (answers
stay lexical, ``/reindex`` resumes), ``podtalk inspect`` draws a bar on a terminal, and ``--version``."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.conftest import run_podtalk
from tests.tui.helpers import wait_until


def test_index_build_reports_progress_and_encodes_the_same(encoder, tmp_path):
    """The build encodes through the embedding store, which reports (done, total) per batch: the
    callback the chat sets as ``retriever.on_build_progress``."""
    from assistant.retrieval.embedding_cache import encode_with_cache

    texts = ["what is a Service", "kube-proxy programs iptables", "CoreDNS answers cluster DNS queries"]
    calls: list[tuple[int, int]] = []
    chunked = encode_with_cache(texts, encoder.encode, tmp_path, "test-model",
                                progress=lambda done, total: calls.append((done, total)), batch=2)
    assert calls == [(0, 3), (2, 3), (3, 3)]
    assert np.allclose(chunked, encoder.encode(texts), atol=1e-5)
    calls.clear()
    encode_with_cache(texts, encoder.encode, tmp_path, "test-model", progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 0)]  # remembered: nothing left to encode


async def test_chat_status_shows_progress_and_clears_it(make_app):
    from assistant.tui.app import Progress

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.post_message(Progress("index", 128, 800))
        await wait_until(pilot, lambda: "128/800" in app.status.render().plain)
        assert "search index" in app.status.render().plain
        app.post_message(Progress("index", 0, 0))
        await wait_until(pilot, lambda: "128/800" not in app.status.render().plain)


def big_bundle(apps: int = 300, policies: int = 100) -> str:
    """A real bundle big enough to take about a second to inspect: Deployments, Services and
    NetworkPolicies in four namespaces (the shape of eval/bench.py's 1,000-document bundle)."""
    docs = []
    for i in range(apps):
        ns = f"ns{i % 4}"
        docs.append(f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: app-{i}, namespace: {ns}}}
spec:
  selector: {{matchLabels: {{app: app-{i}}}}}
  template:
    metadata: {{labels: {{app: app-{i}, tier: t{i % 5}, team: team{i % 7}}}}}
    spec:
      containers: [{{name: main, image: example/app:1, ports: [{{name: http, containerPort: 8080}}]}}]
""")
        docs.append(f"""apiVersion: v1
kind: Service
metadata: {{name: app-{i}, namespace: {ns}}}
spec:
  selector: {{app: app-{i}}}
  ports: [{{name: http, port: 80, targetPort: http}}]
""")
    for i in range(policies):
        docs.append(f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: pol-{i}, namespace: ns{i % 4}}}
spec:
  podSelector: {{matchLabels: {{tier: t{i % 5}}}}}
  policyTypes: [Ingress, Egress]
  ingress:
    - from: [{{podSelector: {{matchLabels: {{team: team{i % 7}}}}}}}]
      ports: [{{port: http}}]
  egress:
    - to: [{{podSelector: {{matchLabels: {{tier: t{(i + 2) % 5}}}}}}}]
      ports: [{{port: 8080}}]
""")
    return "---\n".join(docs)


def _spy_progress(app, press_escape_at: str | None = None) -> list[tuple[str, int, int]]:
    """Record what the real inspector reports to the chat (the calls pass through unchanged); with
    ``press_escape_at``, the user presses Esc once the inspection is that far (a stage name)."""
    from textual import events

    seen: list[tuple[str, int, int]] = []
    real = app.controller.inspect

    def recording(text, cancelled=None, progress=None):
        def report(stage, done, total):
            seen.append((stage, done, total))
            if stage == press_escape_at and done == 0:  # a key, as the terminal would send it
                app.post_message(events.Key("escape", None))
            progress(stage, done, total)
        return real(text, cancelled=cancelled, progress=report)

    app.controller.inspect = recording
    return seen


def _status_lines(app) -> list[str]:
    """Every progress line the status bar shows."""
    lines: list[str] = []
    app.status.watch(app.status, "progress", lambda value: lines.append(value) if value else None)
    return lines


async def test_a_big_inspection_shows_a_bar_and_esc_stops_the_inspector(make_app):
    app = make_app()
    seen = _spy_progress(app, press_escape_at="reach")
    async with app.run_test(size=(120, 30)) as pilot:
        lines = _status_lines(app)
        app.prompt.text = big_bundle()
        await pilot.press("enter")
        await wait_until(pilot, lambda: any(v.markdown_text.startswith("Inspection stopped")
                                            for v in app.query("NoticeView")), what="the stopped notice", timeout=60)
        await wait_until(pilot, lambda: not app.status.progress, what="progress cleared")
        stopped_at = len(seen)
        await pilot.pause(0.5)
        assert len(seen) == stopped_at  # the inspector stopped: it reports nothing more
        stage, done, total = seen[-1]
        assert stage == "reach" and done < total, "it ran to the end"
        assert not app.query("InspectionView") and not app.query("ErrorView")
    bars = [line for line in lines if "█" in line or "░" in line]
    assert bars and all(line.startswith("inspecting · ") and line.endswith("Esc cancels") for line in bars)


async def test_a_big_inspection_left_alone_reports_every_stage_then_the_report(make_app):
    app = make_app()
    seen = _spy_progress(app)
    async with app.run_test(size=(120, 30)) as pilot:
        app.prompt.text = big_bundle(apps=80, policies=30)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.query("InspectionView"), what="the report", timeout=60)
        assert not app.status.progress
    stages = [s for s, _, _ in seen]
    assert [s for i, s in enumerate(stages) if s not in stages[:i]] == ["parse", "model", "rules", "reach", "report"]
    reach = [(done, total) for stage, done, total in seen if stage == "reach"]
    assert reach[-1][0] == reach[-1][1]  # every pair was worked out before the report was written


def test_the_command_line_bar_is_drawn_on_a_terminal_and_erased_before_the_report(tmp_path):
    import io

    from assistant.inspection.command import StageBar, run

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    path = tmp_path / "big.yaml"
    path.write_text(big_bundle(apps=80, policies=30), encoding="utf-8")
    assert StageBar.for_terminal(io.StringIO()) is None  # a pipe or a log gets no bar
    err, out = Terminal(), io.StringIO()
    bar = StageBar.for_terminal(err)
    bar.SHOW_AFTER_S = 0.0  # draw even if this machine inspects it faster than a person would notice
    run(str(path), stdout=out, progress=bar)
    drawn = err.getvalue()
    assert "podtalk: inspecting · parse" in drawn and "podtalk: inspecting · reach" in drawn
    assert drawn.endswith("\r\x1b[K")  # erased: the report starts on a clean line
    assert out.getvalue().startswith("Inspected 190 object(s)") and "\x1b[K" not in out.getvalue()


async def test_esc_stops_the_index_build_answers_stay_lexical_and_reindex_resumes(kb, encoder, retriever, tmp_path,
                                                                                monkeypatch, make_app):
    """A first start whose index build is stopped with Esc: the chat keeps answering lexically and
    says why; ``/reindex`` encodes only the texts the stopped build had not reached."""
    import functools

    from assistant.engine import Assistant
    from assistant.retrieval import embedding_cache
    from assistant.retrieval.corpus import dense_texts
    from assistant.retrieval.retriever import Retriever
    from tests.tui.helpers import ask

    # the store a finished build leaves (every KB text with the session index's vector), less 24 texts;
    # written here because the session cache's store holds whatever KB was encoded last
    texts = [t.text for t in dense_texts(kb)]
    vectors = retriever.data().vectors
    cache = tmp_path / "cache"
    store = embedding_cache._path(cache, retriever._model_id())
    full = {embedding_cache._digest(t): v for t, v in zip(texts, vectors)}
    embedding_cache._write(store, dict(list(full.items())[24:]))  # 24 texts left to encode
    keys = list(full)
    monkeypatch.setenv("PODTALK_CACHE", str(cache))
    monkeypatch.setenv("PODTALK_ENCODER", "numpy")
    # the real encoder, in batches of 4 instead of 128, so the build has somewhere to stop
    monkeypatch.setattr(embedding_cache, "encode_with_cache",
                        functools.partial(embedding_cache.encode_with_cache, batch=4))
    app = make_app(assistant=Assistant(kb, retriever=Retriever(kb, encoder=encoder)))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: "/24 ·" in app.status.progress and "] 0/24" not in app.status.progress,
                         what="the build bar, a batch done", timeout=60)
        assert "Esc stops it" in app.status.progress
        await pilot.press("escape")
        await wait_until(pilot, lambda: "/reindex" in app.status.readiness, what="stopped", timeout=60)
        assert not app.status.progress and not app.dense_ready
        with np.load(store) as data:
            kept = len(data["keys"])
        assert len(keys) - 24 < kept < len(keys)  # what was encoded before Esc is kept, not all of it
        view = await ask(pilot, "what is a headless service")
        assert view.answer["answer"] and "/reindex" in (view.note or "")
        reported: list[str] = []
        app.status.watch(app.status, "progress", lambda value: reported.append(value) if value else None)
        app.prompt.text = "/reindex"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.dense_ready and app.status.ready, what="hybrid again", timeout=120)
    assert reported and f"/{len(keys) - kept}" in reported[0]  # only the rest was encoded


def test_version():
    out = run_podtalk("--version")
    assert out.returncode == 0 and out.stdout.startswith("podtalk ")
