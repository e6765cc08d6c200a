"""The tour as a conversation: one :class:`TourSession` per learner, driven by typed input.

Every lesson runs explanation -> exercise (name the rule) -> fix (edit or paste the manifest;
the real inspector re-checks it) -> quiz. A wrong answer gets an explanation of that option and
may be retried, ``skip`` reveals the answer and moves on, and finishing the last quiz shows a
summary. Progress (with the learner's shuffle seed) is saved after every step, so a new session
with the same state file resumes where the last one stopped, with the same option letters. The
session knows nothing about who shows its Markdown; ``shell`` ("chat" or "terminal") only picks
the wording of messages that differ (how to resume, where to ask questions).

Public API used by the chat UI: ``TourSession(lang=...)``, ``.active``, ``.lang`` (settable),
``.start_or_resume()``, ``.handle(text)``, ``.status()``, ``.reset()``; plus ``.wants_manifest``
(True while a pasted manifest should go to the tour rather than to ``inspect``).

>>> import tempfile, pathlib
>>> s = TourSession(lang="en", state_path=pathlib.Path(tempfile.mkdtemp()) / "tour.json")
>>> s.start_or_resume().startswith("**Welcome to the podtalk tour.**")
True
>>> s.status()
'Tour 1/17: The pod network model and CNI · lesson'
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from assistant import languages
from assistant.atomic import atomic_write_text
from assistant.tour import render
from assistant.tour.checking import Verdict, check_exercise, check_quiz, command_of, dns_names, lesson_number, yes_no
from assistant.tour.inspecting import FixResult, check_fix, looks_like_manifest, reach_verdict
from assistant.tour.lessons import load_lessons
from assistant.tour.model import Lesson
from assistant.tour.progress import STEPS, Progress, default_state_path, load_progress, new_seed, save_progress
from assistant.tour.record import build_record, record_markdown, write_record
from assistant.tour.render import LETTERS, t
from assistant.tour.shuffle import plan_orders

__all__ = ["TourSession", "SHELLS"]

HINT_AFTER = 2
"""Wrong answers on one step after which the hint is shown unasked."""
SHELLS = ("chat", "terminal")


class TourSession:
    """A resumable walk through the tour's lessons for one learner."""

    def __init__(self, lang: str = "en", state_path: str | Path | None = None,
                 lessons: list[Lesson] | None = None, shell: str = "chat", seed: int | None = None,
                 intro: str | None = None) -> None:
        self.lang: str = languages.normalize(lang)
        """Language of every message (a registered code: ``en`` or ``zh``)."""
        self.shell: str = shell if shell in SHELLS else "chat"
        """Who shows the tour: ``chat`` (the TUI) or ``terminal`` (``python -m assistant.tour``)."""
        self.state_path: Path = Path(state_path) if state_path else default_state_path()
        """Where progress is saved (``state_dir()/tour.json`` by default)."""
        self.work_dir: Path = self.state_path.parent / (self.state_path.stem + "-work")
        """Where each exercise's manifest is written for the learner to edit."""
        self.lessons: list[Lesson] = list(lessons) if lessons is not None else load_lessons()
        """The lessons in tour order."""
        self.intro = intro
        """Replaces the welcome text (practice mode)."""
        self.active: bool = False
        """True while the tour owns the learner's input (after :meth:`start_or_resume`, until quit or the end)."""
        self._seed = seed
        self._confirm_restart = False
        self.progress: Progress = load_progress(self.state_path)
        self._normalize_position()

    # -- position ----------------------------------------------------------------------------
    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def index(self) -> int:
        """0-based index of the current lesson."""
        ids = [lesson.id for lesson in self.lessons]
        return ids.index(self.progress.lesson) if self.progress.lesson in ids else 0

    @property
    def lesson(self) -> Lesson:
        return self.lessons[self.index]

    @property
    def step(self) -> str:
        return self.progress.step

    @property
    def finished(self) -> bool:
        return self.progress.finished

    @property
    def minutes(self) -> int:
        """Expected time for the whole tour."""
        return sum(lesson.minutes for lesson in self.lessons)

    @property
    def wants_manifest(self) -> bool:
        """True while a pasted manifest is an answer (exercise and fix steps), so the chat should pass it here."""
        return self.active and not self.finished and self.step in ("exercise", "fix")

    def work_file(self, lesson: Lesson | None = None) -> Path:
        """The file holding ``lesson``'s manifest for the learner to edit."""
        lesson = lesson or self.lesson
        return self.work_dir / f"{lesson.number:02d}-{lesson.id}.yaml"

    def option_order(self, lesson: Lesson | None = None, part: str = "exercise") -> list[int]:
        """Shown position -> authored option index for this learner (stable for the saved seed)."""
        lesson = lesson or self.lesson
        plan = plan_orders(self._ensure_seed(), self.lessons)
        n = len(lesson.exercise.options) if part == "exercise" else len(lesson.quiz.options)
        return plan.get((lesson.id, part), list(range(n)))

    def shown_letter(self, lesson: Lesson, part: str, authored_index: int) -> str:
        return LETTERS[self.option_order(lesson, part).index(authored_index)]

    def _ensure_seed(self) -> int:
        if self.progress.seed is None:
            self.progress.seed = self._seed if self._seed is not None else new_seed()
        return self.progress.seed

    def _normalize_position(self) -> None:
        ids = [lesson.id for lesson in self.lessons]
        if self.progress.lesson not in ids:
            self.progress.lesson, self.progress.step, self.progress.attempts = ids[0], "explanation", 0
            self.progress.found = []
        self._ensure_seed()
        if not self.progress.started:
            self.progress.started = datetime.now(timezone.utc).isoformat(timespec="seconds")

    def _save(self) -> None:
        save_progress(self.state_path, self.progress)

    def _t(self, key: str, **kw) -> str:
        return t(self.lang, key, self.shell, **kw)

    def _out(self, text: str) -> str:
        return render.tidy_zh(text) if languages.joins_without_spaces(self.lang) else text

    # -- public API ----------------------------------------------------------------------------
    def status(self) -> str:
        """One line: ``Tour 3/17: DNS · quiz`` (Chinese when ``lang="zh"``)."""
        if self.finished:
            return self._t("status.done", total=self.total)
        return self._t("status", n=self.index + 1, total=self.total, title=self.lesson.title[self.lang],
                       step=render.step_name(self.lang, self.step))

    def start_or_resume(self) -> str:
        """Markdown of the current step (with a welcome line); makes the session active."""
        self.progress = load_progress(self.state_path)  # another session may have moved on
        self._normalize_position()
        self.active = True
        self._confirm_restart = False
        if self.finished:
            return self._out(self._summary() + "\n\n" + self._t("summary.restart"))
        fresh = not self.progress.results and self.index == 0 and self.step == "explanation"
        if fresh:
            head = self.intro or self._t("welcome", total=self.total, minutes=self.minutes)
        else:
            head = self._t("resume", n=self.index + 1, total=self.total, title=self.lesson.title[self.lang],
                           step=render.step_name(self.lang, self.step))
        self._save()
        return self._out(head + "\n\n" + self._render_step())

    def reset(self) -> None:
        """Forget all progress (the state file is rewritten, not left behind); a new shuffle seed."""
        self.progress = Progress()
        self._normalize_position()
        self._save()

    def handle(self, text: str) -> str:
        """Process one line (or one pasted manifest) of learner input; returns Markdown feedback and the next step."""
        return self._out(self._handle(text))

    def _handle(self, text: str) -> str:
        self.active = True
        cmd = command_of(text)
        if self._confirm_restart:
            self._confirm_restart = False
            if yes_no(text) is True or cmd == "restart":
                self.reset()
                return self.start_or_resume()
            return self._t("restart.kept") + "\n\n---\n\n" + self._render_step()
        if looks_like_manifest(text):
            return self._on_manifest(text)
        jump = lesson_number(text)
        if jump is not None:
            return self._jump(jump)
        if cmd == "quit":
            return self._pause()
        if cmd == "restart":
            done = sum(1 for r in self.progress.results.values() if r)
            if not done and self.index == 0:
                self.reset()
                return self.start_or_resume()
            self._confirm_restart = True
            return self._t("restart.confirm", done=done)
        if cmd == "help":
            return self._t("help")
        if cmd == "status":
            return self._t("status.word", status=self.status())
        if cmd == "menu":
            return self._menu()
        if cmd == "export":
            return self._export()
        if cmd == "lab":
            self._ensure_work_file()
            return render.render_lab(self.lesson, self.lang, self.work_file())
        if cmd == "back":
            return self._back()
        if self.finished:
            if cmd == "repeat":
                return self._summary() + "\n\n" + self._t("summary.restart")
            if self.shell == "chat":
                self.active = False
            return self._t("closed")
        if cmd == "repeat":
            return self._render_step()
        if self.step == "explanation":
            return self._on_explanation(cmd)
        if self.step == "exercise":
            return self._on_exercise(cmd, text)
        if self.step == "fix":
            return self._on_fix(cmd, text)
        return self._on_quiz(cmd, text)

    # -- navigation ------------------------------------------------------------------------------
    def _move(self, index: int, step: str) -> None:
        self.progress.lesson = self.lessons[index].id
        self.progress.step = step
        self.progress.attempts = 0
        self.progress.found = []
        self.progress.finished = False

    def _jump(self, n: int) -> str:
        if not 1 <= n <= self.total:
            return self._t("jump.bad", n=n, total=self.total)
        self._move(n - 1, "explanation")
        self._save()
        return self._render_step()

    def _back(self) -> str:
        if self.finished:
            self._move(self.total - 1, STEPS[-1])
        else:
            pos = STEPS.index(self.step)
            if pos > 0:
                self._move(self.index, STEPS[pos - 1])
            elif self.index > 0:
                self._move(self.index - 1, STEPS[-1])
            else:
                return self._t("back.start")
        self._save()
        return self._render_step()

    def _menu(self) -> str:
        rows = []
        for lesson in self.lessons:
            res = self.progress.results.get(lesson.id, {})
            done = self._t("menu.done") if len(res) >= 3 else self._t("menu.partial") if res else self._t("menu.todo")
            if lesson.id == self.lesson.id and not self.finished:
                done = (done + " " + self._t("menu.here")).strip()
            rows.append(self._t("menu.row", n=lesson.number, title=lesson.title[self.lang], minutes=lesson.minutes,
                                done=done))
        return "\n\n".join([self._t("menu.head", minutes=self.minutes),
                            self._t("menu.table") + "\n" + "\n".join(rows), self._t("menu.tail")])

    def _export(self) -> str:
        record = build_record(self.lessons, self.progress, self.lang)
        markdown = record_markdown(record, lambda key, **kw: self._t(key, **kw))
        json_path, md_path = write_record(record, markdown, self.state_path.parent)
        return self._t("export.done", json=json_path, md=md_path)

    # -- steps ---------------------------------------------------------------------------------
    def _render_step(self) -> str:
        lesson, lang = self.lesson, self.lang
        if self.step == "explanation":
            return render.render_explanation(lesson, self.total, lang, self.shell)
        if self.step == "exercise":
            self._ensure_work_file()
            return render.render_exercise(lesson, self.total, lang, self.option_order(lesson, "exercise"),
                                          self.progress.found)
        if self.step == "fix":
            self._ensure_work_file()
            return render.render_fix(lesson, lang, self.work_file(), self.shell)
        return render.render_quiz(lesson, self.total, lang, self.option_order(lesson, "quiz"))

    def _ensure_work_file(self, overwrite: bool = False) -> None:
        path = self.work_file()
        if overwrite or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(path, self.lesson.exercise.manifest)

    def _pause(self) -> str:
        self.active = False
        self._confirm_restart = False
        self._save()
        if self.finished:
            return self._t("closed")
        return self._t("paused", n=self.index + 1, total=self.total, title=self.lesson.title[self.lang],
                       step=render.step_name(self.lang, self.step))

    def _on_explanation(self, cmd: str | None) -> str:
        if cmd in ("next", "skip"):
            return self._advance()
        if cmd == "hint":
            return self._t("hint.reading")
        return self._t("invalid.reading")

    def _hint(self, hint: dict[str, str]) -> str:
        return self._t("hint", hint=render.prose(hint[self.lang], self.lang))

    def _wrong(self, message: str, hint: dict[str, str]) -> str:
        self.progress.attempts += 1
        self._save()
        if self.progress.attempts >= HINT_AFTER:
            message += "\n\n" + self._hint(hint)
        return message

    def _record(self, step: str, result: str) -> None:
        entry = self.progress.results.setdefault(self.lesson.id, {})
        entry[step] = {"result": result, "attempts": self.progress.attempts}

    def _rules_md(self, rules) -> str:  # noqa: ANN001
        return languages.get(self.lang).list_separator.join(f"`{r}`" for r in rules)

    def _on_exercise(self, cmd: str | None, text: str) -> str:
        ex, lang = self.lesson.exercise, self.lang
        if cmd == "hint":
            return self._hint(ex.hint)
        if cmd == "next":
            return self._t("answer_first")
        if cmd == "check":
            return self._check_file(early=True)
        if cmd == "skip":
            feedback = self._t("skipped.rule", rules=self._rules_md(ex.rules))
            return self._conclude_exercise("skipped", feedback)
        from assistant.inspection.catalog import load_catalog

        verdict: Verdict = check_exercise(ex, text, frozenset(load_catalog()), self.option_order(self.lesson, "exercise"))
        if verdict.status == "invalid":
            last = LETTERS[len(ex.options) - 1]
            return self._t("invalid.exercise", last=last, count=len(ex.options), example=ex.options[0])
        if verdict.correct:
            if len(ex.rules) > 1:
                if verdict.given in self.progress.found:
                    return self._t("wrong.already", rule=verdict.given, left=len(ex.rules) - len(self.progress.found))
                self.progress.found.append(verdict.given)
                self._save()
                confirmation = render.inspector_confirmation(ex, lang, [verdict.given])
                if len(self.progress.found) < len(ex.rules):
                    found = self._rules_md(self.progress.found)
                    return "\n\n".join([self._t("correct.rule", rule=verdict.given), confirmation,
                                        self._t("exercise.found", found=found,
                                                left=len(ex.rules) - len(self.progress.found))])
                return self._conclude_exercise("correct", self._t("correct.rule", rule=verdict.given))
            return self._conclude_exercise("correct", self._t("correct.rule", rule=verdict.given))
        title = render.md_escape(render.rule_title(verdict.given, lang))
        if verdict.given in render.findings_of_rules(ex):
            # A true finding, just not the one the question is about: say so, and do not count it.
            return self._t("wrong.also", rule=verdict.given, title=title)
        why = ex.why_not.get(verdict.given)
        if why:
            return self._wrong(self._t("wrong.rule", rule=verdict.given, why=render.prose(why[lang], lang)), ex.hint)
        return self._wrong(self._t("wrong.rule.unknown", rule=verdict.given, title=title), ex.hint)

    def _conclude_exercise(self, result: str, feedback: str) -> str:
        ex = self.lesson.exercise
        self._record("exercise", result)
        self.progress.found = []
        parts = [feedback]
        confirmation = render.inspector_confirmation(ex, self.lang)
        if confirmation:
            parts.append(confirmation)
        parts.append(self._t("why", text=render.prose(ex.explain[self.lang], self.lang)))
        parts.append("---")
        parts.append(self._advance())
        return "\n\n".join(parts)

    # -- the fix ----------------------------------------------------------------------------------
    def _check_file(self, early: bool = False) -> str:
        path = self.work_file()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            self._ensure_work_file(overwrite=True)
            return self._t("fix.nofile", path=path)
        return self._on_fixed_text(text, early)

    def _on_manifest(self, text: str) -> str:
        """A pasted manifest: a fix attempt in the exercise and fix steps, inspected and summarised elsewhere."""
        if not self.finished and self.step in ("exercise", "fix"):
            return self._on_fixed_text(text, early=self.step == "exercise")
        from assistant.errors import ManifestError
        from assistant.inspection import inspect_text

        try:
            report = inspect_text(text)
        except ManifestError as exc:
            return self._t("fix.invalid", error=str(exc).rstrip("."), path=self.work_file())
        counts = {s: sum(1 for f in report.findings if f.severity == s) for s in ("error", "warning", "info")}
        summary = self._t("manifest.summary", errors=counts["error"], warnings=counts["warning"], infos=counts["info"])
        return self._t("manifest.elsewhere", summary=summary) + "\n\n---\n\n" + self._render_step()

    def _fix_report(self, result: FixResult) -> str:
        key = "fix.fixed.many" if len(result.gone) > 1 else "fix.fixed"
        lines = [self._t(key, rules=self._rules_md(result.gone))]
        if result.remaining:
            lines.append(self._t("fix.others", count=len(result.remaining)) + "\n>\n"
                         + render.render_findings(result.remaining, self.lang))
        else:
            lines.append(self._t("fix.clean"))
        return "\n\n".join(lines)

    def _on_fixed_text(self, text: str, early: bool) -> str:
        ex = self.lesson.exercise
        path = self.work_file()
        result = check_fix(ex, text)
        if result.status == "invalid":
            return self._t("fix.invalid", error=result.error.rstrip("."), path=path)
        if result.status == "still":
            if early:  # not fixed, and not an answer to "which rule?": show what still fires, count nothing
                return self._t("fix.still") + "\n>\n" + render.render_findings(result.still, self.lang)
            return self._wrong(self._t("fix.still") + "\n>\n" + render.render_findings(result.still, self.lang)
                               + "\n\n" + self._t("fix.still.tail", path=path), ex.fix_hint)
        if result.status == "missing":
            objects = self._rules_md(result.missing)
            return self._wrong(self._t("fix.missing", objects=objects), ex.fix_hint)
        if result.status == "broken":
            return self._wrong(self._t("fix.broken") + "\n>\n" + render.render_findings(result.new_errors, self.lang)
                               + "\n\n" + self._t("fix.broken.tail"), ex.fix_hint)
        parts = []
        if early:
            self._record("exercise", "correct")
            self.progress.found = []
            parts.append(self._t("fix.early", rules=self._rules_md(ex.rules)))
        self._record("fix", "correct")
        parts.append(self._fix_report(result))
        if early:
            parts.append(self._t("why", text=render.prose(ex.explain[self.lang], self.lang)))
        self.progress.step = "fix"
        parts += ["---", self._advance()]
        return "\n\n".join(parts)

    def _on_fix(self, cmd: str | None, text: str) -> str:
        ex = self.lesson.exercise
        if cmd == "hint":
            return self._hint(ex.fix_hint)
        if cmd == "check":
            return self._check_file()
        if cmd == "skip":
            self._record("fix", "skipped")
            if ex.fix:
                parts = [self._t("fix.skipped", rules=self._rules_md(ex.rules)),
                         "```yaml\n" + ex.fix.strip("\n") + "\n```"]
            else:  # practice on the learner's own file: no reference fix, only the rule's advice
                parts = [self._t("fix.skipped.nofix"), self._hint(ex.fix_hint)]
            parts += ["---", self._advance()]
            return "\n\n".join(parts)
        if cmd == "next":
            return self._t("invalid.fix", path=self.work_file())
        return self._t("invalid.fix", path=self.work_file())

    # -- the quiz -----------------------------------------------------------------------------------
    def _on_quiz(self, cmd: str | None, text: str) -> str:
        quiz, lang = self.lesson.quiz, self.lang
        order = self.option_order(self.lesson, "quiz")
        if cmd == "hint":
            return self._hint(quiz.hint)
        if cmd == "next":
            return self._t("answer_first")
        verdict_reach = reach_verdict(quiz) if quiz.kind == "reach" else None
        if cmd == "skip":
            if quiz.kind == "choice":
                i = quiz.answer_index
                feedback = self._t("skipped.choice", letter=LETTERS[order.index(i)], text=quiz.options[i].text[lang])
            elif quiz.kind == "reach":
                feedback = self._t("skipped.reach", answer=self._yes_no(verdict_reach.allowed),
                                   reason=verdict_reach.reason)
            else:
                feedback = self._t("skipped.text", answer=quiz.answer)
            return self._conclude("quiz", "skipped", feedback, quiz.explain)
        verdict = check_quiz(quiz, text, lang, order, verdict_reach.allowed if verdict_reach else None)
        if verdict.status == "invalid":
            if quiz.kind == "choice":
                return self._t("invalid.choice", last=LETTERS[len(quiz.options) - 1], count=len(quiz.options))
            return self._t("invalid.reach" if quiz.kind == "reach" else "invalid.text")
        if verdict.correct:
            if quiz.kind == "choice":
                ok = self._t("correct")
            elif quiz.kind == "reach":
                ok = self._t("correct.reach", answer=self._yes_no(verdict_reach.allowed), reason=verdict_reach.reason)
            elif quiz.normalize == "dns":
                ns = quiz.client_namespace or "default"
                forms = languages.get(lang).list_separator.join(f"`{n}`" for n in dns_names(quiz.answer or "", ns))
                ok = self._t("correct.dns", given=verdict.given, answer=(quiz.answer or "").rstrip("."), ns=ns,
                             forms=forms)
            else:
                ok = self._t("correct.text", answer=quiz.answer)
            return self._conclude("quiz", "correct", ok, quiz.explain)
        if quiz.kind == "choice":
            chosen = quiz.options[verdict.chosen or 0]
            why = render.prose(chosen.why[lang], lang) if chosen.why else ""
            return self._wrong(self._t("wrong.choice", letter=LETTERS[order.index(verdict.chosen or 0)], why=why),
                               quiz.hint)
        if quiz.kind == "reach":
            return self._wrong(self._t("wrong.reach"), quiz.hint)
        message = self._t("wrong.text", given=text.strip())
        if verdict.note:
            message += " " + self._t(f"note.{verdict.note}", given=verdict.given)
        return self._wrong(message + " " + self._t("wrong.tail"), quiz.hint)

    def _yes_no(self, allowed: bool) -> str:
        return self._t("reach.yes" if allowed else "reach.no")

    def _conclude(self, step: str, result: str, feedback: str, explain: dict[str, str]) -> str:
        """Record the step's result, explain the right answer, move on and show what comes next."""
        self._record(step, result)
        parts = [feedback, self._t("why", text=render.prose(explain[self.lang], self.lang)), "---", self._advance()]
        return "\n\n".join(parts)

    def _advance(self) -> str:
        """Move to the next step (or lesson, or the summary), save, and render it."""
        self.progress.attempts = 0
        self.progress.found = []
        pos = STEPS.index(self.step)
        if pos + 1 < len(STEPS):
            self.progress.step = STEPS[pos + 1]
            if self.progress.step == "exercise":
                self._ensure_work_file(overwrite=True)
        elif self.index + 1 < self.total:
            self.progress.lesson = self.lessons[self.index + 1].id
            self.progress.step = STEPS[0]
        else:
            self.progress.finished = True
            self.progress.finished_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
            if self.shell == "chat":
                self.active = False
            self._save()
            return self._summary() + "\n\n" + self._t("summary.restart")
        self._save()
        return self._render_step()

    def _summary(self) -> str:
        lang = self.lang
        record = build_record(self.lessons, self.progress, lang)
        rows, weak = [], []
        for lesson, row in zip(self.lessons, record["lessons"]):
            cells = []
            for part in ("exercise", "fix", "quiz"):
                r = row[part]
                if not r:
                    cells.append(self._t("summary.none"))
                elif r["result"] != "correct":
                    cells.append(self._t("summary.skipped"))
                else:
                    cells.append(self._t("summary.correct") if r["tries"] == 1
                                 else self._t("summary.correct_after", n=r["tries"]))
            if any(not row[p] or row[p]["result"] != "correct" or row[p]["tries"] > 2 for p in ("exercise", "fix", "quiz")):
                weak.append(f"{lesson.number} ({lesson.title[lang]})")
            rows.append(f"| {lesson.number} | {lesson.title[lang]} | {cells[0]} | {cells[1]} | {cells[2]} |")
        score = record["score"]
        parts = [self._t("summary.head"),
                 self._t("summary.intro", total=self.total, first=score["right_first_try"], asked=score["answered"],
                         right=score["right"], skipped=score["skipped"]),
                 self._t("summary.table") + "\n" + "\n".join(rows)]
        if weak:
            parts.append(self._t("summary.review", lessons=languages.get(lang).list_separator.join(weak[:5])))
        parts.append(self._t("summary.next"))
        return "\n\n".join(parts)
