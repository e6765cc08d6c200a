"""The tour as a conversation: one :class:`TourSession` per learner, driven by typed input.

Every lesson runs explanation -> exercise -> quiz; a wrong answer gets feedback and may be retried,
``skip`` reveals the answer and moves on, and finishing the last quiz shows a summary. Progress is
saved after every step, so a new session with the same state file resumes where the last one
stopped. The session knows nothing about who shows its Markdown (the chat UI or a plain terminal).

>>> import tempfile, pathlib
>>> s = TourSession(lang="en", state_path=pathlib.Path(tempfile.mkdtemp()) / "tour.json")
>>> s.start_or_resume().startswith("**Welcome to the podtalk tour.**")
True
>>> s.status()
'Tour 1/12: The pod network model and CNI · lesson'
"""

from __future__ import annotations

from pathlib import Path

from assistant.tour import render
from assistant.tour.checking import Verdict, check_exercise, check_quiz, command_of
from assistant.tour.lessons import Lesson, load_lessons
from assistant.tour.progress import STEPS, Progress, default_state_path, load_progress, save_progress
from assistant.tour.render import t

__all__ = ["TourSession"]

_LETTERS = "abcdef"
HINT_AFTER = 2
"""Wrong answers on one step after which the hint is shown unasked."""


class TourSession:
    """A resumable walk through the tour's lessons for one learner."""

    def __init__(self, lang: str = "en", state_path: str | Path | None = None,
                 lessons: list[Lesson] | None = None) -> None:
        self.lang: str = "zh" if str(lang).lower().startswith("zh") else "en"
        """Language of every message (``en`` or ``zh``)."""
        self.state_path: Path = Path(state_path) if state_path else default_state_path()
        """Where progress is saved (``state_dir()/tour.json`` by default)."""
        self.lessons: list[Lesson] = list(lessons) if lessons is not None else load_lessons()
        """The lessons in tour order."""
        self.active: bool = False
        """True while the tour owns the learner's input (after :meth:`start_or_resume`, until quit or the end)."""
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

    def _normalize_position(self) -> None:
        ids = [lesson.id for lesson in self.lessons]
        if self.progress.lesson not in ids:
            self.progress.lesson, self.progress.step, self.progress.attempts = ids[0], "explanation", 0

    def _save(self) -> None:
        save_progress(self.state_path, self.progress)

    # -- public API ----------------------------------------------------------------------------
    def status(self) -> str:
        """One line: ``Tour 3/12: DNS · quiz`` (Chinese when ``lang="zh"``)."""
        if self.finished:
            return t(self.lang, "status.done", total=self.total)
        return t(self.lang, "status", n=self.index + 1, total=self.total, title=self.lesson.title[self.lang],
                 step=render.step_name(self.lang, self.step))

    def start_or_resume(self) -> str:
        """Markdown of the current step (with a welcome line); makes the session active."""
        self.progress = load_progress(self.state_path)  # another session may have moved on
        self._normalize_position()
        self.active = True
        if self.finished:
            return self._summary() + "\n\n" + t(self.lang, "summary.restart")
        fresh = not self.progress.results and self.index == 0 and self.step == "explanation"
        if fresh:
            head = t(self.lang, "welcome", total=self.total)
        else:
            head = t(self.lang, "resume", n=self.index + 1, total=self.total, title=self.lesson.title[self.lang],
                     step=render.step_name(self.lang, self.step))
        self._save()
        return head + "\n\n" + self._render_step()

    def reset(self) -> None:
        """Forget all progress (the state file is rewritten, not left behind)."""
        self.progress = Progress()
        self._normalize_position()
        self._save()

    def handle(self, text: str) -> str:
        """Process one line of learner input; returns Markdown feedback followed by the next step."""
        self.active = True
        cmd = command_of(text)
        if cmd == "quit":
            return self._pause()
        if cmd == "restart":
            self.reset()
            return self.start_or_resume()
        if cmd == "help":
            return t(self.lang, "help")
        if cmd == "status":
            return t(self.lang, "status.word", status=self.status())
        if self.finished:
            if cmd == "repeat":
                return self._summary() + "\n\n" + t(self.lang, "summary.restart")
            self.active = False
            return t(self.lang, "closed")
        if cmd == "repeat":
            return self._render_step()
        if self.step == "explanation":
            return self._on_explanation(cmd)
        if self.step == "exercise":
            return self._on_exercise(cmd, text)
        return self._on_quiz(cmd, text)

    # -- steps ---------------------------------------------------------------------------------
    def _render_step(self) -> str:
        lesson, lang = self.lesson, self.lang
        if self.step == "explanation":
            return render.render_explanation(lesson, self.total, lang)
        if self.step == "exercise":
            return render.render_exercise(lesson, self.total, lang)
        return render.render_quiz(lesson, self.total, lang)

    def _pause(self) -> str:
        self.active = False
        self._save()
        if self.finished:
            return t(self.lang, "closed")
        return t(self.lang, "paused", n=self.index + 1, total=self.total, title=self.lesson.title[self.lang],
                 step=render.step_name(self.lang, self.step))

    def _on_explanation(self, cmd: str | None) -> str:
        if cmd in ("next", "skip"):
            return self._advance()
        if cmd == "hint":
            return t(self.lang, "hint.reading")
        return t(self.lang, "invalid.reading")

    def _hint(self, hint: dict[str, str]) -> str:
        return t(self.lang, "hint", hint=render.prose(hint[self.lang], self.lang))

    def _wrong(self, message: str, hint: dict[str, str]) -> str:
        self.progress.attempts += 1
        self._save()
        if self.progress.attempts >= HINT_AFTER:
            message += "\n\n" + self._hint(hint)
        return message

    def _on_exercise(self, cmd: str | None, text: str) -> str:
        ex, lang = self.lesson.exercise, self.lang
        if cmd == "hint":
            return self._hint(ex.hint)
        if cmd == "next":
            return t(lang, "answer_first")
        if cmd == "skip":
            feedback = t(lang, "skipped.rule", rule=ex.rule)
            return self._conclude("exercise", "skipped", feedback, ex.explain, confirm=True)
        from assistant.inspection.catalog import load_catalog

        verdict: Verdict = check_exercise(ex, text, frozenset(load_catalog()))
        if verdict.status == "invalid":
            return t(lang, "invalid.exercise", last=_LETTERS[len(ex.options) - 1], count=len(ex.options),
                     example=ex.options[0])
        if verdict.correct:
            return self._conclude("exercise", "correct", t(lang, "correct.rule", rule=ex.rule), ex.explain,
                                  confirm=True)
        title = render.rule_title(verdict.given, lang)
        if verdict.given in render.reported_rules(ex.manifest, ex.namespace):
            # A true finding, just not the one the question is about: say so, and do not count it.
            return t(lang, "wrong.also", rule=verdict.given, title=title)
        return self._wrong(t(lang, "wrong.rule", rule=verdict.given, title=title), ex.hint)

    def _on_quiz(self, cmd: str | None, text: str) -> str:
        quiz, lang = self.lesson.quiz, self.lang
        if cmd == "hint":
            return self._hint(quiz.hint)
        if cmd == "next":
            return t(lang, "answer_first")
        if cmd == "skip":
            if quiz.kind == "choice":
                i = quiz.answer_index
                feedback = t(lang, "skipped.choice", letter=_LETTERS[i], text=quiz.options[i].text[lang])
            else:
                feedback = t(lang, "skipped.text", answer=quiz.answer)
            return self._conclude("quiz", "skipped", feedback, quiz.explain)
        verdict = check_quiz(quiz, text, lang)
        if verdict.status == "invalid":
            if quiz.kind == "choice":
                return t(lang, "invalid.choice", last=_LETTERS[len(quiz.options) - 1], count=len(quiz.options))
            return t(lang, "invalid.text")
        if verdict.correct:
            ok = t(lang, "correct") if quiz.kind == "choice" else t(lang, "correct.text", answer=quiz.answer)
            return self._conclude("quiz", "correct", ok, quiz.explain)
        if quiz.kind == "choice":
            return self._wrong(t(lang, "wrong.choice", letter=_LETTERS[verdict.chosen or 0]), quiz.hint)
        return self._wrong(t(lang, "wrong.text", given=text.strip()), quiz.hint)

    def _conclude(self, step: str, result: str, feedback: str, explain: dict[str, str], confirm: bool = False) -> str:
        """Record the step's result, explain the right answer, move on and show what comes next."""
        self.progress.results.setdefault(self.lesson.id, {})[step] = {"result": result,
                                                                      "attempts": self.progress.attempts}
        parts = [feedback]
        if confirm:
            confirmation = render.inspector_confirmation(self.lesson.exercise, self.lang)
            if confirmation:
                parts.append(confirmation)
        parts.append(t(self.lang, "why", text=render.prose(explain[self.lang], self.lang)))
        parts.append("---")
        parts.append(self._advance())
        return "\n\n".join(parts)

    def _advance(self) -> str:
        """Move to the next step (or lesson, or the summary), save, and render it."""
        self.progress.attempts = 0
        pos = STEPS.index(self.step)
        if pos + 1 < len(STEPS):
            self.progress.step = STEPS[pos + 1]
        elif self.index + 1 < self.total:
            self.progress.lesson = self.lessons[self.index + 1].id
            self.progress.step = STEPS[0]
        else:
            self.progress.finished = True
            self.active = False
            self._save()
            return self._summary()
        self._save()
        return self._render_step()

    def _summary(self) -> str:
        lang = self.lang
        rows, right, skipped, asked = [], 0, 0, 0
        for lesson in self.lessons:
            res = self.progress.results.get(lesson.id, {})
            cells = []
            for step in ("exercise", "quiz"):
                r = res.get(step)
                if not r:
                    cells.append(t(lang, "summary.none"))
                    continue
                asked += 1
                if r.get("result") == "correct":
                    right += 1
                    n = int(r.get("attempts", 0)) + 1
                    cells.append(t(lang, "summary.correct") if n == 1 else t(lang, "summary.correct_after", n=n))
                else:
                    skipped += 1
                    cells.append(t(lang, "summary.skipped"))
            rows.append(f"| {lesson.number} | {lesson.title[lang]} | {cells[0]} | {cells[1]} |")
        return "\n\n".join([
            t(lang, "summary.head"),
            t(lang, "summary.intro", total=self.total, right=right, asked=asked, skipped=skipped),
            t(lang, "summary.table") + "\n" + "\n".join(rows),
            t(lang, "summary.next"),
        ])
