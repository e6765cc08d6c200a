"""Cross-checks of the lessons against the KB and the real inspector (slow: run by tests and ``--check``).

- every ``kb`` id names an existing KB entry and every rule id exists in ``kb/rules.yaml``;
- the inspector reports each exercise rule for the broken manifest and none of the distractors;
- the lesson's reference fix really is one: re-inspected, the taught rules no longer fire;
- the minimal example has no error and does not show the exercise's own problem;
- typed answers are derived by the inspector (DNS names, env var names), and each reach
  question has a verdict in the reachability matrix.
"""

from __future__ import annotations

from typing import Any

from assistant.tour.checking import normalize
from assistant.tour.inspecting import check_fix, reach_verdict, reported_rules
from assistant.tour.model import Lesson

__all__ = ["audit_lessons"]


def audit_lessons(lessons: list[Lesson], kb: Any = None) -> list[str]:
    """One message per problem (empty: all good)."""
    from assistant.inspection import inspect_text
    from assistant.inspection.catalog import load_catalog

    if kb is None:
        from assistant.knowledge import load_kb

        kb = load_kb()
    catalog = load_catalog()
    problems: list[str] = []
    for lesson in lessons:
        where = lesson.path.name
        problems += [f"{where}: unknown KB entry id {kid!r}" for kid in lesson.kb if kid not in kb.by_id]
        ex = lesson.exercise
        problems += [f"{where}: unknown rule id {rid!r}" for rid in ex.options if rid not in catalog]
        reported = reported_rules(ex.manifest, ex.namespace)
        for rule in ex.rules:
            if rule not in reported:
                problems.append(f"{where}: the exercise manifest does not trigger {rule} (reported: {sorted(reported)})")
        for rid in ex.options:
            if rid not in ex.rules and rid in reported:
                problems.append(f"{where}: distractor {rid} is also reported, so it is not wrong")
        result = check_fix(ex, ex.fix)
        if not result.fixed:
            problems.append(f"{where}: the reference fix does not pass re-inspection ({result.status}: "
                            f"{[f.rule for f in result.still + result.new_errors] or result.missing or result.error})")
        if lesson.example is not None:
            noisy = [f.rule for f in inspect_text(lesson.example.manifest).findings
                     if f.severity == "error" or f.rule in ex.rules]
            if noisy:
                problems.append(f"{where}: the minimal example shows an error or the exercise's problem: {noisy}")
        quiz = lesson.quiz
        if quiz.kind == "text" and quiz.manifest and quiz.normalize in ("dns", "env"):
            report = inspect_text(quiz.manifest)
            if quiz.normalize == "dns":
                derived = {normalize(n, "dns").rstrip(".") for n in report.dns}
            else:
                derived = {v for names in report.env.values() for v in names}
            if normalize(quiz.answer or "", quiz.normalize).rstrip(".") not in derived:
                problems.append(f"{where}: quiz answer {quiz.answer!r} is not what the inspector derives")
        if quiz.kind == "reach" and reach_verdict(quiz) is None:
            problems.append(f"{where}: no reach verdict for {quiz.source} -> {quiz.destination}:{quiz.port}")
    return problems
