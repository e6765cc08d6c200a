"""Manifest inspection: what a bundle of Kubernetes manifests creates and what is broken.

``inspect_text`` runs the whole flow (parse under limits -> object model -> rules, DNS/env
explanations, reachability -> :class:`Report`); it is pure, needs no network, and never imports
the UI or the retrieval stack. Unreadable input (too large, binary, not UTF-8) raises
:class:`~assistant.errors.ManifestError`; everything else ends up in the report.

>>> report = inspect_text("apiVersion: v1\\nkind: Service\\nmetadata: {name: web}\\nspec: {ports: [{port: 80}]}\\n")
>>> report.dns
['web.default.svc.cluster.local']
"""

from __future__ import annotations

from collections.abc import Callable

from .checkpoints import Checkpoint
from .explain import explain
from .model import build_bundle
from .operators import operator_workload
from .parse import Limits, parse_manifest
from .report import Report, render_json, render_sarif, render_text
from .rules import Context, run_rules
from .rules.dependencies import expected_connections
from .schema import has_schema
from .chat import reach_matrix, render_markdown
from .dot import render_dot
from .html_page import render_html
from .view import ReachFilter, RowLimits

__all__ = ["inspect_text", "Report", "Limits", "render_text", "render_json", "render_sarif", "render_markdown",
           "reach_matrix", "render_dot", "render_html", "ReachFilter", "RowLimits"]


def inspect_text(text: str | bytes, *, namespace: str = "default", cluster_domain: str = "cluster.local",
                 max_bytes: int | None = None, progress: Callable[[str, int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> Report:
    """Inspect a manifest bundle (multi-document YAML or JSON) and return the report.

    ``progress(stage, done, total)`` is called at the boundaries of the stages ``parse``, ``model``,
    ``rules`` and ``reach`` and every ~50 documents or pairs inside them; when ``cancelled()``
    returns True at one of those checkpoints, :class:`~assistant.errors.Cancelled` is raised.
    """
    checkpoint = Checkpoint(progress, cancelled)
    limits = Limits() if max_bytes is None else Limits(max_bytes=max_bytes)
    parsed = parse_manifest(text, limits, checkpoint=checkpoint)
    documents = len(parsed.documents)
    checkpoint("model", 0, documents)
    bundle = build_bundle(parsed.documents, namespace=namespace or "default", known_kind=has_schema,
                          operator_workload=operator_workload)
    checkpoint("model", documents, documents)
    context = Context(bundle, parsed.problems, cluster_domain)
    findings = run_rules(context, checkpoint=checkpoint)
    explanation = explain(bundle, cluster_domain)
    reach = context.reach.verdicts(checkpoint=checkpoint)
    return Report(
        objects=list(bundle.objects),
        findings=findings,
        dns=explanation.dns,
        cname=explanation.cname,
        env=explanation.env,
        reach=reach,
        reach_notes=list(context.reach.notes),
        skipped=list(bundle.skipped),
        services=explanation.services,
        expected=expected_connections(context) if bundle.services else [],
    )
