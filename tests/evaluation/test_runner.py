"""``podtalk eval`` end to end on small sets: JSON shape, the text table, several and named sets,
the progress line, body-only fact coverage and cause hit@k."""

from __future__ import annotations

import io
import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from assistant.engine import Answer
from assistant.evaluation.answer_eval import answer_body, evaluate_answers, ranked_cause_ids
from assistant.evaluation.datasets import Question
from assistant.evaluation.runner import aggregate
from tests.conftest import run_podtalk

SMALL = [
    {"id": "t1", "lang": "en", "question": "what is a headless service", "topics": ["headless-service"],
     "must_mention": [["None"]], "source": "https://kubernetes.io/docs/concepts/services-networking/service/"},
    {"id": "t2", "lang": "zh", "question": "NodePort 端口范围是多少", "topics": ["service-nodeport"],
     "must_mention": [["30000-32767"]], "source": "https://kubernetes.io/docs/concepts/services-networking/service/"},
    {"id": "t3", "lang": "en", "question": "how do I bake sourdough bread", "topics": ["out-of-scope"],
     "must_mention": [], "source": ""},
]
SYMPTOMS = [
    {"id": "s1", "lang": "en", "question": "ping to my service ClusterIP times out but curl to it works",
     "topics": ["service-clusterip", "troubleshooting"], "symptom": True, "causes": ["svc-ping-clusterip"],
     "must_mention": [["virtual"]], "url": "https://github.com/kubernetes/kubernetes/issues/57556"},
]


@pytest.fixture(scope="module")
def sets(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("eval-sets")
    q = tmp_path / "small.yaml"
    q.write_text(yaml.safe_dump(SMALL, allow_unicode=True), encoding="utf-8")
    s = tmp_path / "symptoms.yaml"
    s.write_text(yaml.safe_dump(SYMPTOMS, allow_unicode=True), encoding="utf-8")
    return q, s


@pytest.fixture(scope="module")
def runs(tmp_path_factory, sets, retriever):
    """Every ``podtalk eval`` process of this module, run at once (each loads the whole assistant);
    ``retriever`` first builds the session's index, so they all read it from the cache."""
    mdir = tmp_path_factory.mktemp("manifests")
    (mdir / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
        "spec: {selector: {app: nope}, ports: [{port: 80}]}\n")
    (mdir / "svc.expect.yaml").write_text(
        "description: selector matches nothing\nexpect: [service-selector-no-match]\n"
        "forbid: [service-port-name-missing]\ndns: [web.shop.svc.cluster.local]\n")
    commands = {
        "json": ("eval", "--questions", str(sets[0]), "--manifests", str(mdir), "--retriever", "hybrid,lexical",
                 "--format", "json"),
        # the precision set (126 questions, ~2 s a process) runs once, in "json", the default run
        "text": ("eval", "--questions", str(sets[0]), str(sets[1]), "--skip-manifests", "--skip-precision"),
        "named": ("eval", "--questions", f"{sets[0]},{sets[1]}", "--skip-manifests", "--skip-precision",
                  "--format", "json"),
        "nosuchset": ("eval", "--questions", "nosuchset", "--skip-manifests"),
        "magic": ("eval", "--retriever", "magic", "--skip-manifests"),
    }
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # one process per core
        futures = {name: pool.submit(run_podtalk, *args) for name, args in commands.items()}
        return {name: f.result() for name, f in futures.items()}


@pytest.mark.slow
def test_eval_json_shape_on_a_small_set(runs):
    proc = runs["json"]
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data["questions"]) == {"hybrid", "lexical"}
    en = data["questions"]["hybrid"]["en"]
    for key in ("n", "hit@1", "hit@3", "mrr@10", "ndcg@10", "fact_coverage", "abstain_precision", "abstain_recall",
                "false_abstention_rate", "latency_ms_p50", "latency_ms_p95"):
        assert key in en
    assert "mrr" not in en and "cause_hit@1" not in en  # metrics carry their k; no symptom questions here
    assert en["n"] == 2 and en["hit@1"] == 1.0 and en["abstain_recall"] == 1.0
    assert data["questions"]["hybrid"]["all"]["n"] == 3
    m = data["manifests"]
    assert m["cases"] == 1 and m["dns_recall"] == 1.0
    assert m["rules"]["service-selector-no-match"] == {"precision": 1.0, "recall": 1.0}
    assert "eval small hybrid: 6/6" in proc.stderr  # the progress line ends at questions x 2 evaluators
    precision = data["precision"]  # the precision set runs by default
    assert precision["stray_computed"] == 0 and precision["n"]["out-of-scope"] > 0
    assert {"oos_precision", "oos_recall", "false_declines"} <= set(precision)


