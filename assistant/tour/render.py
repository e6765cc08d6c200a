"""Markdown for every tour screen, in English and Chinese (sentences in ``strings.yaml``).

Rendering is pure apart from cached look-ups: KB entry titles/summaries (one validated entry file at
a time, ``knowledge.loader.find_entry``, so the tour does not need the whole KB), rule titles, and
the inspector's findings for an exercise. Chinese output goes through :func:`tidy_zh`, which
removes the spaces that YAML folding and templates leave between Chinese characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant import languages
from assistant.errors import KBError
from assistant.knowledge.loader import Entry, find_entry
from assistant.tour.inspecting import findings_of
from assistant.tour.model import Exercise, Lesson, Quiz

__all__ = ["t", "strings", "step_name", "render_explanation", "render_exercise", "render_quiz", "render_fix",
           "render_lab", "kb_entry", "expand_kb_quotes", "inspector_confirmation", "render_findings", "rule_title",
           "md_escape", "prose", "tidy_zh", "LETTERS"]

LETTERS = "abcdefghij"
STRINGS_PATH = Path(__file__).with_name("strings.yaml")


@lru_cache(maxsize=1)
def strings() -> dict[str, dict[str, str]]:
    """The tour's UI sentences per language (``strings.yaml``)."""
    data = yaml.load(STRINGS_PATH.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    return {lang: {k: str(v) for k, v in table.items()} for lang, table in data.items()}


def t(lang: str, key: str, shell: str | None = None, **kw: Any) -> str:
    """The ``key`` sentence in ``lang`` (English as fallback), the ``key.<shell>`` variant first, formatted with ``kw``."""
    table = strings().get(lang, strings()["en"])
    english = strings()["en"]
    text = None
    if shell:
        text = table.get(f"{key}.{shell}", english.get(f"{key}.{shell}"))
    if text is None:
        text = table.get(key, english[key])
    return text.format(**kw) if kw else text


def step_name(lang: str, step: str) -> str:
    return t(lang, f"step.{step}")


@lru_cache(maxsize=256)
def kb_entry(entry_id: str) -> Entry | None:
    """One KB entry through the validated loader, or None if it is missing or broken (the audit
    checks the ids; ``podtalk check`` reports a broken entry)."""
    try:
        return find_entry(entry_id)
    except KBError:
        return None


_CODE_RE = re.compile(r"(`[^`]*`)")
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef“”‘’"
# A soft break between two CJK characters, or after CJK punctuation unless a blank line, list item,
# quote or code fence follows (those breaks are structure, not wrapping).
_CJK_JOIN_RE = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}])\n[ \t]*(?=[{_CJK}{_CJK_PUNCT}])"
                          rf"|(?<=[。，；：、！？）」])\n[ \t]*(?![\n\-*>`]|\d+\. )")
# A space between two CJK characters, or next to CJK punctuation (bold markers may sit in between).
_ZH_SPACE_RE = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])|(?<=[{_CJK_PUNCT}])[ \t]+(?=\S)(?!\*\*\s)"
                          rf"|(?<=[{_CJK_PUNCT}]\*\*)[ \t]+|[ \t]+(?=[{_CJK_PUNCT}])")


def prose(text: str, lang: str) -> str:
    """Chinese text wrapped in the YAML source: join soft breaks between CJK characters without a space.

    Markdown turns a soft line break into a space, which is right between English words but shows
    as a stray gap in Chinese (``。 kubelet``, ``拼上 各个``). Breaks next to Latin text keep their space.
    """
    text = text.strip()
    if not languages.joins_without_spaces(lang):
        return text
    return tidy_zh(_CJK_JOIN_RE.sub("", text))


def tidy_zh(markdown: str) -> str:
    """Remove stray spaces in Chinese prose: between CJK characters and around CJK punctuation.

    Code spans, fenced blocks, table rows and list/quote markers are left alone, so YAML, commands and
    Markdown structure are unchanged. Spaces between Chinese and Latin words are kept.
    """
    out: list[str] = []
    fenced = False
    for line in markdown.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            out.append(line)
            continue
        if fenced:
            out.append(line)
            continue
        m = re.match(r"^(\s*(?:[-*>|]\s*|\d+\.\s+)*)", line)
        lead = m.group(1) if m else ""
        body = line[len(lead):]
        codes = _CODE_RE.findall(body)
        masked = _ZH_SPACE_RE.sub("", _CODE_RE.sub("\ue000", body))  # code spans count as Latin text
        for code in codes:
            masked = masked.replace("\ue000", code, 1)
        out.append(lead + masked)
    return "\n".join(out)


