"""Turn core results into what the chat shows and exports: Markdown, plain rows, clean text.

Pure functions over plain data (an ``Answer.to_dict()``, a ``Report.to_dict()``, a list of turns),
so a reloaded conversation renders exactly like a live one and everything is testable without
Textual. No retrieval or inspection logic lives here: only presentation.

A turn is a dict with ``role`` (``question``, ``answer``, ``manifest``, ``inspection``, ``notice``,
``error``) and ``text``; answers add ``answer`` (the core's dict: markdown, sources, ...) and
``note``; inspections add ``report`` (the contract's ``inspect --format json`` object).
"""

from __future__ import annotations

import json
import re
from typing import Any

from rich.text import Text

from assistant import languages
from assistant.terminal_safety import strip_unsafe
from assistant.tui.i18n import t

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
_MANIFEST_LINE = re.compile(r"^(apiVersion|kind)\s*:\s*\S", re.MULTILINE)
_JSON_MANIFEST = re.compile(r'"(apiVersion|kind)"\s*:\s*"')


def clean(text: Any) -> str:
    """``text`` without ANSI escapes or control characters (newlines and tabs kept as space/newline)."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return strip_unsafe(text)  # the one definition of unsafe (assistant.terminal_safety)


def md_escape(text: Any) -> str:
    """Clean ``text`` and escape Markdown so manifest-supplied strings render literally."""
    return _MD_SPECIAL.sub(r"\\\1", clean(text)).replace("\n", " ")


def code(text: Any) -> str:
    """An inline code span for ``text`` (cleaned; backticks cannot break out)."""
    text = clean(text).replace("\n", " ")
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def looks_like_manifest(text: str) -> bool:
    """True when ``text`` reads as Kubernetes YAML/JSON (has both ``apiVersion`` and ``kind``).

    Only a routing decision (inspect instead of search); the inspector does the real parsing.
    """
    keys = set(_MANIFEST_LINE.findall(text)) | set(_JSON_MANIFEST.findall(text))
    return keys == {"apiVersion", "kind"}


def manifest_summary(text: str) -> str:
    """A one-line description of a pasted manifest (shown instead of echoing the YAML)."""
    lines = text.count("\n") + 1
    kinds = re.findall(r"^kind\s*:\s*['\"]?([A-Za-z0-9]+)", text, re.MULTILINE)
    shown = ", ".join(kinds[:6]) + (f", +{len(kinds) - 6} more" if len(kinds) > 6 else "")
    return f"manifest: {lines} lines" + (f", {len(kinds)} object(s): {clean(shown)}" if kinds else "")


# -- answers ---------------------------------------------------------------------------------------------
def progress_line(label: str, done: int, total: int, *, stage: str = "", cancel: str = "", width: int = 20) -> str:
    """The status bar's progress: ``inspecting · reach [████░░░░] 4,500/90,000 · Esc cancels``; empty
    when ``total`` is 0 (finished); without a bar when ``total`` is 1 (one step, nothing to measure)."""
    if total <= 0:
        return ""
    head = f"{label} · {stage}" if stage else label
    tail = f" · {cancel}" if cancel else ""
    if total == 1:
        return f"{head}…{tail}"
    filled = min(width, int(width * done / total))
    return f"{head} [{'█' * filled}{'░' * (width - filled)}] {done:,}/{total:,}{tail}"


def answer_note(answer: dict[str, Any], *, lexical_early: bool, build_stopped: bool = False) -> str | None:
    """Why this answer may be weaker than usual (model still loading, index build stopped, degraded
    core), or None."""
    lang = languages.resolve(answer.get("lang"))
    if build_stopped:
        return t(lang, "note.build_stopped")
    if lexical_early:
        return t(lang, "note.lexical_early")
    if answer.get("degraded"):
        reason = answer.get("degraded_reason") or t(lang, "note.model_unavailable")
        return t(lang, "note.degraded", reason=clean(reason))
    return None


def sources_markdown(sources: list[dict[str, Any]]) -> str:
    """The ranked sources as a numbered Markdown list: title (link), KB id, score."""
    if not sources:
        return "_no sources_"
    rows = []
    for i, s in enumerate(sources, 1):
        title = md_escape(s.get("title") or s.get("id"))
        url = clean(s.get("url") or "")
        link = f"[{title}]({url})" if url.startswith(("http://", "https://")) else title
        rows.append(f"{i}. {link} — {code(s.get('id', '?'))} · score {float(s.get('score', 0.0)):.3f}")
    return "\n".join(rows)


def code_blocks(markdown: str) -> list[str]:
    """The bodies of the fenced code blocks in ``markdown``, in order."""
    return [b.rstrip("\n") for b in re.findall(r"^```[^\n]*\n(.*?)^```", markdown, re.MULTILINE | re.DOTALL)]


def sources_text(sources: list[dict[str, Any]]) -> Text:
    """The ranked sources as styled text with clickable links (cheaper to show than Markdown: a long
    restored conversation has one per answer)."""
    if not sources:
        return Text("no sources", style="italic")
    out = Text()
    for i, s in enumerate(sources, 1):
        url = clean(s.get("url") or "")
        if i > 1:
            out.append("\n")
        out.append(f"{i}. ")
        out.append(clean(s.get("title") or s.get("id")), style=f"link {url}" if url.startswith("https://") else "")
        out.append(f" — {clean(s.get('id', '?'))} · score {float(s.get('score', 0.0)):.3f}", style="dim")
    return out


def last_code_block(markdown: str) -> str | None:
    """The body of the last fenced code block in ``markdown``, or None."""
    blocks = code_blocks(markdown)
    return blocks[-1] if blocks else None


_FENCE_OR_SPAN = re.compile(r"(^```.*?^```[^\n]*$|`[^`\n]*`)", re.MULTILINE | re.DOTALL)
_ANGLE = re.compile(r"<(?=[^\s<>]*>)")


def protect_markup(markdown: str) -> str:
    """``markdown`` with ``<pending>``-style text escaped outside code, so it shows instead of being
    dropped as an HTML tag (code spans and fences are left as they are)."""
    parts = _FENCE_OR_SPAN.split(markdown)
    return "".join(p if i % 2 else _ANGLE.sub(r"\\<", p) for i, p in enumerate(parts))


_SUGGESTION = re.compile(r"([^·\n]+?)\s*[(（]`([a-z0-9][a-z0-9-]*)`[)）]")
_SUGGESTION_LINE = re.compile(r"^(?:Related|相关|-\s)", re.IGNORECASE)
_SUGGESTION_HEAD = re.compile(r"^(Related[^:]*:|相关[^：:]*[：:])\s*")


def suggestions(markdown: str) -> list[tuple[str, str]]:
    """(title, topic id) of the Related topics and closest-topic suggestions, numbered in order.

    Both read ``Title (`topic-id`)``, on a "Related: a · b" line or as "- Title (`id`)" items.
    """
    out: list[tuple[str, str]] = []
    for line in markdown.splitlines():
        line = line.strip()
        if not _SUGGESTION_LINE.match(line):
            continue
        line = _SUGGESTION_HEAD.sub("", line).lstrip("- ")
        for title, topic in _SUGGESTION.findall(line):
            title = title.strip(" ·-")
            if title and (title, topic) not in out:
                out.append((title, topic))
    return out[:9]


def without_suggestions(markdown: str) -> str:
    """``markdown`` without its "Related: ..." line (shown instead as numbered choices)."""
    return "\n".join(line for line in markdown.splitlines()
                     if not (_SUGGESTION_HEAD.match(line.strip()) and _SUGGESTION.search(line)))


# -- inspection -------------------------------------------------------------------------------------------
def inspection_markdown(report: Any, *, lang: str = languages.DEFAULT) -> str:
    """A live inspection ``Report`` as Markdown: the inspector's own :func:`render_markdown` (the same
    capped, cleaned view the CLI prints), plus the Service environment variables the chat showed before.

    The one renderer of an inspection in the chat: the screen, ``c``/``/copy`` and ``/export`` use it.
    """
    from assistant.inspection import render_markdown
    from assistant.inspection.view import build_view

    markdown = render_markdown(report, lang=lang).rstrip("\n")
    view = build_view(report, lang=lang)
    if view.env:
        markdown += "\n\n" + "\n".join(
            [f"### {t(lang, 'inspect.env_heading')}", "", t(lang, "inspect.env_note"), ""]
            + [f"- {md_escape(service)}: " + " ".join(code(n) for n in names.split()) for service, names in view.env]
            + ([f"- … {view.env_hidden} more"] if view.env_hidden else []))
    return markdown + "\n"




def markdown_sections(markdown: str) -> list[tuple[str, str]]:
    """An inspection's Markdown cut at its ``### `` headings into (kind, Markdown) sections, so each
    severity keeps its colour on screen: kind is ``summary``, ``error``, ``warning``, ``info``,
    ``reach`` (the matrix goes there) or ``other``."""
    from assistant.inspection.chat import section_heading_kinds

    kinds = section_heading_kinds()
    sections: list[tuple[str, list[str]]] = [("summary", [])]
    for line in markdown.splitlines():
        if line.startswith("### "):
            head = line[4:].split(" (", 1)[0].strip()
            sections.append((kinds.get(head, "other"), []))
        sections[-1][1].append(line)
    return [(kind, "\n".join(lines).strip()) for kind, lines in sections if "\n".join(lines).strip()]


# -- export -----------------------------------------------------------------------------------------------
def transcript_markdown(turns: list[dict[str, Any]]) -> str:
    """The whole conversation as one Markdown document, sources included."""
    out = ["# podtalk conversation", ""]
    for turn in turns:
        role, text = turn.get("role"), turn.get("text", "")
        stamp = f" _({turn['time']})_" if turn.get("time") else ""
        if role == "question":
            out += [f"## Q{stamp}", "", "> " + clean(text).replace("\n", "\n> "), ""]
        elif role == "manifest":
            out += [f"## Manifest{stamp}", "", "```yaml", clean(turn.get("manifest", text)).rstrip(), "```", ""]
        elif role == "answer":
            ans = turn.get("answer") or {}
            if turn.get("note"):
                out += [f"_{clean(turn['note'])}_", ""]
            out += [ans.get("answer", text).rstrip(), ""]
            if ans.get("sources"):
                out += ["**Sources**", "", sources_markdown(ans["sources"]), ""]
        elif role == "inspection":
            out += [clean(text).rstrip() or inspection_fallback(turn.get("report") or {}), ""]
        elif role == "error":
            out += [f"**Error:** {md_escape(text)}", ""]
        else:
            out += [clean(text), ""]
    return "\n".join(out).rstrip() + "\n"


def inspection_fallback(report: dict[str, Any]) -> str:
    """An inspection turn whose Markdown was not kept (and whose manifest is gone): its counts."""
    findings = report.get("findings") or []
    counts = ", ".join(f"{sum(1 for f in findings if f.get('severity') == s)} {s}" for s in ("error", "warning", "info"))
    return f"**Inspected {len(report.get('objects') or [])} object(s)**: {counts}"


def transcript_json(turns: list[dict[str, Any]]) -> str:
    return json.dumps({"version": 1, "turns": turns}, ensure_ascii=False, indent=2) + "\n"
