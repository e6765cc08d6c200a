"""``python -m assistant.tour``: the tour in a plain terminal (an ``input()`` loop, no TUI).

Useful for testing and for people who do not want the chat UI. Markdown is rendered with Rich when
stdout is a terminal, printed as-is otherwise (or with ``--plain``). ``--check`` validates the
lessons (KB ids, inspector findings, computed answers) and exits 1 on a problem.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _detect_lang() -> str:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def main(argv: list[str] | None = None) -> int:
    from assistant.errors import PodtalkError

    parser = argparse.ArgumentParser(prog="python -m assistant.tour", description="podtalk's onboarding tour in a plain terminal")
    parser.add_argument("--lang", choices=("auto", "en", "zh"), default="auto", help="language (default: from $LANG)")
    parser.add_argument("--state", type=Path, default=None, help="progress file (default: state_dir()/tour.json)")
    parser.add_argument("--reset", action="store_true", help="forget saved progress and start from lesson 1")
    parser.add_argument("--plain", action="store_true", help="print Markdown source instead of rendering it")
    parser.add_argument("--check", action="store_true", help="validate the lessons and exit")
    args = parser.parse_args(argv)
    lang = _detect_lang() if args.lang == "auto" else args.lang
    try:
        if args.check:
            return _check()
        from assistant.tour import TourSession

        session = TourSession(lang=lang, state_path=args.state)
        if args.reset:
            session.reset()
        show = _printer(plain=args.plain or not sys.stdout.isatty())
        show(session.start_or_resume())
        while session.active:
            try:
                line = input("\n" + session.status() + " > ")
            except (EOFError, KeyboardInterrupt):
                print()
                show(session.handle("quit"))
                break
            if line.strip():
                show(session.handle(line))
        return 0
    except PodtalkError as exc:
        print(f"podtalk tour: {exc}", file=sys.stderr)
        return exc.exit_code


def _printer(plain: bool):
    if plain:
        return lambda text: print(text, flush=True)
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console()
    return lambda text: console.print(Markdown(text))


def _check() -> int:
    from assistant.tour import audit_lessons, load_lessons

    lessons = load_lessons()
    problems = audit_lessons(lessons)
    for p in problems:
        print(p)
    print(f"{len(lessons)} lessons, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
