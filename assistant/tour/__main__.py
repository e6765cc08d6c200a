"""``python -m assistant.tour``: the tour in a plain terminal (an ``input()`` loop, no TUI).

Useful for testing and for people who do not want the chat UI. Markdown is rendered with Rich when
stdout is a terminal, printed as-is otherwise (or with ``--plain``). A pasted manifest (a line
starting with ``apiVersion:``, ``kind:`` or ``---``) is read up to the next empty line and handed to
the tour as one answer. ``--practice FILE`` turns the inspector's findings on your own manifest into
exercises; ``--check`` validates the lessons (KB ids, inspector findings, reference fixes, computed
answers) and exits 1 on a problem.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from assistant import languages

_MANIFEST_START = ("apiVersion:", "kind:", "---", "metadata:")


def _detect_lang() -> str:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return languages.normalize(value)
    return languages.DEFAULT


def build_parser(prog: str = "python -m assistant.tour") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="podtalk's onboarding tour in a plain terminal")
    parser.add_argument("--lang", choices=("auto", *languages.codes()), default="auto", help="tour language (default: from $LANG)")
    parser.add_argument("--state", type=Path, default=None, help="progress file (default: state_dir()/tour.json)")
    parser.add_argument("--reset", action="store_true", help="forget saved progress and start from lesson 1")
    parser.add_argument("--plain", action="store_true", help="print Markdown source instead of rendering it")
    parser.add_argument("--check", action="store_true", help="validate the lessons and exit")
    parser.add_argument("--practice", metavar="FILE", type=Path, default=None,
                        help="practise on your own manifest: one exercise per problem `podtalk inspect` finds")
    parser.add_argument("--namespace", default="default", help="with --practice: namespace for objects without one")
    parser.add_argument("--export", action="store_true", help="write the completion record (JSON and Markdown) and exit")
    return parser


def read_answer(first: str, read=input) -> str:  # noqa: ANN001 - read is input() or a test double
    """One answer; a pasted manifest continues until an empty line (or end of input)."""
    if not first.lstrip().startswith(_MANIFEST_START):
        return first
    lines = [first]
    while True:
        try:
            line = read("")
        except EOFError:
            break
        if not line.strip():
            break
        lines.append(line)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    from assistant.errors import PodtalkError

    args = build_parser().parse_args(argv)
    lang = _detect_lang() if args.lang == "auto" else args.lang
    try:
        if args.check:
            return _check()
        session = _session(args, lang)
        if args.reset:
            session.reset()
        show = _printer(plain=args.plain or not sys.stdout.isatty())
        if args.export:
            show(session.handle("export"))
            return 0
        show(session.start_or_resume())
        while session.active:
            try:
                line = read_answer(input("\n" + session.status() + " > "))
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


def _session(args: argparse.Namespace, lang: str):
    from assistant.tour import TourSession

    if args.practice is None:
        return TourSession(lang=lang, state_path=args.state, shell="terminal")
    from assistant.tour.practice import practice_session

    return practice_session(args.practice, lang=lang, namespace=args.namespace, state_path=args.state)


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
