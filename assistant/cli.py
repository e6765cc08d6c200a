"""The ``podtalk`` command line: arguments, output formats and exit codes.

Nothing heavy is imported at module level (a test asserts ``import assistant.cli`` loads neither
Textual nor torch): each subcommand imports what it needs. Errors from the core arrive as
``PodtalkError`` and become one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, TextIO

from assistant import languages
from assistant.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, PodtalkError
from assistant.progress_bar import progress_bar
from assistant.terminal_safety import strip_unsafe


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 with usage: keep that, shorter
        self.print_usage(sys.stderr)
        print(f"podtalk: error: {strip_unsafe(message)}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


class _VersionAction(argparse.Action):
    """``--version``, looked up only when asked for: ``importlib.metadata`` costs ~15 ms of every
    cold command otherwise."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # noqa: ANN001
        print(f"podtalk {_version()}")
        parser.exit()


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=["auto", *languages.codes()], default="auto",
                   help="answer language (default: the question's)")
    p.add_argument("--namespace", default="default", help="namespace for objects without one (default: default)")
    p.add_argument("--cluster-domain", default="cluster.local", help="cluster DNS domain (default: cluster.local)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="podtalk", description="Learn and check how Kubernetes pods communicate.")
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("chat", help="open the chat UI (the default)")
    _common(p)

    p = sub.add_parser("ask", help="answer one question (or '-' for one per line from stdin)")
    p.add_argument("question", nargs="+", help="the question, or '-' to read questions from stdin")
    p.add_argument("--format", choices=["text", "json", "jsonl"], default="text")
    p.add_argument("--retriever", choices=["hybrid", "dense", "lexical"], default="hybrid")
    _common(p)

    p = sub.add_parser("inspect", help="inspect a manifest (multi-document YAML or JSON)")
    p.add_argument("file", help="manifest file, or '-' for stdin")
    p.add_argument("--format", choices=["text", "json", "sarif", "dot", "html"], default="text",
                   help="text (default), json, sarif, dot (Graphviz reach graph), html (one self-contained page)")
    p.add_argument("--fail-on", choices=["error", "warning", "info", "never"], default="error")
    p.add_argument("--from", dest="reach_from", metavar="NS/NAME", help="reach rows from this workload (NS/* for a namespace)")
    p.add_argument("--to", dest="reach_to", metavar="NS/NAME", help="reach rows to this workload (NS/* for a namespace)")
    p.add_argument("--port", type=int, metavar="N", help="reach rows for this destination port")
    p.add_argument("--denied", action="store_true", help="only denied reach rows")
    p.add_argument("--max-bytes", metavar="N", help="refuse input larger than N bytes (10M, 512k...; "
                   "default $PODTALK_MAX_BYTES or 10 MiB)")
    _common(p)

    p = sub.add_parser("diagnose", help="read pasted command output or error text, rank likely causes")
    p.add_argument("file", help="a file with the output, or '-' for stdin")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--lang", choices=["auto", *languages.codes()], default="auto", help="answer language (default: the text's)")
    p.add_argument("--max-bytes", metavar="N", help="refuse input larger than N bytes (default $PODTALK_MAX_BYTES or 10 MiB)")

    p = sub.add_parser("eval", help="run the answer-quality and inspection evaluation")
    p.add_argument("--questions", nargs="+", metavar="SET",
                   help="question sets: names (dev, heldout, real, fresh) or YAML files, several allowed "
                        "(default: dev = eval/questions.yaml)")
    p.add_argument("--manifests", help="manifest case directory (default: eval/manifests)")
    p.add_argument("--retriever", default="hybrid", help="comma-separated: hybrid,dense,lexical")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--skip-manifests", action="store_true", help="evaluate questions only")
    p.add_argument("--skip-questions", action="store_true", help="evaluate manifests only")
    p.add_argument("--skip-precision", action="store_true",
                   help="skip the precision set (eval/precision.yaml: stray computed answers, scope)")
    _common(p)

    p = sub.add_parser("index", help="build or check the index")
    p.add_argument("--rebuild", action="store_true", help="rebuild even if the cache is fresh")

    p = sub.add_parser("topics", help="list the knowledge base's topics")
    p.add_argument("--lang", choices=list(languages.codes()), default=languages.DEFAULT)

    p = sub.add_parser("tour", help="guided onboarding tour (opens the chat UI)")
    _common(p)
    p.add_argument("--practice", metavar="FILE", default=None,
                   help="practise on your own manifest in the plain terminal: one exercise per problem found")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if not argv or argv[0].startswith("--") and argv[0] not in ("-h", "--help", "--version"):
        argv = ["chat", *argv]
    args = parser.parse_args(argv)
    if not os.environ.get("PODTALK_DEBUG"):
        import warnings

        warnings.showwarning = _show_warning
    try:
        return _dispatch(args)
    except PodtalkError as exc:
        print(f"podtalk: {strip_unsafe(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: still one line, not a traceback (PODTALK_DEBUG=1 shows it)
        if os.environ.get("PODTALK_DEBUG"):
            raise
        print(f"podtalk: internal error: {type(exc).__name__}: {strip_unsafe(str(exc))} (set PODTALK_DEBUG=1 for details)",
              file=sys.stderr)
        return EXIT_USAGE


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("podtalk")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    """Warnings (a damaged index cache being rebuilt...) as one line, not a source excerpt."""
    text = " ".join(str(message).split())
    print(f"podtalk: warning: {strip_unsafe(str(text))}", file=file or sys.stderr)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "ask":
        return cmd_ask(args, sys.stdin, sys.stdout)
    if args.command == "inspect":
        from assistant.inspection.command import StageBar, parse_size, run
        from assistant.inspection.view import ReachFilter

        max_bytes = parse_size(args.max_bytes) if args.max_bytes is not None else None
        reach_filter = ReachFilter.from_options(args.reach_from, args.reach_to, args.port, args.denied)
        return run(args.file, fmt=args.format, fail_on=args.fail_on, namespace=args.namespace,
                   cluster_domain=args.cluster_domain, stdin=sys.stdin, stdout=sys.stdout, max_bytes=max_bytes,
                   reach_filter=reach_filter, progress=StageBar.for_terminal(sys.stderr))
    if args.command == "diagnose":
        from assistant.diagnosis.command import run as run_diagnose
        from assistant.inspection.command import parse_size

        max_bytes = parse_size(args.max_bytes) if args.max_bytes is not None else None
        return run_diagnose(args.file, fmt=args.format, lang=args.lang, stdin=sys.stdin, stdout=sys.stdout,
                            stderr=sys.stderr, max_bytes=max_bytes)
    if args.command == "eval":
        from assistant.evaluation.runner import run_cli

        return run_cli(args, sys.stdout)
    if args.command == "index":
        return cmd_index(args)
    if args.command == "topics":
        return cmd_topics(args)
    if args.command == "tour" and args.practice:
        from assistant.tour.__main__ import main as tour_main

        return tour_main(["--practice", args.practice, "--namespace", args.namespace or "default",
                          "--lang", args.lang if args.lang in languages.codes() else "auto"])
    if args.command in ("chat", "tour"):
        return cmd_chat(args)
    raise AssertionError(args.command)


def _print_answer_text(ans: Any, out: TextIO) -> None:
    from assistant.answering.terminal import render_answer

    render_answer(ans, out)


def cmd_ask(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    import gc

    # Loading creates ~100k objects and no garbage cycles worth collecting: the cyclic collector ran
    # ~100 times during a cold answer (~15 ms CPU). It stays off for the first answer unless the index
    # must be built (torch makes real garbage); a batch then freezes what is loaded (later collections
    # skip it) and collects as usual.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _ask(args, stdin, stdout)
    finally:
        if was_enabled:
            gc.enable()


def _ask(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    import gc

    from assistant.engine import Assistant

    if args.question == ["-"]:
        if stdin.isatty():
            print("podtalk: 'ask -' reads questions from stdin; pipe some in (one per line)", file=sys.stderr)
            return EXIT_USAGE
        raw = stdin.read()
        from assistant.diagnosis.pasted import looks_like_pasted_output

        if looks_like_pasted_output(raw):  # pasted command output is one input, not one question per line
            questions = [raw]
        else:
            questions = [q for q in (ln.rstrip("\r") for ln in raw.split("\n")) if q.strip()]
        if not questions:
            print("podtalk: no questions on stdin", file=sys.stderr)
            return EXIT_USAGE
    else:
        questions = [" ".join(args.question)]
        if not questions[0].strip():
            print("podtalk: the question is empty; ask something, e.g. podtalk ask 'what is a headless service'",
                  file=sys.stderr)
            return EXIT_USAGE
    from assistant.answering.sanitize import json_safe

    assistant = Assistant(cluster_domain=args.cluster_domain, namespace=args.namespace)
    bar = progress_bar("podtalk: building the search index (first run only)")

    def building(done: int, total: int) -> None:
        gc.enable()
        if bar is not None:
            bar(done, total)

    assistant.retriever.on_build_progress = building
    fmt = args.format
    if fmt == "json" and len(questions) > 1:
        fmt = "jsonl"
    for i, q in enumerate(questions):
        if i == 1:
            gc.freeze()
            gc.enable()
        ans = assistant.ask(q, lang=args.lang, retriever=args.retriever)
        if fmt == "json":
            stdout.write(json_safe(json.dumps(ans.to_dict(), ensure_ascii=False, indent=2)) + "\n")
        elif fmt == "jsonl":
            stdout.write(json_safe(json.dumps(ans.to_dict(), ensure_ascii=False)) + "\n")
            stdout.flush()
        else:
            _print_answer_text(ans, stdout)
    return EXIT_OK


def cmd_index(args: argparse.Namespace) -> int:
    import time

    from assistant.knowledge.loader import load_kb
    from assistant.retrieval.retriever import Retriever

    t0 = time.perf_counter()
    kb = load_kb()
    retriever = Retriever(kb, rebuild=args.rebuild)
    retriever.on_build_progress = progress_bar("podtalk: building the search index")
    data = retriever.data()
    from assistant.answering.compose import warm_token_table

    warm_token_table(kb)  # the answer ranking's KB tokens, so the first 'ask' needs no jieba for English
    from assistant.diagnosis.diagnose import diagnoser_for

    diagnoser_for(retriever).matcher.warm()  # the causes' symptom-phrase vectors, cached like the index
    ms = (time.perf_counter() - t0) * 1000
    where = data.path if data.path else "memory (cache directory not writable)"
    vectors = 0 if data.vectors is None else data.vectors.shape[0]
    print(f"index {retriever.index_status}: {len(kb.entries)} entries, {vectors} vectors, at {where} ({ms:.0f} ms)")
    if retriever.degraded_reason:
        print(f"warning: dense retrieval unavailable: {retriever.degraded_reason}", file=sys.stderr)
    return EXIT_OK


def cmd_topics(args: argparse.Namespace) -> int:
    from assistant.knowledge.loader import load_kb

    kb = load_kb()
    for topic, entries in kb.topics().items():
        print(f"{topic}")
        for e in entries:
            print(f"  {e.id:38} {strip_unsafe(e.title(args.lang))}")
    return EXIT_OK


def cmd_chat(args: argparse.Namespace) -> int:
    manifest = None
    if not sys.stdin.isatty():
        data = sys.stdin.buffer.read()
        if data.strip():
            manifest = data.decode("utf-8", errors="replace")
        try:  # give the UI a keyboard again after reading the pipe
            tty = os.open("/dev/tty", os.O_RDONLY)
            os.dup2(tty, 0)
            os.close(tty)
            sys.stdin = open(0, closefd=False)  # noqa: SIM115
        except OSError:
            print("podtalk: no terminal available for the chat UI; use 'podtalk inspect -' for piped manifests",
                  file=sys.stderr)
            return EXIT_USAGE
    from assistant.tui.app import run_app

    return run_app(lang=args.lang, namespace=args.namespace, cluster_domain=args.cluster_domain,
                   manifest=manifest, start_tour=args.command == "tour")
