"""``podtalk eval`` on small sets in the contract's formats: the JSON shape and manifest scoring."""

from __future__ import annotations

import json

import yaml

from tests.conftest import run_podtalk


def test_eval_json_shape_on_a_small_set(tmp_path, retriever):
    questions = [
        {"id": "t1", "lang": "en", "question": "what is a headless service", "topics": ["headless-service"],
         "must_mention": [["None"]], "source": "https://kubernetes.io/docs/concepts/services-networking/service/"},
        {"id": "t2", "lang": "zh", "question": "NodePort 端口范围是多少", "topics": ["service-nodeport"],
         "must_mention": [["30000-32767"]], "source": "https://kubernetes.io/docs/concepts/services-networking/service/"},
        {"id": "t3", "lang": "en", "question": "how do I bake sourdough bread", "topics": ["out-of-scope"],
         "must_mention": [], "source": ""},
    ]
    qfile = tmp_path / "q.yaml"
    qfile.write_text(yaml.safe_dump(questions, allow_unicode=True), encoding="utf-8")
    mdir = tmp_path / "manifests"
    mdir.mkdir()
    (mdir / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
        "spec: {selector: {app: nope}, ports: [{port: 80}]}\n")
    (mdir / "svc.expect.yaml").write_text(
        "description: selector matches nothing\nexpect: [service-selector-no-match]\n"
        "forbid: [service-port-name-missing]\ndns: [web.shop.svc.cluster.local]\n")
    proc = run_podtalk("eval", "--questions", str(qfile), "--manifests", str(mdir), "--retriever", "hybrid,lexical",
                       "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data["questions"]) == {"hybrid", "lexical"}
    en = data["questions"]["hybrid"]["en"]
    for key in ("n", "hit@1", "hit@3", "mrr", "ndcg@10", "fact_coverage", "abstain_precision", "abstain_recall",
                "latency_ms_p50", "latency_ms_p95"):
        assert key in en
    assert en["n"] == 2 and en["hit@1"] == 1.0 and en["abstain_recall"] == 1.0
    assert data["questions"]["hybrid"]["all"]["n"] == 3
    m = data["manifests"]
    assert m["cases"] == 1 and m["dns_recall"] == 1.0
    assert m["rules"]["service-selector-no-match"] == {"precision": 1.0, "recall": 1.0}


def test_eval_text_table_and_bad_retriever(tmp_path):
    proc = run_podtalk("eval", "--retriever", "magic", "--skip-manifests")
    assert proc.returncode == 2 and "unknown retriever magic" in proc.stderr
