"""Precision of the answers (issue 15): is podtalk ever confidently wrong?

Reads a precision set (``eval/precision.yaml``: negatives, positives, near-domain out-of-scope
questions) and, optionally, a dev set in the contract's question format, asks every question through
``Assistant.ask`` and reports:

* ``stray_computed``: computed answers given to questions that did not ask for one (target 0);
* ``computed_accuracy``: share of positives answered with the expected kind and every expected value;
* ``oos_precision`` / ``oos_recall``: of the declines, how many were out of scope; of the out-of-scope
  questions, how many were declined;
* ``false_declines``: share of in-scope questions declined (target <= 0.02).

``python -m assistant.evaluation.precision [PRECISION_SET] [--questions DEV_SET]`` prints them.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant import languages
from assistant.errors import UsageError
from assistant.evaluation.datasets import load_questions, read_yaml_list

KINDS = ("negative", "positive", "out-of-scope")


@dataclass
class PrecisionItem:
    """One question of a precision set."""

    id: str
    kind: str
    lang: str
    question: str
    computed: str | None = None
    """For positives: the computed-answer kind the question must get."""
    expect: list[str] = field(default_factory=list)
    """For positives: strings the answer must contain (exact names and values)."""


def load_precision_set(path: Path) -> list[PrecisionItem]:
    """Parse a precision set; a malformed file is a :class:`UsageError` naming the item."""
    raw = read_yaml_list(path, "precision set", "a precision set is a list of items")
    items: list[PrecisionItem] = []
    for i, it in enumerate(raw):
        if not isinstance(it, dict) or it.get("kind") not in KINDS or not it.get("question"):
            raise UsageError(f"{path}: item {i + 1} needs kind ({'|'.join(KINDS)}) and question")
        if it["kind"] == "positive" and not (it.get("computed") and it.get("expect")):
            raise UsageError(f"{path}: positive {it.get('id', i + 1)} needs computed and expect")
        items.append(PrecisionItem(str(it.get("id", i + 1)), it["kind"], str(it.get("lang", languages.DEFAULT)),
                                   str(it["question"]), it.get("computed"), [str(e) for e in it.get("expect", [])]))
    return items


def _ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 1.0


def evaluate_precision(assistant: Any, path: Path | str, questions: Path | str | None = None) -> dict[str, Any]:
    """Ask every question of the precision set at ``path`` (and of the dev set ``questions``, whose
    ``topics: [out-of-scope]`` items count as out of scope and all others as in scope) and return the
    numbers with the failing items listed under ``failures``."""
    items = load_precision_set(Path(path))
    rows: list[tuple[str, str, bool, bool]] = []  # (id, expected scope, declined, is dev question)
    stray: list[dict[str, str]] = []
    wrong: list[dict[str, str]] = []
    positives_right = 0
    for it in items:
        ans = assistant.ask(it.question)
        computed = ans.extra.get("computed")
        if it.kind == "negative" and computed:
            stray.append({"id": it.id, "question": it.question, "computed": computed})
        if it.kind == "positive":
            text = ans.answer
            missing = [e for e in it.expect if e not in text]
            if computed == it.computed and not missing:
                positives_right += 1
            else:
                wrong.append({"id": it.id, "question": it.question, "computed": str(computed),
                              "want": it.computed or "", "missing": ", ".join(missing)})
        rows.append((it.id, "out" if it.kind == "out-of-scope" else "in", ans.abstained, False))
    if questions is not None:
        for q in load_questions(Path(questions)):
            ans = assistant.ask(q.question, lang=q.lang)
            rows.append((q.id, "out" if q.out_of_scope else "in", ans.abstained, True))
    declined = [r for r in rows if r[2]]
    oos = [r for r in rows if r[1] == "out"]
    ins = [r for r in rows if r[1] == "in"]
    n_pos = sum(1 for it in items if it.kind == "positive")
    return {
        "n": {"negative": sum(1 for it in items if it.kind == "negative"), "positive": n_pos,
              "out-of-scope": len(oos), "in-scope": len(ins)},
        "stray_computed": len(stray),
        "computed_accuracy": _ratio(positives_right, n_pos),
        "oos_precision": _ratio(sum(1 for r in declined if r[1] == "out"), len(declined)),
        "oos_recall": _ratio(sum(1 for r in oos if r[2]), len(oos)),
        "false_declines": _ratio(sum(1 for r in ins if r[2]), len(ins)),
        "failures": {
            "stray_computed": stray,
            "wrong_computed": wrong,
            "missed_out_of_scope": [r[0] for r in oos if not r[2]],
            "false_declines": [r[0] for r in ins if r[2]],
        },
    }


def main(argv: list[str] | None = None) -> int:
    from assistant.engine import Assistant
    from assistant.paths import eval_dir

    parser = argparse.ArgumentParser(prog="python -m assistant.evaluation.precision",
                                     description="Stray computed answers, computed-answer accuracy, "
                                                 "out-of-scope precision/recall and false declines.")
    parser.add_argument("path", nargs="?", default=str(eval_dir() / "precision.yaml"))
    parser.add_argument("--questions", default=None, help="also score declines on this dev set")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    try:
        load_precision_set(Path(args.path))  # a bad file fails in a moment, before the model loads
        report = evaluate_precision(Assistant(), args.path, args.questions)
    except UsageError as exc:
        print(f"podtalk: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    n = report["n"]
    print(f"precision set: {n['negative']} negatives, {n['positive']} positives, "
          f"{n['out-of-scope']} out of scope, {n['in-scope']} in scope in all")
    for key in ("stray_computed", "computed_accuracy", "oos_precision", "oos_recall", "false_declines"):
        print(f"  {key:<18} {report[key]}")
    for key, failures in report["failures"].items():
        for f in failures:
            print(f"  FAIL {key}: {f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