def md_escape(text: str) -> str:
    """Escape Markdown emphasis/HTML characters in plain text (KB and rule titles), leaving `code` alone."""
    parts = _CODE_RE.split(text)
    for i in range(0, len(parts), 2):  # even indexes are outside code spans
        parts[i] = re.sub(r"([\\*_\[\]<>])", r"\\\1", parts[i])
    return "".join(parts)


_QUOTE_RE = re.compile(r"\{\{\s*kb:([a-z0-9-]+)\s*\}\}")


def expand_kb_quotes(text: str, lang: str) -> str:
    """Replace ``{{kb:ID}}`` with a block quote of that KB entry's summary in ``lang``."""

    def quote(m: re.Match[str]) -> str:
        entry = kb_entry(m.group(1))
        if not entry:
            return f"`{m.group(1)}`"
        summary = " ".join(entry.summary(lang).split())
        return t(lang, "kb.quote", title=md_escape(entry.title(lang)), id=m.group(1), summary=summary)

    return _QUOTE_RE.sub(quote, text)


def rule_title(rule_id: str, lang: str) -> str:
    from assistant.inspection.catalog import load_catalog

    info = load_catalog().get(rule_id)
    return info.text("title", lang) if info else rule_id


def _builds_on(lesson: Lesson, lang: str, shell: str) -> str:
    items = []
    for kid in lesson.kb:
        entry = kb_entry(kid)
        title = md_escape(entry.title(lang)) if entry else kid
        items.append(t(lang, "kb.item", title=title, id=kid))
    return t(lang, "lesson.builds_on", shell, items=t(lang, "kb.item.separator").join(items))


def _yaml_block(manifest: str) -> str:
    return "```yaml\n" + manifest.strip("\n") + "\n```"


def _finish(text: str, lang: str) -> str:
    return tidy_zh(text) if languages.joins_without_spaces(lang) else text


def render_explanation(lesson: Lesson, total: int, lang: str, shell: str = "chat") -> str:
    parts = [t(lang, "lesson.head", n=lesson.number, total=total, title=lesson.title[lang], minutes=lesson.minutes),
             expand_kb_quotes(prose(lesson.explanation[lang], lang), lang)]
    if lesson.diagram.strip():
        parts += [t(lang, "lesson.diagram"), "```text\n" + lesson.diagram.strip("\n") + "\n```"]
    if lesson.example is not None:
        parts += [t(lang, "lesson.example", caption=prose(lesson.example.caption[lang], lang)),
                  _yaml_block(lesson.example.manifest)]
        chain = service_chain(lesson.example.manifest, lang)
        if chain:
            parts += [t(lang, "lesson.chain"), "```text\n" + chain + "\n```"]
    if lesson.kb:
        parts.append(_builds_on(lesson, lang, shell))
    parts.append(t(lang, "lesson.footer" if lesson.lab else "lesson.footer.nolab"))
    return _finish("\n\n".join(parts), lang)


def render_exercise(lesson: Lesson, total: int, lang: str, order: Sequence[int] | None = None,
                    found: Sequence[str] = ()) -> str:
    """The broken manifest and the options, in the learner's shuffled ``order`` (rule ids only, no titles)."""
    ex: Exercise = lesson.exercise
    order = list(order) if order is not None else list(range(len(ex.options)))
    options = "\n".join(f"- **{LETTERS[shown]})** `{ex.options[i]}`" for shown, i in enumerate(order))
    many = len(ex.rules) > 1
    head = t(lang, "exercise.head.many", n=lesson.number, total=total, count=len(ex.rules)) if many else \
        t(lang, "exercise.head", n=lesson.number, total=total)
    parts = [head, prose(ex.prompt[lang], lang)]
    if ex.namespace != "default":
        parts.append(f"_namespace: `{ex.namespace}`_")
    parts += [_yaml_block(ex.manifest), options]
    if many and found:
        sep = languages.get(lang).list_separator
        parts.append(t(lang, "exercise.found", found=sep.join(f"`{r}`" for r in found), left=len(ex.rules) - len(found)))
    parts.append(t(lang, "exercise.footer"))
    return _finish("\n\n".join(parts), lang)


def render_fix(lesson: Lesson, lang: str, path: Path, shell: str = "chat") -> str:
    paste_end = t(lang, "fix.paste_end", shell)
    parts = [t(lang, "fix.head"), t(lang, "fix.body", path=path, paste_end=paste_end), t(lang, "fix.footer")]
    return _finish("\n\n".join(parts), lang)


