"""``python -m assistant.knowledge.check [KB_DIR]``: validate the KB and print a per-topic count."""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.errors import KBError
from assistant.knowledge.loader import load_kb


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        kb = load_kb(Path(args[0]) if args else None)
    except KBError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    problems = kb.dangling_related()
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    for topic, entries in kb.topics().items():
        print(f"{topic:30} {len(entries):3}  {', '.join(e.id for e in entries)}")
    print(f"{len(kb.entries)} entries, {len(kb.glossary)} glossary pairs")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