@pytest.mark.slow
def test_several_sets_and_cause_columns_in_the_text_table(runs):
    proc = runs["text"]
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Questions: small" in out and "Questions: symptoms" in out
    small, symptoms = out.split("Questions: symptoms")
    assert "cause@1" not in small and "cause@1" in symptoms and "cause@3" in symptoms
    header = small.splitlines()[1].split()
    row = next(line.split() for line in small.splitlines() if line.startswith("hybrid") and " en " in line)
    assert dict(zip(header, row))["hit@1"] == "1.000" and dict(zip(header, row))["n"] == "2"


@pytest.mark.slow
def test_several_sets_in_json_and_a_named_set(runs):
    data = json.loads(runs["named"].stdout)
    assert set(data["sets"]) == {"small", "symptoms"}
    assert data["sets"]["symptoms"]["hybrid"]["en"]["cause_n"] == 1
    assert data["questions"] == data["sets"]["small"]
    assert "precision" not in data  # --skip-precision
    proc = runs["nosuchset"]
    assert proc.returncode == 2 and "dev, heldout, real, fresh" in proc.stderr


@pytest.mark.slow
def test_eval_bad_retriever_is_a_usage_error(runs):
    proc = runs["magic"]
    assert proc.returncode == 2 and "unknown retriever magic" in proc.stderr and "Traceback" not in proc.stderr


def test_fact_coverage_ignores_related_and_sources(assistant):
    ans = assistant.ask("what is a headless service")
    assert "Related:" in ans.answer and "Sources:" in ans.answer
    body = answer_body(ans.answer)
    assert "Related:" not in body and "https://kubernetes.io" not in body
    assert "clusterIP: None" in body
    # a fact that only the Related line or the sources list contain earns nothing
    q = Question(id="x", lang="en", question="what is a headless service", topics=["headless-service"],
                 must_mention=[["kubernetes.io/docs"], ["clusterIP: None"]])
    row = evaluate_answers(assistant, [q], "hybrid")["x"]
    assert (row["facts_found"], row["facts_asked"]) == (1, 2)


def test_zh_body_drops_the_chinese_related_and_sources_blocks(assistant):
    body = answer_body(assistant.ask("headless service 是什么").answer)
    assert "相关主题" not in body and "参考文档" not in body and "https://" not in body


def test_cause_hit_at_k_reads_the_answers_ranked_causes():
    ans = Answer(question="q", lang="en", intent="troubleshooting", abstained=False, answer="", sources=[],
                 timing_ms={})
    assert ranked_cause_ids(ans) == []
    ans.extra["causes"] = [{"id": "svc-hairpin", "score": 0.4}]
    assert ranked_cause_ids(ans) == ["svc-hairpin"]
    ans.causes = [{"id": "a", "score": 0.9}, {"id": "b", "score": 0.5}, {"id": "c", "score": 0.1}]
    assert ranked_cause_ids(ans) == ["a", "b", "c"]


def _row(hit1: float, hit3: float) -> dict:
    return {"oos": False, "abstained": False, "hit@1": 1.0, "hit@3": 1.0, "mrr@10": 1.0, "ndcg@10": 1.0,
            "facts_found": 1, "facts_asked": 1, "ms": 1.0, "cause_hit@1": hit1, "cause_hit@3": hit3}


def test_cause_metrics_average_over_symptom_questions_only():
    plain = {k: v for k, v in _row(0, 0).items() if not k.startswith("cause")}
    m = aggregate([_row(1.0, 1.0), _row(0.0, 1.0), _row(0.0, 0.0), plain])
    assert m["cause_n"] == 3
    assert m["cause_hit@1"] == pytest.approx(1 / 3, abs=1e-4) and m["cause_hit@3"] == pytest.approx(2 / 3, abs=1e-4)
    assert "cause_n" not in aggregate([plain])


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_the_cli_bar_on_a_terminal_and_quarter_lines_elsewhere():
    from assistant.evaluation.runner import Progress

    term = _Terminal()
    bar = Progress("eval small hybrid", 8, stream=term)
    for _ in range(8):
        bar.step()
    out = term.getvalue()
    assert "\reval small hybrid [" in out and "] 8/8\n" in out and "#" * 30 in out  # the CLI's bar, redrawn in place
    log = io.StringIO()
    plain = Progress("eval small hybrid", 8, stream=log)
    for _ in range(8):
        plain.step()
    assert "\r" not in log.getvalue() and "[" not in log.getvalue()
    assert log.getvalue().splitlines() == [f"eval small hybrid: {n}/8" for n in (1, 2, 4, 6, 8)]  # started, then each quarter
