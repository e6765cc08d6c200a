"""Questions about the manifest just inspected, answered from its report (no retrieval).

After an inspection, "why can't web reach db?" should be answered from the reach verdicts of *that*
bundle and "what DNS name does api get?" from *its* DNS list, not from the general knowledge base.
:func:`answer_about_bundle` recognises such a question by the workload or Service names it mentions
plus a reach/DNS/env word, and returns Markdown, or None so the question goes to the KB as usual.
Pure functions over the contract's ``inspect --format json`` dict: no Textual, no core.
"""

from __future__ import annotations

import re
from typing import Any

from assistant import languages
from assistant.tui.i18n import t
from assistant.tui.render import code, md_escape

REACH_WORDS = ("reach", "connect", "talk to", "access", "call", "traffic", "blocked", "allowed", "denied",
               "访问", "连通", "连接", "通信", "到达", "不通")
DNS_WORDS = ("dns", "name", "hostname", "fqdn", "resolve", "域名", "名称", "名字", "解析")
ENV_WORDS = ("env", "environment", "variable", "环境变量")
_WORD = re.compile(r"[a-z0-9][a-z0-9.-]*", re.IGNORECASE)


def _names(report: dict[str, Any]) -> dict[str, set[str]]:
    """Short name (``web``) -> the ``namespace/name`` keys the report uses for it."""
    out: dict[str, set[str]] = {}
    for obj in report.get("objects", []):
        name, ns = str(obj.get("name", "")), str(obj.get("namespace", ""))
        if name:
            out.setdefault(name.lower(), set()).add(f"{ns}/{name}" if ns else name)
    return out


def _mentioned(question: str, names: dict[str, set[str]]) -> list[str]:
    """Names of the bundle the question mentions, in the order it mentions them (a name said twice,
    as in "can api reach api", counts twice)."""
    found: list[tuple[int, str]] = []
    lowered = question.lower()
    for m in _WORD.finditer(lowered):
        word = m.group(0).strip(".-")
        if word in names:
            found.append((m.start(), word))
    # Chinese text has no spaces: also look for names glued to CJK characters
    for name in names:
        if name not in [w for _, w in found]:
            at = lowered.find(name)
            if at >= 0 and (at == 0 or not lowered[at - 1].isascii() or not lowered[at - 1].isalnum()):
                found.append((at, name))
    return [w for _, w in sorted(found)]


def _has(question: str, words: tuple[str, ...]) -> bool:
    q = question.lower()
    return any(w in q for w in words)


def answer_about_bundle(question: str, report: dict[str, Any] | None, *, lang: str = languages.DEFAULT) -> str | None:
    """Markdown answering ``question`` from ``report``, or None when it is not about the bundle."""
    if not report:
        return None
    names = _names(report)
    mentioned = _mentioned(question, names)
    if not mentioned:
        return None
    if len(mentioned) >= 2 and _has(question, REACH_WORDS):
        return _reach_answer(report, names, mentioned[0], mentioned[1], lang)
    if _has(question, ENV_WORDS):
        return _env_answer(report, names, mentioned[0], lang)
    if _has(question, DNS_WORDS):
        return _dns_answer(report, mentioned[0], lang)
    return None


def _reach_answer(report: dict[str, Any], names: dict[str, set[str]], src: str, dst: str, lang: str) -> str:
    sources, targets = names[src], names[dst]
    rows = [v for v in report.get("reach", []) if v.get("from") in sources and v.get("to") in targets]
    head = t(lang, "bundle.reach_head", src=md_escape(src), dst=md_escape(dst))
    if not rows:
        return f"{head}\n\n{t(lang, 'bundle.reach_none')}"
    lines = [head, ""]
    for v in rows:
        verdict = t(lang, "bundle.allowed" if v.get("allowed") else "bundle.denied")
        port = f"{v.get('port')}/{v.get('protocol', '')}"
        reason = re.sub(r"^(allowed|denied):\s*", "", str(v.get("reason", "")))
        lines.append(f"- {code(port)}: **{verdict}**: {md_escape(reason)}")
    return "\n".join(lines)


def _dns_answer(report: dict[str, Any], name: str, lang: str) -> str | None:
    dns = [d for d in report.get("dns", []) if str(d).lower().split(".", 1)[0] == name]
    cname = {k: v for k, v in report.get("cname", {}).items() if str(k).lower().split(".", 1)[0] == name}
    if not dns and not cname:
        return t(lang, "bundle.dns_none", name=code(name))
    head = t(lang, "bundle.dns_head", name=md_escape(name))
    lines = [head, ""] + [f"- {code(d)}" for d in dns]
    lines += [f"- {code(k)} CNAME {code(v)}" for k, v in cname.items()]
    return "\n".join(lines)


def _env_answer(report: dict[str, Any], names: dict[str, set[str]], name: str, lang: str) -> str | None:
    env = {k: v for k, v in report.get("env", {}).items() if k in names[name]}
    if not env:
        return None
    head = t(lang, "bundle.env_head", name=md_escape(name))
    lines = [head, ""]
    for service, vars_ in env.items():
        lines.append(f"- {md_escape(service)}: " + " ".join(code(n) for n in vars_))
    return "\n".join(lines)
