"""``podtalk eval``: answer quality per retriever and language, and inspection accuracy.

Prints a readable table, or with ``--format json`` the contract's object. The same numbers are
what the issue notes quote, so the functions here are the single definition of every metric.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, TextIO

from assistant.evaluation.datasets import ManifestCase, Question, load_manifest_cases, load_questions
from assistant.evaluation.metrics import (
    facts_present, hit_at_k, ndcg_at_k, percentile, precision_recall, reciprocal_rank,
)
from assistant.paths import eval_dir

MODES = ("hybrid", "dense", "lexical")


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def score_questions(assistant: Any, questions: list[Question], mode: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Metrics per language and overall for one retriever, plus per-question rows (for debugging)."""
    rows: list[dict[str, Any]] = []
    for q in questions:
        t0 = time.perf_counter()
        ans = assistant.ask(q.question, retriever=mode)
        ms = (time.perf_counter() - t0) * 1000
        topics = [s["topic"] for s in ans.sources]
        rel = set(q.topics)
        found, asked = facts_present(ans.answer, q.must_mention) if not q.out_of_scope else (0, 0)
        rows.append({
            "id": q.id, "lang": q.lang, "oos": q.out_of_scope, "abstained": ans.abstained,
            "hit@1": hit_at_k(topics, rel, 1), "hit@3": hit_at_k(topics, rel, 3),
            "mrr": reciprocal_rank(topics, rel, 10), "ndcg@10": ndcg_at_k(topics, rel, 10),
            "facts_found": found, "facts_asked": asked, "ms": ms, "top": topics[:3], "expected": q.topics,
            "question": q.question,
        })
    out: dict[str, Any] = {}
    for lang in sorted({r["lang"] for r in rows}) + ["all"]:
        sel = [r for r in rows if lang == "all" or r["lang"] == lang]
        out[lang] = aggregate(sel)
    return out, rows


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ins = [r for r in rows if not r["oos"]]
    oos = [r for r in rows if r["oos"]]
    n = len(ins)

    def mean(key: str) -> float | None:
        return sum(r[key] for r in ins) / n if n else None

    facts_asked = sum(r["facts_asked"] for r in ins)
    abstained = [r for r in rows if r["abstained"]]
    tp = sum(1 for r in abstained if r["oos"])
    precision = tp / len(abstained) if abstained else None
    recall = tp / len(oos) if oos else None
    lat = [r["ms"] for r in rows]
    return {
        "n": len(rows), "hit@1": _r(mean("hit@1")), "hit@3": _r(mean("hit@3")), "mrr": _r(mean("mrr")),
        "ndcg@10": _r(mean("ndcg@10")),
        "fact_coverage": _r(sum(r["facts_found"] for r in ins) / facts_asked if facts_asked else None),
        "abstain_precision": _r(precision), "abstain_recall": _r(recall),
        "false_abstention_rate": _r(sum(1 for r in ins if r["abstained"]) / n if n else None),
        "latency_ms_p50": round(percentile(lat, 50), 2), "latency_ms_p95": round(percentile(lat, 95), 2),
    }


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


def render_table(result: dict[str, Any], out: TextIO) -> None:
    cols = ["n", "hit@1", "hit@3", "mrr", "ndcg@10", "fact_coverage", "abstain_precision", "abstain_recall",
            "false_abstention_rate", "latency_ms_p50", "latency_ms_p95"]
    short = ["n", "hit@1", "hit@3", "MRR", "nDCG@10", "facts", "abst.P", "abst.R", "false-abst", "p50 ms", "p95 ms"]
    if "questions" in result:
        out.write("Questions\n")
        out.write(f"{'retriever':10} {'lang':4} " + " ".join(f"{c:>10}" for c in short) + "\n")
        for mode, by_lang in result["questions"].items():
            for lang, m in by_lang.items():
                out.write(f"{mode:10} {lang:4} " + " ".join(f"{_fmt(m[c]):>10}" for c in cols) + "\n")
    if "manifests" in result:
        m = result["manifests"]
        out.write(f"\nManifests: {m['cases']} cases, reach accuracy {_fmt(m['reach_accuracy'])}, "
                  f"dns recall {_fmt(m['dns_recall'])}\n")
        out.write(f"{'rule':42} {'precision':>10} {'recall':>10}\n")
        for rule, pr in m["rules"].items():
            out.write(f"{rule:42} {_fmt(pr['precision']):>10} {_fmt(pr['recall']):>10}\n")


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

        questions = load_questions(Path(args.questions) if args.questions else eval_dir() / "questions.yaml")
        assistant = Assistant(cluster_domain=args.cluster_domain, namespace=args.namespace)
        assistant.retriever.warm_up()
        result["questions"] = {}
        for mode in modes:
            result["questions"][mode], rows = score_questions(assistant, questions, mode)
            failures[mode] = [r for r in rows if (r["oos"] != r["abstained"]) or (not r["oos"] and not r["hit@1"])]
    if not args.skip_manifests:
        cases = load_manifest_cases(Path(args.manifests) if args.manifests else eval_dir() / "manifests")
        result["manifests"], failures["manifests"] = score_manifests(cases, namespace=args.namespace,
                                                                     cluster_domain=args.cluster_domain)
    if args.format == "json":
        out.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        render_table(result, out)
    import os

    if os.environ.get("PODTALK_EVAL_FAILURES"):
        Path(os.environ["PODTALK_EVAL_FAILURES"]).write_text(json.dumps(failures, ensure_ascii=False, indent=1),
                                                            encoding="utf-8")
    return 0
