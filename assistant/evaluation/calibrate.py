"""``python -m assistant.evaluation.calibrate [QUESTIONS]``: choose abstention thresholds.

For each retriever mode and language it computes every dev question's confidence, then sweeps the
threshold and prints out-of-scope recall and the false-abstention rate (in-scope questions that
would be declined). The chosen value is the lowest threshold reaching the best out-of-scope recall
while the false-abstention rate stays <= 3%; copy it into ``assistant/retrieval/calibration.py``. Questions caught by the scope guard
(``kb/scope.yaml``) abstain regardless of the threshold and are counted as such.
"""

from __future__ import annotations

import sys
from pathlib import Path

from assistant import languages
from assistant.evaluation.datasets import load_questions
from assistant.paths import eval_dir

MAX_FALSE_ABSTENTION = 0.03


def main(argv: list[str] | None = None) -> int:
    from assistant.engine import Assistant

    args = sys.argv[1:] if argv is None else argv
    questions = load_questions(Path(args[0]) if args else eval_dir() / "questions.yaml")
    assistant = Assistant()
    r = assistant.retriever
    r.warm_up()
    for mode in ("hybrid", "dense", "lexical"):
        for lang in languages.codes():
            rows = []
            for q in questions:
                if q.lang != lang:
                    continue
                res = r.search(q.question, mode=mode, lang=lang)
                rows.append((res.confidence, q.out_of_scope, res.uncovered_area is not None))
            ins = [c for c, oos, g in rows if not oos and not g]
            guarded_in = sum(1 for c, oos, g in rows if not oos and g)
            n_in = sum(1 for _, oos, _ in rows if not oos)
            oos_rows = [(c, g) for c, oos, g in rows if oos]
            best = None
            for t in sorted({round(c, 3) for c, _, _ in rows} | {0.0}):
                # the threshold is chosen on confidence alone (as if the scope guard did not exist),
                # so it stays a real second line of defence for areas the guard does not list
                false_rate = sum(1 for c, oos, _ in rows if not oos and c < t) / max(n_in, 1)
                recall = sum(1 for c, _ in oos_rows if c < t) / max(len(oos_rows), 1)
                if false_rate <= MAX_FALSE_ABSTENTION and (best is None or recall > best[1]):
                    best = (t, recall, false_rate)
            if best:
                from assistant.retrieval.calibration import THRESHOLDS

                current = THRESHOLDS.get((mode, lang))
                verdict = "matches" if current is not None and abs(current - best[0]) < 5e-4 else "DIFFERS from"
                print(f"{mode:8} {lang}: chosen {best[0]:.3f} {verdict} calibration.THRESHOLDS {current}")
                combined = sum(1 for c, g in oos_rows if g or c < best[0]) / max(len(oos_rows), 1)
                print(f"{mode:8} {lang}: with the scope guard: out-of-scope recall {combined:.2f}")
                print(f"{mode:8} {lang}: threshold {best[0]:.3f}  out-of-scope recall {best[1]:.2f}  "
                      f"false abstention {best[2]:.3f}  (in-scope n={n_in}, out-of-scope n={len(oos_rows)}, "
                      f"scope guard catches {sum(1 for _, g in oos_rows if g)} oos / {guarded_in} in-scope)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
