"""The tour's use of the real inspector: confirm a finding, re-inspect a learner's fix, grade reach questions.

Every verdict the tour gives about a manifest comes from :func:`assistant.inspection.inspect_text`
(rules) or its reachability engine, never from a copy of their logic, so the tour cannot teach
something the inspector disagrees with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from assistant.errors import ManifestError
from assistant.tour.model import Exercise, Quiz

__all__ = ["FixResult", "check_fix", "reported_rules", "findings_of", "reach_verdict", "looks_like_manifest"]


@lru_cache(maxsize=128)
def _report(manifest: str, namespace: str):
    from assistant.inspection import inspect_text

    return inspect_text(manifest, namespace=namespace)


def reported_rules(manifest: str, namespace: str = "default") -> frozenset[str]:
    """Rule ids the inspector reports for a manifest (cached: lessons are fixed data)."""
    return frozenset(f.rule for f in _report(manifest, namespace).findings)


def findings_of(manifest: str, namespace: str, rules: tuple[str, ...]) -> list:
    """The inspector's findings for ``rules`` on ``manifest``."""
    return [f for f in _report(manifest, namespace).findings if f.rule in rules]


def looks_like_manifest(text: str) -> bool:
    """A pasted Kubernetes manifest (several lines with ``kind:`` or ``apiVersion:``), not an answer."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return len(lines) >= 3 and any(line.lstrip().startswith(("kind:", "apiVersion:", '"kind"')) for line in lines)


@dataclass(frozen=True)
class FixResult:
    """What re-inspecting a learner's corrected manifest showed."""

    status: str
    """``fixed``; ``still`` (a taught rule still fires); ``missing`` (objects of the exercise were
    deleted rather than fixed); ``broken`` (the edit introduced a new error); ``invalid`` (not a
    readable manifest)."""
    gone: tuple[str, ...] = ()
    """Taught rules that no longer fire."""
    still: tuple = ()
    """Findings of taught rules that still fire."""
    missing: tuple[str, ...] = ()
    new_errors: tuple = ()
    remaining: tuple = field(default=())
    """Every other finding of the fixed manifest (informational)."""
    error: str = ""

    @property
    def fixed(self) -> bool:
        return self.status == "fixed"


def _key(ref) -> str:
    return f"{ref.kind}/{ref.namespace}/{ref.name}"


def check_fix(exercise: Exercise, text: str, rules: tuple[str, ...] | None = None) -> FixResult:
    """Re-inspect ``text`` as the learner's fix of ``exercise``.

    Fixed means: none of ``rules`` (default: the exercise's) fires any more, every object of the
    broken manifest is still there (deleting the Service is not fixing it), and no new error
    appeared.
    """
    from assistant.inspection import inspect_text

    rules = rules or exercise.rules
    try:
        fixed = inspect_text(text, namespace=exercise.namespace)
    except ManifestError as exc:
        return FixResult("invalid", error=str(exc))
    if not fixed.objects:
        parse_errors = tuple(f for f in fixed.findings if f.rule in ("yaml-invalid", "yaml-limit-exceeded"))
        return FixResult("invalid", error=parse_errors[0].message if parse_errors else "no Kubernetes object found")
    before = _report(exercise.manifest, exercise.namespace)
    have = {_key(o) for o in fixed.objects}
    missing = tuple(k for k in (_key(o) for o in before.objects) if k not in have)
    old = {(f.rule, f.object) for f in before.findings}
    new_errors = tuple(f for f in fixed.findings if f.severity == "error" and (f.rule, f.object) not in old
                       and f.rule not in rules)
    still = tuple(f for f in fixed.findings if f.rule in rules)
    gone = tuple(r for r in rules if r not in {f.rule for f in still})
    remaining = tuple(f for f in fixed.findings if f.rule not in rules)
    if still:
        status = "still"
    elif missing:
        status = "missing"
    elif new_errors:
        status = "broken"
    else:
        status = "fixed"
    return FixResult(status, gone, still, missing, new_errors, remaining)


def reach_verdict(quiz: Quiz):
    """The reachability engine's verdict for a reach quiz (``None`` if the pair/port is not in the matrix)."""
    if not quiz.manifest:
        return None
    for verdict in _report(quiz.manifest, "default").reach:
        if verdict.source == quiz.source and verdict.destination == quiz.destination and verdict.port == quiz.port \
                and verdict.protocol == quiz.protocol:
            return verdict
    return None
