#!/usr/bin/env python3
"""Pick knowledge-base entries at random for a manual re-audit against the current docs.

    .venv/bin/python eval/audit_sample.py --seed 20261205            # 20 entries, a Markdown checklist
    .venv/bin/python eval/audit_sample.py --seed 7 --count 5 --json  # machine-readable

The choice depends only on the seed and the set of entry ids (sorted), so anyone can reproduce a sample
from the seed recorded in a review note. For each entry the checklist shows what to check: every fact,
command and table row in both languages against the cited sources, plus when it was last verified.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.errors import KBError  # noqa: E402
from assistant.knowledge.loader import Entry, load_kb  # noqa: E402


def sample_entries(entries: list[Entry], seed: int, count: int) -> list[Entry]:
    """``count`` entries chosen with ``random.Random(seed)`` from the entries sorted by id."""
    ordered = sorted(entries, key=lambda e: e.id)
    return random.Random(seed).sample(ordered, min(count, len(ordered)))


def describe(entry: Entry) -> dict:
    """What a reviewer has to check in one entry."""
    data = entry.data
    return {
        "id": entry.id,
        "topic": entry.topic,
        "file": str(entry.path),
        "facts": len(data["facts"]),
        "commands": len(data["commands"]) + sum(1 for s in data.get("steps", []) if s.get("cmd")),
        "table_rows": len((data.get("table") or {}).get("rows", [])),
        "has_example": bool(data.get("example")),
        "verified": data.get("verified"),
        "sources": data["sources"],
    }


def to_markdown(seed: int, rows: list[dict]) -> str:
    lines = [f"# KB audit sample (seed {seed}, {len(rows)} entries)", ""]
    for row in rows:
        verified = row["verified"] or {}
        lines.append(f"- [ ] `{row['id']}` ({row['topic']}): {row['facts']} facts, {row['commands']} commands, "
                     f"{row['table_rows']} table rows{', example' if row['has_example'] else ''}; "
                     f"verified: {verified.get('kubernetes', 'never')} {verified.get('date', '')}".rstrip())
        lines += [f"  - {url}" for url in row["sources"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True, help="random seed; record it in the review note")
    parser.add_argument("--count", type=int, default=20, help="entries to pick (default 20)")
    parser.add_argument("--kb", type=Path, default=None, help="knowledge-base directory (default: kb/)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a Markdown checklist")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    try:
        kb = load_kb(args.kb)
    except KBError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = [describe(e) for e in sample_entries(kb.entries, args.seed, args.count)]
    print(json.dumps({"seed": args.seed, "entries": rows}, ensure_ascii=False, indent=1) if args.json
          else to_markdown(args.seed, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
