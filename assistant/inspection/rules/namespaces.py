"""Namespace rules: the pre-NetworkPolicy isolation annotation."""

from __future__ import annotations

from collections.abc import Iterator

from . import Context, Hit, rule

LEGACY_ANNOTATION = "net.beta.kubernetes.io/network-policy"


@rule("namespace-legacy-isolation-annotation")
def legacy_isolation_annotation(context: Context) -> Iterator[Hit]:
    for name, ref in sorted(context.bundle.namespace_objects.items()):
        meta = ref.data.get("metadata")
        annotations = meta.get("annotations") if isinstance(meta, dict) else None
        if isinstance(annotations, dict) and LEGACY_ANNOTATION in annotations:
            value = str(annotations[LEGACY_ANNOTATION])[:80]
            yield Hit(ref.id, ref.line,
                      f"Namespace {name} carries the annotation {LEGACY_ANNOTATION}: {value}, which current "
                      "Kubernetes ignores; it isolates nothing without a NetworkPolicy")
