"""Markdown for every tour screen, in English and Chinese.

Rendering is pure apart from two cached look-ups: KB entry titles/summaries (read straight from
``kb/entries/*/<id>.yaml`` so the tour does not need the whole validated KB) and the inspector's
findings for an exercise (to show that ``podtalk inspect`` confirms the answer).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import yaml

from assistant.tour.lessons import Exercise, Lesson, Quiz

__all__ = ["t", "STRINGS", "step_name", "render_explanation", "render_exercise", "render_quiz", "kb_entry",
           "expand_kb_quotes", "inspector_confirmation", "rule_title", "reported_rules", "md_escape", "prose"]

_LETTERS = "abcdef"

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "step.explanation": "lesson", "step.exercise": "exercise", "step.quiz": "quiz",
        "status": "Tour {n}/{total}: {title} · {step}",
        "status.done": "Tour complete: {total}/{total} lessons",
        "welcome": ("**Welcome to the podtalk tour.** {total} short lessons take you from \"every Pod has an IP\" "
                    "to debugging a broken NetworkPolicy. Each lesson has a short explanation, an exercise with a "
                    "broken manifest (name the problem `podtalk inspect` finds), and a quiz. Type **help** at any "
                    "time for the commands; **quit** pauses, and the tour resumes where you left off."),
        "resume": "**Welcome back.** Resuming at lesson {n}/{total} ({title}), {step}.",
        "lesson.head": "## Lesson {n}/{total} · {title}",
        "lesson.builds_on": "_Builds on the knowledge base: {items}. Ask podtalk about any of them for more._",
        "lesson.footer": "Type **next** for the exercise · **quit** to pause",
        "exercise.head": "### Exercise {n}/{total} · name the problem",
        "exercise.footer": "Answer with a letter, a number or a rule id · **hint** · **skip** · **quit**",
        "quiz.head": "### Quiz {n}/{total}",
        "quiz.footer.choice": "Answer with a letter or a number · **hint** · **skip** · **quit**",
        "quiz.footer.text": "Type your answer · **hint** · **skip** · **quit**",
        "correct": "**Correct.**",
        "correct.rule": "**Correct:** `{rule}`.",
        "correct.text": "**Correct:** `{answer}`.",
        "wrong.rule": ("**Not quite.** `{rule}` ({title}) is not what is wrong here: `podtalk inspect` does not "
                       "report it for this manifest. Try again, or type **hint** or **skip**."),
        "wrong.also": ("**Close, but not the one asked about.** `podtalk inspect` does report `{rule}` ({title}) here "
                       "too, but it does not explain the symptom in the question. Look again, or type **hint**."),
        "wrong.choice": "**Not quite.** Option **{letter})** is not right. Try again, or type **hint** or **skip**.",
        "wrong.text": "**Not quite.** `{given}` is not the answer. Try again, or type **hint** or **skip**.",
        "invalid.exercise": "Answer with a letter (a-{last}), a number (1-{count}) or a rule id such as `{example}`.",
        "invalid.choice": "Answer with a letter (a-{last}) or a number (1-{count}).",
        "invalid.text": "Type your answer, or **skip** to see it.",
        "invalid.reading": "This part is for reading. Type **next** when you are ready for the exercise.",
        "answer_first": "Answer the question first, or type **skip** to see the answer and move on.",
        "hint": "**Hint:** {hint}",
        "hint.reading": "No hint needed here: read the lesson, then type **next**.",
        "skipped.rule": "**Skipped.** The answer was `{rule}`.",
        "skipped.choice": "**Skipped.** The answer was **{letter})** {text}",
        "skipped.text": "**Skipped.** The answer was `{answer}`.",
        "confirm": "`podtalk inspect` reports:",
        "finding": "> **{severity}** `{rule}` {object} (line {line}): {message}",
        "why": "**Why:** {text}",
        "paused": "**Tour paused** at lesson {n}/{total} ({title}), {step}. Type **/tour** to resume where you left off.",
        "closed": "The tour is closed. Ask your question again, or type **/tour** to see the summary.",
        "help": ("**Tour commands:** **next** continue · **hint** a nudge · **skip** show the answer and move on · "
                 "**repeat** show this step again · **status** where you are · **restart** start over · "
                 "**quit** pause (progress is saved)."),
        "summary.head": "## Tour complete",
        "summary.intro": "You finished all {total} lessons: {right} of {asked} answers right first or after retrying, {skipped} skipped.",
        "summary.table": "| # | Lesson | Exercise | Quiz |\n|---|---|---|---|",
        "summary.correct": "correct",
        "summary.correct_after": "correct after {n} tries",
        "summary.skipped": "skipped",
        "summary.none": "not done",
        "summary.next": ("**What next:** ask podtalk anything about pod networking (English or 中文), paste a manifest "
                         "into the chat, or run `podtalk inspect FILE` on your own manifests."),
        "summary.restart": "Type **restart** to take the tour again, or **quit** to return to the chat.",
        "status.word": "**Where you are:** {status}",
        "kb.quote": "> **{title}** (`{id}`): {summary}",
        "kb.item": "{title} (`{id}`)",
    },
    "zh": {
        "step.explanation": "讲解", "step.exercise": "练习", "step.quiz": "测验",
        "status": "导览 {n}/{total}：{title} · {step}",
        "status.done": "导览已完成：{total}/{total} 课",
        "welcome": ("**欢迎参加 podtalk 导览。** {total} 节短课带你从“每个 Pod 都有自己的 IP”一路走到排查出错的 "
                    "NetworkPolicy。每节课包括一段讲解、一个带错误的清单练习（说出 `podtalk inspect` 发现的问题）和一道测验。"
                    "随时输入 **帮助**（help）查看命令；**退出**（quit）会暂停，下次从原处继续。"),
        "resume": "**欢迎回来。** 从第 {n}/{total} 课（{title}）的{step}继续。",
        "lesson.head": "## 第 {n}/{total} 课 · {title}",
        "lesson.builds_on": "_本课依据知识库条目：{items}。想了解更多，可以直接向 podtalk 提问。_",
        "lesson.footer": "输入 **next**（下一步）进入练习 · **quit**（退出）暂停",
        "exercise.head": "### 练习 {n}/{total} · 指出问题",
        "exercise.footer": "用字母、数字或规则 id 作答 · **hint**（提示）· **skip**（跳过）· **quit**（退出）",
        "quiz.head": "### 测验 {n}/{total}",
        "quiz.footer.choice": "用字母或数字作答 · **hint**（提示）· **skip**（跳过）· **quit**（退出）",
        "quiz.footer.text": "直接输入答案 · **hint**（提示）· **skip**（跳过）· **quit**（退出）",
        "correct": "**回答正确。**",
        "correct.rule": "**回答正确：** `{rule}`。",
        "correct.text": "**回答正确：** `{answer}`。",
        "wrong.rule": ("**不对。** `{rule}`（{title}）不是这里的问题：`podtalk inspect` 对这个清单并不报告它。"
                       "再试一次，或输入 **hint**（提示）/ **skip**（跳过）。"),
        "wrong.also": ("**接近了，但不是题目问的那个。** `podtalk inspect` 对这里确实也报告了 `{rule}`（{title}），"
                       "但它解释不了题目中的现象。再看一看，或输入 **hint**（提示）。"),
        "wrong.choice": "**不对。** 选项 **{letter})** 不正确。再试一次，或输入 **hint**（提示）/ **skip**（跳过）。",
        "wrong.text": "**不对。** `{given}` 不是正确答案。再试一次，或输入 **hint**（提示）/ **skip**（跳过）。",
        "invalid.exercise": "请用字母（a-{last}）、数字（1-{count}）或规则 id（例如 `{example}`）作答。",
        "invalid.choice": "请用字母（a-{last}）或数字（1-{count}）作答。",
        "invalid.text": "请输入答案，或输入 **skip**（跳过）查看答案。",
        "invalid.reading": "这一部分只需阅读。准备好了就输入 **next**（下一步）进入练习。",
        "answer_first": "请先回答问题，或输入 **skip**（跳过）查看答案并继续。",
        "hint": "**提示：** {hint}",
        "hint.reading": "这里不需要提示：读完讲解后输入 **next**（下一步）。",
        "skipped.rule": "**已跳过。** 正确答案是 `{rule}`。",
        "skipped.choice": "**已跳过。** 正确答案是 **{letter})** {text}",
        "skipped.text": "**已跳过。** 正确答案是 `{answer}`。",
        "confirm": "`podtalk inspect` 的报告：",
        "finding": "> **{severity}** `{rule}` {object}（第 {line} 行）：{message}",
        "why": "**解析：** {text}",
        "paused": "**导览已暂停**，位置：第 {n}/{total} 课（{title}）的{step}。输入 **/tour** 即可从原处继续。",
        "closed": "导览已关闭。请重新输入你的问题，或输入 **/tour** 查看总结。",
        "help": ("**导览命令：** **next**（下一步）继续 · **hint**（提示）给点提示 · **skip**（跳过）显示答案并继续 · "
                 "**repeat**（重复）再看一遍本步 · **status**（进度）当前位置 · **restart**（重新开始）从头来过 · "
                 "**quit**（退出）暂停，进度会保存。"),
        "summary.head": "## 导览完成",
        "summary.intro": "你完成了全部 {total} 节课：{asked} 道题中答对 {right} 道（含重试后答对），跳过 {skipped} 道。",
        "summary.table": "| # | 课程 | 练习 | 测验 |\n|---|---|---|---|",
        "summary.correct": "正确",
        "summary.correct_after": "第 {n} 次答对",
        "summary.skipped": "跳过",
        "summary.none": "未完成",
        "summary.next": ("**接下来：** 用中文或英文向 podtalk 提任何关于 Pod 网络的问题，把清单粘贴到对话里，"
                         "或对你自己的清单运行 `podtalk inspect FILE`。"),
        "summary.restart": "输入 **restart**（重新开始）再走一遍导览，或输入 **quit**（退出）回到对话。",
        "status.word": "**当前位置：** {status}",
        "kb.quote": "> **{title}**（`{id}`）：{summary}",
        "kb.item": "{title}（`{id}`）",
    },
}


def t(lang: str, key: str, **kw: Any) -> str:
    """The ``key`` string in ``lang`` (English as fallback), formatted with ``kw``."""
    text = STRINGS.get(lang, STRINGS["en"]).get(key) or STRINGS["en"][key]
    return text.format(**kw) if kw else text


def step_name(lang: str, step: str) -> str:
    return t(lang, f"step.{step}")


@lru_cache(maxsize=256)
def kb_entry(entry_id: str) -> dict[str, Any] | None:
    """The raw YAML of one KB entry (no validation; the tests check the ids), or None if missing."""
    from assistant.paths import kb_dir

    for path in sorted((kb_dir() / "entries").glob(f"*/{entry_id}.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            return None
        return data if isinstance(data, dict) else None
    return None


_CODE_RE = re.compile(r"(`[^`]*`)")
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
# A soft break between two CJK characters, or after CJK punctuation unless a blank line, list item,
# quote or code fence follows (those breaks are structure, not wrapping).
_CJK_JOIN_RE = re.compile(rf"(?<=[{_CJK}])\n[ \t]*(?=[{_CJK}])|(?<=[。，；：、！？）」])\n[ \t]*(?![\n\-*>`]|\d+\. )")


def prose(text: str, lang: str) -> str:
    """Chinese text wrapped in the YAML source: join soft breaks between CJK characters without a space.

    Markdown turns a soft line break into a space, which is right between English words but shows
    as a stray gap in Chinese (``。 kubelet``, ``拼上 各个``). Breaks next to Latin text keep their space.
    """
    text = text.strip()
    if lang != "zh":
        return text
    return _CJK_JOIN_RE.sub("", text)


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
        summary = " ".join(entry["summary"][lang].split())
        return t(lang, "kb.quote", title=md_escape(entry["title"][lang]), id=m.group(1), summary=summary)

    return _QUOTE_RE.sub(quote, text)


def rule_title(rule_id: str, lang: str) -> str:
    from assistant.inspection.catalog import load_catalog

    info = load_catalog().get(rule_id)
    return info.text("title", lang) if info else rule_id


def _builds_on(lesson: Lesson, lang: str) -> str:
    items = []
    for kid in lesson.kb:
        entry = kb_entry(kid)
        title = md_escape(entry["title"][lang]) if entry else kid
        items.append(t(lang, "kb.item", title=title, id=kid))
    return t(lang, "lesson.builds_on", items="; ".join(items) if lang == "en" else "；".join(items))


def render_explanation(lesson: Lesson, total: int, lang: str) -> str:
    parts = [t(lang, "lesson.head", n=lesson.number, total=total, title=lesson.title[lang]),
             expand_kb_quotes(prose(lesson.explanation[lang], lang), lang),
             _builds_on(lesson, lang),
             t(lang, "lesson.footer")]
    return "\n\n".join(parts)


def _yaml_block(manifest: str) -> str:
    return "```yaml\n" + manifest.strip("\n") + "\n```"


def render_exercise(lesson: Lesson, total: int, lang: str) -> str:
    ex: Exercise = lesson.exercise
    options = "\n".join(f"- **{_LETTERS[i]})** `{rid}`: {md_escape(rule_title(rid, lang))}" for i, rid in enumerate(ex.options))
    parts = [t(lang, "exercise.head", n=lesson.number, total=total), prose(ex.prompt[lang], lang)]
    if ex.namespace != "default":
        parts.append(f"_namespace: `{ex.namespace}`_")
    parts += [_yaml_block(ex.manifest), options, t(lang, "exercise.footer")]
    return "\n\n".join(parts)


def render_quiz(lesson: Lesson, total: int, lang: str) -> str:
    quiz: Quiz = lesson.quiz
    parts = [t(lang, "quiz.head", n=lesson.number, total=total), prose(quiz.question[lang], lang)]
    if quiz.manifest:
        parts.append(_yaml_block(quiz.manifest))
    if quiz.kind == "choice":
        parts.append("\n".join(f"- **{_LETTERS[i]})** {c.text[lang]}" for i, c in enumerate(quiz.options)))
        parts.append(t(lang, "quiz.footer.choice"))
    else:
        parts.append(t(lang, "quiz.footer.text"))
    return "\n\n".join(parts)


@lru_cache(maxsize=64)
def reported_rules(manifest: str, namespace: str) -> frozenset[str]:
    """Rule ids the inspector reports for a manifest (cached: lessons are fixed data)."""
    from assistant.inspection import inspect_text

    return frozenset(f.rule for f in inspect_text(manifest, namespace=namespace).findings)


def inspector_confirmation(exercise: Exercise, lang: str) -> str:
    """The findings of the exercise's rule as ``podtalk inspect`` reports them (messages are English)."""
    from assistant.inspection import inspect_text

    report = inspect_text(exercise.manifest, namespace=exercise.namespace)
    lines = [t(lang, "finding", severity=f.severity, rule=f.rule, object=f.object, line=f.line, message=f.message)
             for f in report.findings if f.rule == exercise.rule]
    if not lines:  # cannot happen for an audited lesson; say so rather than claim a confirmation
        return ""
    return t(lang, "confirm") + "\n>\n" + "\n>\n".join(lines)
