"""The Python WordPiece for ASCII text gives exactly the ids of the model's own tokenizer.json."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.retrieval.model_files import model_dir
from assistant.retrieval.wordpiece import AsciiWordPiece


@pytest.fixture(scope="module")
def both():
    from tokenizers import Tokenizer

    path = model_dir()
    reference = Tokenizer.from_file(str(path / "tokenizer.json"))
    reference.enable_truncation(max_length=256)
    reference.no_padding()
    return AsciiWordPiece(path / "vocab.txt", 256), reference


def test_vocab_txt_is_the_tokenizer_json_vocabulary():
    path = model_dir()
    spec = json.loads((path / "tokenizer.json").read_text(encoding="utf-8"))
    assert AsciiWordPiece(path / "vocab.txt", 256).vocab == spec["model"]["vocab"]
    assert spec["model"]["type"] == "WordPiece" and spec["normalizer"]["type"] == "BertNormalizer"
    assert spec["normalizer"]["lowercase"] and spec["normalizer"]["clean_text"]
    assert spec["pre_tokenizer"]["type"] == "BertPreTokenizer"
    assert spec["model"]["max_input_chars_per_word"] == 100


def test_every_kb_text_and_eval_question_gets_the_reference_ids(both, kb):
    import yaml

    from assistant.paths import eval_dir
    from assistant.retrieval.corpus import dense_texts

    ours, reference = both
    texts = [t.text for t in dense_texts(kb)]
    for name in ("questions.yaml", "real.yaml", "precision.yaml"):
        path = eval_dir() / name
        if path.exists():
            texts += [q["question"] for q in yaml.safe_load(path.read_text(encoding="utf-8"))
                      if isinstance(q, dict) and isinstance(q.get("question"), str)]
    texts += ["", "   ", "[MASK] is special", "a" * 150, "x" * 99 + " ok", "tab\there\r\nnew\x00line\x7f\x0bvt\x1f"]
    checked = 0
    for text in texts:
        ids = ours.ids(text)
        if ids is not None:
            assert ids == reference.encode(text).ids, text
            checked += 1
    assert checked > 0.5 * len(texts)
    assert ours.ids("[MASK] is special") is None and ours.ids("无头服务") is None


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80)
       | st.lists(st.sampled_from(["service", "kube-proxy", "ClusterIP", "pod's", "e.g.", "x" * 101, "##ing",
                                   "[SEP", "CLS]", "unaffable", "10.96.0.10:53", "\t", " ", "\x7f", "-"]),
                  max_size=30).map("".join))
def test_generated_ascii_text_gets_the_reference_ids(both, text):
    ours, reference = both
    ids = ours.ids(text)
    if ids is not None:
        assert ids == reference.encode(text).ids



_SEGMENT = """
import sys{first}
from assistant.knowledge import load_kb
from assistant.retrieval.zh_dictionary import knowledge_tokenizer
tok = knowledge_tokenizer(load_kb())
out = [tok.tokenize(q) for q in ("两个 pod 之间如何通信", "无头服务的 DNS 记录是什么", "网络策略如何限制入站流量？")]
tables = "jieba.finalseg.prob_emit" in sys.modules
import jieba
print(repr((out, tables, list(jieba.cut("他来到了网易杭研大厦", HMM=True)))))
"""


def test_chinese_questions_segment_without_jiebas_hmm_tables_and_the_hmm_still_works():
    """The placeholder for jieba.finalseg (zh_dictionary.defer_jieba_hmm) changes no token."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    env = dict(os.environ, PYTHONPATH=str(REPO))

    def run(first: str):
        out = subprocess.run([sys.executable, "-c", _SEGMENT.format(first=first)], capture_output=True, text=True,
                             env=env, check=True, timeout=120).stdout
        return eval(out)  # noqa: S307 - our own repr

    plain = run(", jieba")   # jieba imported first: no placeholder
    deferred = run("")
    assert deferred[0] == plain[0] and plain[1] is True and deferred[1] is False
    assert deferred[2] == plain[2] == ["他", "来到", "了", "网易", "杭研", "大厦"]  # HMM=True loads the tables