def render_quiz(lesson: Lesson, total: int, lang: str, order: Sequence[int] | None = None) -> str:
    quiz: Quiz = lesson.quiz
    parts = [t(lang, "quiz.head", n=lesson.number, total=total), prose(quiz.question[lang], lang)]
    if quiz.manifest:
        parts.append(_yaml_block(quiz.manifest))
    if quiz.kind == "choice":
        order = list(order) if order is not None else list(range(len(quiz.options)))
        parts.append("\n".join(f"- **{LETTERS[shown]})** {quiz.options[i].text[lang]}" for shown, i in enumerate(order)))
        parts.append(t(lang, "quiz.footer.choice"))
    elif quiz.kind == "reach":
        parts.append(t(lang, "quiz.reach", source=quiz.source, destination=quiz.destination, port=quiz.port,
                       protocol=quiz.protocol))
        parts.append(t(lang, "quiz.footer.reach"))
    else:
        parts.append(t(lang, "quiz.footer.text"))
    return _finish("\n\n".join(parts), lang)


def render_lab(lesson: Lesson, lang: str, path: Path) -> str:
    if lesson.lab is None:
        return t(lang, "lab.none")
    commands = "\n".join(c.replace("{file}", str(path)) for c in lesson.lab.commands)
    parts = [t(lang, "lab.head"), prose(lesson.lab.intro[lang], lang), "```sh\n" + commands + "\n```",
             t(lang, "lab.tail", path=path)]
    return _finish("\n\n".join(parts), lang)


def render_findings(findings: Sequence[Any], lang: str) -> str:
    """Inspector findings as quoted lines; in Chinese the rule title replaces the English message."""
    lines = [t(lang, "finding", severity=t(lang, f"severity.{f.severity}"), rule=f.rule, object=f.object,
               line=f.line, message=f.message, title=md_escape(rule_title(f.rule, lang)))
             for f in findings]
    return "\n>\n".join(lines)


def inspector_confirmation(exercise: Exercise, lang: str, rules: Sequence[str] | None = None) -> str:
    """The findings of the exercise's rule(s) as ``podtalk inspect`` reports them."""
    found = findings_of(exercise.manifest, exercise.namespace, tuple(rules or exercise.rules))
    if not found:  # cannot happen for an audited lesson; say so rather than claim a confirmation
        return ""
    return t(lang, "confirm") + "\n>\n" + render_findings(found, lang)


def findings_of_rules(exercise: Exercise) -> frozenset[str]:
    """Every rule the inspector reports for the exercise's broken manifest."""
    from assistant.tour.inspecting import reported_rules

    return reported_rules(exercise.manifest, exercise.namespace)



def _headless_services(manifest: str) -> set[str]:
    """``namespace/name`` of every Service with ``clusterIP: None`` (the inspector reports them as ClusterIP)."""
    found: set[str] = set()
    try:
        docs = list(yaml.load_all(manifest, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))  # noqa: S506
    except yaml.YAMLError:
        return found
    for doc in docs:
        if isinstance(doc, dict) and doc.get("kind") == "Service" and isinstance(doc.get("spec"), dict) \
                and doc["spec"].get("clusterIP") == "None":
            meta = doc.get("metadata") or {}
            found.add(f"{meta.get('namespace', 'default')}/{meta.get('name')}")
    return found


def service_chain(manifest: str, lang: str = "en", namespace: str = "default") -> str:
    """DNS -> Service -> EndpointSlice -> Pods for each Service of ``manifest`` that selects Pods,
    as ``podtalk inspect`` resolves it (names, ports, named target ports); empty when there is none."""
    from assistant.tour.inspecting import _report

    report = _report(manifest, namespace)
    headless = _headless_services(manifest)
    blocks = []
    for svc in report.services:
        if not svc.workloads:
            continue
        ns, name = svc.service.split("/", 1)
        service_name = f"{name}.{ns}.svc.cluster.local"
        pod_names = [n for n in report.dns if n.endswith("." + service_name)]
        is_headless = svc.service in headless
        dns = f"DNS            {service_name}"
        if pod_names:
            dns += "  " + t(lang, "chain.pod_names", n=len(pod_names), first=pod_names[0])
        lines = [dns, "  |"]
        for port in svc.ports:
            resolved = sorted({p for p in port["resolved"].values() if p is not None})
            target = port["targetPort"]
            shown = f"{target}" + (f" = {resolved[0]}" if resolved and str(resolved[0]) != str(target) else "")
            kind = "headless" if is_headless else svc.type
            lines.append(f"Service        {svc.service} ({kind})  port {port['port']}/{port['protocol']}"
                         f" -> targetPort {shown}")
        lines += ["  |   " + t(lang, "chain.selects"),
                  f"EndpointSlice  kubernetes.io/service-name={name}: " + t(lang, "chain.slice"),
                  "  |   " + t(lang, "chain.headless" if is_headless else "chain.proxy"),
                  "Pods           " + ", ".join(svc.workloads)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
