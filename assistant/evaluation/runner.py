"""``podtalk eval``: retrieval and answer quality per question set, retriever and language, and
inspection accuracy.

Two evaluators feed one table: ``retrieval_eval`` scores ``Retriever.search(k=10)`` directly
(hit@1, hit@3, mrr@10, ndcg@10, and entry-level variants when a set lists entries) and
``answer_eval`` scores ``Assistant.ask`` (fact coverage on the answer body, abstention, cause hit@k
on symptom reports, latency). The functions here are the single definition of every number the
issue notes quote; ``--format json`` prints the same numbers.
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, TextIO

from assistant import languages
from assistant.evaluation.answer_eval import evaluate_answers
from assistant.evaluation.datasets import ManifestCase, Question, QuestionSet, load_manifest_cases, load_question_sets
from assistant.evaluation.metrics import percentile, precision_recall
from assistant.evaluation.retrieval_eval import ENTRY_KEYS, TOPIC_KEYS, evaluate_retrieval
from assistant.paths import eval_dir

MODES = ("hybrid", "dense", "lexical")


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


class Progress:
    """Progress on stderr while an evaluation runs: on a terminal, the CLI's self-updating bar
    (``assistant.progress_bar``, the one ``podtalk ask`` draws while the index builds); elsewhere (CI logs,
    pipes) a plain line at each quarter, so logs stay short. stdout (``--format json``) is never touched."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label, self.total, self.done = label, total, 0
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_pct = -1
        self._bar = _terminal_bar(label, self.stream) if self.tty else None

    def step(self) -> None:
        self.done += 1
        pct = 100 * self.done // max(self.total, 1)
        if self._bar is not None:
            self._bar(self.done, self.total)
        elif self.tty:
            self.stream.write(f"\r{self.label}: {self.done}/{self.total}")
            if self.done == self.total:
                self.stream.write("\n")
        elif pct // 25 != self._last_pct // 25 or self.done == self.total:
            self.stream.write(f"{self.label}: {self.done}/{self.total}\n")
        self._last_pct = pct
        self.stream.flush()


def _terminal_bar(label: str, stream: TextIO) -> Any:
    """The shared ``(done, total)`` progress line for ``stream`` (None when it is not a terminal)."""
    from assistant.progress_bar import progress_bar

    return progress_bar(label, stream)


