"""Cause hit@k on symptom reports: does the diagnosis put an acceptable cause first, or in its top 3?

Questions come in the CONTRACT format plus, for symptom reports, ``symptom: true`` and ``causes: [ids]``
(``eval/real.yaml``). The assistant answers each one as ``podtalk ask`` would and the ranked
``answer.causes`` are compared with the acceptable ids. Per language and overall, with the misses
listed so a tuning session can see what moved.

    python -m assistant.evaluation.diagnosis eval/real.yaml
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from assistant import languages
from assistant.evaluation.datasets import read_yaml_list


def load_symptom_questions(path: Path) -> list[dict[str, Any]]:
    """The symptom reports (``symptom: true`` with a non-empty ``causes`` list) of a question file."""
    raw = read_yaml_list(path)
    return [q for q in raw if isinstance(q, dict) and q.get("symptom") and q.get("causes")]


def evaluate_causes(assistant: Any, questions: list[dict[str, Any]], mode: str = "hybrid") -> dict[str, Any]:
    """``{"en": {"n", "hit@1", "hit@3"}, "zh": {...}, "all": {...}, "misses": [...]}`` for symptom reports.

    ``questions`` are dicts with ``question``, ``lang`` and ``causes`` (acceptable ids); others are skipped.
    """
    rows = []
    for q in questions:
        if not (q.get("symptom") and q.get("causes")):
            continue
        ans = assistant.ask(str(q["question"]), retriever=mode)
        ranked = [c["id"] for c in getattr(ans, "causes", []) or []]
        want = set(q["causes"])
        topics = [s["topic"] for s in ans.sources]
        rows.append({"id": q.get("id"), "lang": q.get("lang", languages.DEFAULT), "hit@1": bool(ranked[:1] and ranked[0] in want),
                     "hit@3": bool(want & set(ranked[:3])), "ranked": ranked[:3], "want": sorted(want),
                     "topic@1": bool(topics[:1] and topics[0] in set(q.get("topics", []))),
                     "top_topic": topics[:1], "question": str(q["question"])[:100]})
    out: dict[str, Any] = {}
    for lang in [*languages.codes(), "all"]:
        sel = [r for r in rows if lang == "all" or r["lang"] == lang]
        n = len(sel)
        out[lang] = {"n": n,
                     "hit@1": round(sum(r["hit@1"] for r in sel) / n, 4) if n else None,
                     "hit@3": round(sum(r["hit@3"] for r in sel) / n, 4) if n else None,
                     "topic@1": round(sum(r["topic@1"] for r in sel) / n, 4) if n else None}
    out["misses"] = [r for r in rows if not r["hit@1"]]
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from assistant.engine import Assistant
    from assistant.paths import eval_dir

    files = [a for a in argv if not a.startswith("-")]
    path = Path(files[0]) if files else eval_dir() / "real.yaml"
    questions = load_symptom_questions(path)
    assistant = Assistant()
    assistant.retriever.warm_up()
    result = evaluate_causes(assistant, questions)
    verbose = "-v" in argv
    for r in result["misses"] if verbose else []:
        print(f"  miss {r['id']} [{r['lang']}] got {r['ranked']} want {r['want']} :: {r['question']!r}")
    print(f"{'lang':4} {'n':>4} {'cause@1':>8} {'cause@3':>8} {'topic@1':>8}")
    for lang in (*languages.codes(), "all"):
        m = result[lang]
        fmt = lambda x: "  -  " if x is None else f"{x:.3f}"  # noqa: E731
        print(f"{lang:4} {m['n']:>4} {fmt(m['hit@1']):>8} {fmt(m['hit@3']):>8} {fmt(m['topic@1']):>8}")
    if "--json" in argv:
        print(json.dumps({k: v for k, v in result.items() if k != "misses"}))
    return 0


if __name__ == "__main__":
    sys.exit(main([a for a in sys.argv[1:]]))
