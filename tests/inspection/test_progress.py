"""Progress and cancel hooks of ``inspect_text``: the chat and the CLI draw a bar from them and stop
a long inspection with them."""

from __future__ import annotations

import pytest

from assistant.errors import Cancelled
from assistant.inspection import inspect_text


def _bundle(apps: int = 120, policies: int = 6) -> str:
    docs = []
    for i in range(apps):
        docs.append(f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: app-{i}, labels: {{app: app-{i}}}}}
spec:
  selector: {{matchLabels: {{app: app-{i}}}}}
  template:
    metadata: {{labels: {{app: app-{i}, tier: t{i % 3}}}}}
    spec: {{containers: [{{name: main, image: example/app:1, ports: [{{containerPort: 8080}}]}}]}}
""")
    for i in range(policies):
        docs.append(f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: pol-{i}}}
spec:
  podSelector: {{matchLabels: {{tier: t{i % 3}}}}}
  ingress: [{{from: [{{podSelector: {{matchLabels: {{tier: t{(i + 1) % 3}}}}}}}]}}]
""")
    return "---\n".join(docs)


TEXT = _bundle()


def test_progress_reports_every_stage_in_order_and_ends_each_at_its_total():
    calls: list[tuple[str, int, int]] = []
    report = inspect_text(TEXT, progress=lambda stage, done, total: calls.append((stage, done, total)))
    stages = [stage for stage, _, _ in calls]
    assert [s for i, s in enumerate(stages) if i == 0 or stages[i - 1] != s] == ["parse", "model", "rules", "reach"]
    for stage in ("parse", "model", "rules", "reach"):
        mine = [(done, total) for s, done, total in calls if s == stage]
        assert mine[0][0] == 0 and mine[-1][0] == mine[-1][1] > 0, stage
        assert [d for d, _ in mine] == sorted(d for d, _ in mine), f"{stage} goes backwards"
    parse = [(d, t) for s, d, t in calls if s == "parse"]
    assert parse[-1] == (126, 126)  # one per document
    reach = [(d, t) for s, d, t in calls if s == "reach"]
    assert reach[-1] == (120 * 120, 120 * 120)
    # inside a long stage the bar moves every ~50 pairs, not only at its ends
    assert len(reach) >= 120 * 120 // 50
    assert max(b - a for (a, _), (b, _) in zip(reach, reach[1:])) <= 50
    assert len(report.reach) == 120 * 120


def test_cancel_stops_the_inspection_at_the_next_checkpoint():
    seen: list[str] = []

    def progress(stage: str, done: int, total: int) -> None:
        seen.append(stage)

    with pytest.raises(Cancelled):
        inspect_text(TEXT, progress=progress, cancelled=lambda: "rules" in seen)
    assert "rules" in seen and "reach" not in seen  # stopped right after the rules stage began


def test_cancel_inside_the_reach_stage_stops_it_early():
    reached: list[int] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "reach":
            reached.append(done)

    with pytest.raises(Cancelled):
        inspect_text(TEXT, progress=progress, cancelled=lambda: bool(reached) and reached[-1] >= 1000)
    assert reached[-1] < 1100  # far from the 14,400 pairs


def test_hooks_that_never_cancel_change_nothing():
    plain = inspect_text(TEXT)
    hooked = inspect_text(TEXT, progress=lambda *_: None, cancelled=lambda: False)
    assert plain.to_dict() == hooked.to_dict()
