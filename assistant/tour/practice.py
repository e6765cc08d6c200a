"""``podtalk tour --practice FILE``: the tour's exercises built from a team's own manifest.

Each distinct rule ``podtalk inspect`` reports becomes a lesson: what the rule means (from
``kb/rules.yaml``), an exercise (name the rule among plausible distractors, then fix the file:
re-inspected like any tour exercise) and a quiz (which object is at fault, or, when the manifest
has NetworkPolicies, "can X reach Y?" graded by the reachability engine). Nothing is invented:
the answers all come from the inspector's report on the learner's file.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from assistant import languages
from assistant.errors import ManifestError, UsageError
from assistant.tour.model import Choice, Exercise, Lesson, Quiz
from assistant.tour.render import t

__all__ = ["practice_lessons", "practice_session", "MAX_LESSONS"]

MAX_LESSONS = 8
_NOT_PRACTICE = {"yaml-invalid", "yaml-limit-exceeded"}


def _read(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read: {exc}") from None


def _both(fn) -> dict[str, str]:  # noqa: ANN001
    """``fn(lang)`` for every registered language (sentences from ``strings.yaml``, English where a
    language has none yet)."""
    return {code: fn(code) for code in languages.codes()}


def practice_lessons(text: str, source: str = "manifest.yaml", namespace: str = "default") -> list[Lesson]:
    """One lesson per distinct rule reported for ``text`` (at most :data:`MAX_LESSONS`)."""
    from assistant.inspection import inspect_text
    from assistant.inspection.catalog import load_catalog

    report = inspect_text(text, namespace=namespace)
    catalog = load_catalog()
    rules: list[str] = []
    for finding in report.findings:
        if finding.rule not in rules and finding.rule not in _NOT_PRACTICE and finding.rule in catalog:
            rules.append(finding.rule)
    rules = rules[:MAX_LESSONS]
    reported = {f.rule for f in report.findings}
    pool = sorted(r for r in catalog if r not in reported and r not in _NOT_PRACTICE and r != "schema-invalid")
    objects = [f"{o.kind}/{o.namespace}/{o.name}" for o in report.objects]
    denied = [v for v in report.reach if not v.allowed and v.source != v.destination]
    lessons: list[Lesson] = []
    for number, rule in enumerate(rules, start=1):
        info = catalog[rule]
        rng = random.Random(f"{source}:{rule}")
        distractors = rng.sample(pool, k=min(3, len(pool)))
        options = tuple([rule, *distractors])
        why_not = {d: _both(lambda lang, d=d: t(lang, "practice.why_not", title=catalog[d].text("title", lang)))
                   for d in distractors}
        findings = [f for f in report.findings if f.rule == rule]
        where = ", ".join(f"`{f.object}` (line {f.line})" for f in findings[:4])
        exercise = Exercise(
            rules=(rule,), manifest=text, options=options, namespace=namespace, fix="", why_not=why_not,
            prompt=_both(lambda lang: t(lang, "practice.prompt", source=source)),
            hint=_both(lambda lang: t(lang, "practice.hint", where=where)),
            explain=_both(lambda lang: info.text("hint", lang) + f" ({info.doc})"),
            fix_hint=_both(lambda lang: info.text("hint", lang)))
        target = findings[0].object
        if denied and number == len(rules):
            v = denied[0]
            quiz = Quiz(kind="reach", manifest=text, source=v.source, destination=v.destination, port=v.port,
                        protocol=v.protocol,
                        question=_both(lambda lang: t(lang, "practice.reach.question")),
                        hint=_both(lambda lang: t(lang, "practice.reach.hint")),
                        explain=_both(lambda lang: t(lang, "practice.reach.explain")))
        else:
            others = [o for o in objects if o != target][:3]
            choices = [Choice(_both(lambda lang: f"`{target}`"), True)]
            choices += [Choice(_both(lambda lang, o=o: f"`{o}`"),
                               False, _both(lambda lang, o=o: t(lang, "practice.choice.why", rule=rule, target=target,
                                                                other=o)))
                        for o in others]
            if len(choices) < 2:
                choices.append(Choice(_both(lambda lang: t(lang, "practice.choice.none")), False,
                                      _both(lambda lang: f"`{rule}`: `{target}`.")))
            quiz = Quiz(kind="choice", options=tuple(choices),
                        question=_both(lambda lang: t(lang, "practice.choice.question", rule=rule)),
                        hint=_both(lambda lang: t(lang, "practice.choice.hint", line=findings[0].line)),
                        explain=_both(lambda lang: findings[0].message))
        lessons.append(Lesson(
            id=f"practice-{rule}", number=number, kb=(), path=Path(source), minutes=3, diagram="", example=None,
            title=_both(lambda lang: info.text("title", lang)),
            explanation=_both(lambda lang: (f"**{info.text('title', lang)}** (`{rule}`, {info.severity}): "
                                            f"{info.text('hint', lang)}\n\n{info.doc}")),
            exercise=exercise, quiz=quiz))
    return lessons


def practice_session(path: Path, lang: str = "en", namespace: str = "default", state_path: Path | None = None):
    """A terminal :class:`TourSession` over :func:`practice_lessons`, with progress kept per file content."""
    from assistant.paths import state_dir
    from assistant.tour.render import t
    from assistant.tour.session import TourSession

    text = _read(path)
    lessons = practice_lessons(text, source=Path(path).name, namespace=namespace)
    if not lessons:
        raise UsageError(f"{path}: `podtalk inspect` finds no problem to practise on")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    state = state_path or state_dir() / f"tour-practice-{digest}.json"
    intro = t(lang, "welcome.practice", total=len(lessons), file=Path(path).name)
    return TourSession(lang=lang, state_path=state, lessons=lessons, shell="terminal", intro=intro)