def score_questions(assistant: Any, questions: list[Question], mode: str, *,
                    progress_label: str | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Metrics per language and overall for one retriever, plus per-question rows (for debugging)."""
    bar = Progress(progress_label, 2 * len(questions)) if progress_label else None
    step = bar.step if bar else None
    retrieval = evaluate_retrieval(assistant.retriever, questions, mode, on_progress=step)
    answers = evaluate_answers(assistant, questions, mode, on_progress=step)
    rows: list[dict[str, Any]] = []
    for q in questions:
        row: dict[str, Any] = {"id": q.id, "lang": q.lang, "oos": q.out_of_scope, "question": q.question,
                               "expected": q.topics}
        row.update(retrieval.get(q.id, {}))
        row.update(answers[q.id])
        rows.append(row)
    out: dict[str, Any] = {}
    present = {r["lang"] for r in rows}
    for lang in [c for c in languages.codes() if c in present] + ["all"]:
        out[lang] = aggregate([r for r in rows if lang == "all" or r["lang"] == lang])
    return out, rows


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ins = [r for r in rows if not r["oos"]]
    oos = [r for r in rows if r["oos"]]
    n = len(ins)

    def mean(key: str, sel: list[dict[str, Any]]) -> float | None:
        vals = [r[key] for r in sel if key in r]
        return sum(vals) / len(vals) if vals else None

    facts_asked = sum(r["facts_asked"] for r in ins)
    abstained = [r for r in rows if r["abstained"]]
    tp = sum(1 for r in abstained if r["oos"])
    lat = [r["ms"] for r in rows]
    out: dict[str, Any] = {"n": len(rows), "n_in_scope": n, "n_out_of_scope": len(oos)}
    for key in TOPIC_KEYS:
        out[key] = _r(mean(key, ins))
    with_entries = [r for r in ins if "entry_hit@1" in r]
    if with_entries:
        out["entry_n"] = len(with_entries)
        for key in ENTRY_KEYS:
            out[key] = _r(mean(key, with_entries))
    # what the asker sees: the topic of the answer's first source (after the diagnosis and the answer
    # pipeline re-ranked), next to the retriever's own hit@1
    answered = [r for r in ins if r.get("answer_top")]
    out["answer_topic@1"] = _r(sum(1 for r in answered if r["answer_top"][0] in r["expected"]) / len(answered)
                               if answered else None)
    out.update({
        "fact_coverage": _r(sum(r["facts_found"] for r in ins) / facts_asked if facts_asked else None),
        "abstain_precision": _r(tp / len(abstained) if abstained else None),
        "abstain_recall": _r(tp / len(oos) if oos else None),
        "false_abstention_rate": _r(sum(1 for r in ins if r["abstained"]) / n if n else None),
    })
    symptoms = [r for r in rows if "cause_hit@1" in r]
    if symptoms:
        out["cause_n"] = len(symptoms)
        out["cause_hit@1"] = _r(mean("cause_hit@1", symptoms))
        out["cause_hit@3"] = _r(mean("cause_hit@3", symptoms))
    out["latency_ms_p50"] = round(percentile(lat, 50), 2)
    out["latency_ms_p95"] = round(percentile(lat, 95), 2)
    return out


def score_manifests(cases: list[ManifestCase], *, namespace: str = "default",
                    cluster_domain: str = "cluster.local") -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Per-rule precision/recall (a false positive is a reported ``forbid`` rule), reach accuracy, DNS recall."""
    from assistant.errors import ManifestError
    from assistant.inspection import inspect_text

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    reach_total = reach_ok = dns_total = dns_ok = 0
    failures: list[dict[str, Any]] = []
    for case in cases:
        try:
            report = inspect_text(case.text, namespace=namespace, cluster_domain=cluster_domain).to_dict()
        except ManifestError as exc:
            report = {"findings": [], "reach": [], "dns": [], "error": str(exc)}
        reported = {f["rule"] for f in report.get("findings", [])}
        problems = []
        for rule in case.expect:
            if rule in reported:
                counts[rule][0] += 1
            else:
                counts[rule][2] += 1
                problems.append(f"missing {rule}")
        for rule in case.forbid:
            if rule in reported:
                counts[rule][1] += 1
                problems.append(f"forbidden {rule}")
        verdicts = {(r["from"], r["to"], int(r["port"]), str(r.get("protocol", "TCP")).upper()): r["allowed"]
                    for r in report.get("reach", [])}
        for exp in case.reach:
            reach_total += 1
            key = (exp["from"], exp["to"], int(exp["port"]), str(exp.get("protocol", "TCP")).upper())
            if verdicts.get(key) is exp["allowed"]:
                reach_ok += 1
            else:
                problems.append(f"reach {key} expected {exp['allowed']} got {verdicts.get(key)}")
        names = set(report.get("dns", [])) | set((report.get("cname") or {}).keys())
        for name in case.dns:
            dns_total += 1
            if name in names:
                dns_ok += 1
            else:
                problems.append(f"dns {name} missing")
        if problems:
            failures.append({"case": case.name, "problems": problems})
    rules = {}
    for rule in sorted(counts):
        tp, fp, fn = counts[rule]
        p, r = precision_recall(tp, fp, fn)
        rules[rule] = {"precision": _r(p), "recall": _r(r)}
    result = {
        "rules": rules,
        "reach_accuracy": _r(reach_ok / reach_total) if reach_total else None,
        "dns_recall": _r(dns_ok / dns_total) if dns_total else None,
        "cases": len(cases),
    }
    return result, failures


def _fmt(x: Any) -> str:
    if x is None:
        return "  -  "
    if isinstance(x, float):
        return f"{x:.3f}" if x <= 1.0 else f"{x:.1f}"
    return str(x)


COLUMNS = [("n", "n"), ("hit@1", "hit@1"), ("answer_topic@1", "ans.top@1"), ("hit@3", "hit@3"), ("mrr@10", "MRR@10"), ("ndcg@10", "nDCG@10"),
           ("fact_coverage", "facts"), ("abstain_precision", "abst.P"), ("abstain_recall", "abst.R"),
           ("false_abstention_rate", "false-abst"), ("cause_hit@1", "cause@1"), ("cause_hit@3", "cause@3"),
           ("latency_ms_p50", "p50 ms"), ("latency_ms_p95", "p95 ms")]


def render_table(result: dict[str, Any], out: TextIO) -> None:
    sets = result.get("sets") or ({"dev": result["questions"]} if "questions" in result else {})
    for name, by_mode in sets.items():
        cols = [(k, h) for k, h in COLUMNS if any(k in m for bl in by_mode.values() for m in bl.values())]
        out.write(f"Questions: {name}\n")
        out.write(f"{'retriever':10} {'lang':4} " + " ".join(f"{h:>10}" for _, h in cols) + "\n")
        for mode, by_lang in by_mode.items():
            for lang, m in by_lang.items():
                out.write(f"{mode:10} {lang:4} " + " ".join(f"{_fmt(m.get(k)):>10}" for k, _ in cols) + "\n")
        entry_rows = [(mode, lang, m) for mode, bl in by_mode.items() for lang, m in bl.items() if "entry_n" in m]
        if entry_rows:
            out.write("entry level (questions that list entries):\n")
            for mode, lang, m in entry_rows:
                out.write(f"{mode:10} {lang:4} n={m['entry_n']} " + " ".join(
                    f"{k}={_fmt(m[k])}" for k in ENTRY_KEYS) + "\n")
        out.write("\n")
    if "precision" in result:
        p = result["precision"]
        out.write("Precision (eval/precision.yaml): "
                  + ", ".join(f"{k} {_fmt(p[k])}" for k in ("stray_computed", "computed_accuracy", "oos_precision",
                                                               "oos_recall", "false_declines") if k in p) + "\n\n")
    if "manifests" in result:
        m = result["manifests"]
        out.write(f"Manifests: {m['cases']} cases, reach accuracy {_fmt(m['reach_accuracy'])}, "
                  f"dns recall {_fmt(m['dns_recall'])}\n")
        out.write(f"{'rule':42} {'precision':>10} {'recall':>10}\n")
        for rule, pr in m["rules"].items():
            out.write(f"{rule:42} {_fmt(pr['precision']):>10} {_fmt(pr['recall']):>10}\n")


def evaluate_sets(assistant: Any, sets: list[QuestionSet], modes: list[str], *,
                  progress: bool = True) -> tuple[dict[str, Any], dict[str, Any]]:
    """{set: {mode: {lang: metrics}}} and the failing rows per set and mode."""
    results: dict[str, Any] = {}
    failures: dict[str, Any] = {}
    for qs in sets:
        results[qs.name] = {}
        for mode in modes:
            label = f"eval {qs.name} {mode}" if progress else None
            results[qs.name][mode], rows = score_questions(assistant, qs.questions, mode, progress_label=label)
            failures[f"{qs.name}/{mode}"] = [
                r for r in rows
                if (r["oos"] != r["abstained"]) or (not r["oos"] and not r.get("hit@1"))
                or r.get("cause_hit@1") == 0.0]
    return results, failures


def run_cli(args: Any, out: TextIO) -> int:
    """Entry point of ``podtalk eval``."""
    from assistant.errors import UsageError

    modes = [m.strip() for m in str(args.retriever).split(",") if m.strip()]
    bad = [m for m in modes if m not in MODES]
    if bad or not modes:
        raise UsageError(f"unknown retriever {', '.join(bad) or '(none)'}; choose from {', '.join(MODES)}")
    result: dict[str, Any] = {}
    failures: dict[str, Any] = {}
    if not args.skip_questions:
        from assistant.engine import Assistant

        specs = args.questions if isinstance(args.questions, list) else ([args.questions] if args.questions else None)
        sets = load_question_sets(specs, eval_dir())
        assistant = Assistant(cluster_domain=args.cluster_domain, namespace=args.namespace)
        assistant.retriever.warm_up()
        sets_result, failures = evaluate_sets(assistant, sets, modes)
        result["questions"] = sets_result[sets[0].name]
        if len(sets) > 1:
            result["sets"] = sets_result
        else:
            result["set"] = sets[0].name
        precision_set = eval_dir() / "precision.yaml"
        if not getattr(args, "skip_precision", False) and precision_set.exists():
            from assistant.evaluation.precision import evaluate_precision

            print(f"eval precision: {precision_set.name}", file=sys.stderr, flush=True)
            report = evaluate_precision(assistant, precision_set)
            failures["precision"] = report.pop("failures", [])
            result["precision"] = report
        from assistant.retrieval.calibration import settings

        result["settings"] = settings()
    if not args.skip_manifests:
        cases = load_manifest_cases(Path(args.manifests) if args.manifests else eval_dir() / "manifests")
        result["manifests"], failures["manifests"] = score_manifests(cases, namespace=args.namespace,
                                                                     cluster_domain=args.cluster_domain)
    if args.format == "json":
        out.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        if "questions" in result and "sets" not in result:
            render_table({"sets": {result["set"]: result["questions"]}, **{k: v for k, v in result.items()
                                                                          if k in ("manifests", "precision")}}, out)
        else:
            render_table(result, out)
    if os.environ.get("PODTALK_EVAL_FAILURES"):
        Path(os.environ["PODTALK_EVAL_FAILURES"]).write_text(json.dumps(failures, ensure_ascii=False, indent=1),
                                                            encoding="utf-8")
    return 0
