"""The KB's tokenizer: the same tokens whatever the order objects are created in, the small KB
dictionary segmenting KB text exactly as jieba's full dictionary, and BM25 scores equal to bm25s'."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from assistant.retrieval.text import Tokenizer, cjk_runs
from assistant.retrieval.zh_dictionary import kb_texts, kb_user_words, knowledge_tokenizer

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_PROBE = r"""
import json, sys
from assistant.knowledge import load_kb
from assistant.retrieval.zh_dictionary import knowledge_tokenizer
kb = load_kb()
terms = [w for item in kb.glossary for w in item["zh"]]
first = None
if sys.argv[1] == "retriever-first":
    from assistant.retrieval.retriever import Retriever
    Retriever(kb).expand("warm")
tok = knowledge_tokenizer(kb)
print(json.dumps({"fingerprint": tok.fingerprint, "tokens": [tok.tokenize(t) for t in terms]}, ensure_ascii=False))
"""


def _probe(order: str) -> dict:
    env = dict(os.environ, PYTHONPATH=REPO)
    out = subprocess.run([sys.executable, "-c", _PROBE, order], capture_output=True, text=True, env=env,
                         cwd=REPO, timeout=120, check=True)
    return json.loads(out.stdout)


def test_tokens_do_not_depend_on_creation_order_or_process(kb):
    """Glossary terms tokenise the same in this process, in a process that made a Retriever first,
    and in one that did not (the old module-global jieba words changed 334 of 400 terms)."""
    tok = knowledge_tokenizer(kb)
    here = [tok.tokenize(w) for item in kb.glossary for w in item["zh"]]
    plain, after_retriever = _probe("tokenizer-first"), _probe("retriever-first")
    assert plain["fingerprint"] == after_retriever["fingerprint"] == tok.fingerprint
    assert plain["tokens"] == after_retriever["tokens"] == here
    # user words stay whole: the longest glossary term is one token, not its pieces
    longest = max((w for w in tok.user_words), key=len)
    assert longest in tok.tokenize(longest)


def test_kb_dictionary_segments_kb_text_exactly_like_the_full_dictionary(kb):
    small = knowledge_tokenizer(kb)
    assert small.dictionary is not None and small.dictionary.stat().st_size < 2_000_000
    full = Tokenizer(kb_user_words(kb))  # jieba's full dictionary plus the same user words
    runs = sorted({run for text in kb_texts(kb.root) for run in cjk_runs(text)})
    assert len(runs) > 1000
    a, b = small._segmenter(), full._segmenter()
    differ = [run for run in runs[::3] if a.lcut(run, HMM=False) != b.lcut(run, HMM=False)]
    assert differ == []


def test_tokenizer_fingerprint_changes_with_user_words():
    assert Tokenizer(["无头服务"]).fingerprint != Tokenizer(["无头"]).fingerprint
    assert Tokenizer(["无头服务", "1000 个地址"]).user_words == frozenset({"无头服务"})


@pytest.mark.parametrize("query", ["headless service dns records", "无头服务 DNS 记录", "kube-proxy iptables ipvs",
                                   "service service service port", "nothing-in-vocabulary-zzz"])
def test_bm25_scores_equal_bm25s(retriever, query):
    import bm25s

    from assistant.retrieval.corpus import lexical_text

    docs = [retriever.tokenizer.tokenize(lexical_text(e)) for e in retriever.kb.entries]
    vocab = {t: i for i, t in enumerate(sorted({t for d in docs for t in d}))}
    ref = bm25s.BM25(k1=1.2, b=0.75)
    ref.index(bm25s.tokenization.Tokenized(ids=[[vocab[t] for t in d] for d in docs], vocab=vocab),
              show_progress=False)
    toks = [t for t in retriever.tokenizer.tokenize(query) if t in vocab]
    expected = np.asarray(ref.get_scores(toks), dtype=np.float32) if toks else np.zeros(len(docs), np.float32)
    got = retriever.lexical_scores(query)
    assert got.shape == expected.shape
    assert np.allclose(got, expected, atol=1e-5)
    if toks:
        assert got.max() > 0


def test_answer_path_imports_no_scipy_bm25s_or_tqdm(tmp_path):
    """A cold answer from a built index never imports the indexing-only libraries."""
    code = ("import sys\nfrom assistant.cli import main\nrc = main(['ask', 'what is a headless service'])\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('scipy', 'bm25s', 'tqdm', 'torch'))\n"
            "print('IMPORTED', bad)\n")
    env = dict(os.environ, PYTHONPATH=REPO)
    subprocess.run([sys.executable, "-m", "assistant", "index"], env=env, cwd=REPO, check=True,
                   capture_output=True, timeout=600)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO,
                         timeout=120)
    assert "IMPORTED []" in out.stdout, out.stdout[-500:] + out.stderr[-2000:]
