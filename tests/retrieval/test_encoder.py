"""Every encoder podtalk uses reproduces sentence-transformers on the bundled model: the NumPy encoder
(queries) and the PyTorch batch encoder (index builds), checked on one sample against one reference."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.slow  # see pyproject.toml: make test runs it, -m 'not slow' skips it


@pytest.fixture(scope="module")
def sample(kb) -> list[str]:
    """100 texts of every shape the index holds: English and Chinese summaries, questions, a few odd ones."""
    texts = []
    for e in kb.entries:
        texts += [e.summary("en"), e.summary("zh"), *e.questions("en")[:1]]
    return (texts + ["what is a headless service", "k8s pod如何通信的", "ok"])[:100] + [" ".join(texts[:40])]


@pytest.fixture(scope="module")
def reference(sample) -> np.ndarray:
    from assistant.retrieval.st_encoder import SentenceTransformerEncoder

    return SentenceTransformerEncoder().encode(sample)


def _assert_same(ours: np.ndarray, reference: np.ndarray, sample: list[str]) -> None:
    assert ours.shape == reference.shape and ours.dtype == np.float32
    cos = (reference * ours).sum(axis=1)
    assert cos.min() >= 0.999, f"worst cosine {cos.min():.5f} for {sample[int(cos.argmin())][:80]!r}"
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)


def test_numpy_encoder_matches_sentence_transformers(encoder, sample, reference):
    from threadpoolctl import threadpool_limits

    from assistant.retrieval.cores import free_cores

    # the BLAS threads the encoder gives a query (free cores only): a 101-text batch with every core
    # took 8-15 s instead of 2.7 s on a loaded 2-core machine (the vectors do not depend on it)
    with threadpool_limits(limits=free_cores(), user_api="blas"):
        ours = encoder.encode(sample)
    _assert_same(ours, reference, sample)


def test_numpy_encoder_one_query_at_a_time_matches_sentence_transformers(encoder, sample, reference):
    """A question is encoded alone, padded to a multiple of 8 tokens for BLAS: the padding stays masked
    out, whatever the length (1 to 256 tokens, the last text truncated)."""
    picks = [i for i, text in enumerate(sample) if len(encoder.token_ids([text])[0]) % 8][:12] + [len(sample) - 1]
    assert len(picks) >= 10
    ours = np.concatenate([encoder.encode([sample[i]]) for i in picks])
    _assert_same(ours, reference[picks], [sample[i] for i in picks])


def test_torch_batch_encoder_matches_sentence_transformers(sample, reference):
    """Including the last text, longer than the model's 256 tokens: both truncate it the same way."""
    from assistant.retrieval.torch_encoder import shared_encoder

    enc = shared_encoder()  # the one the session's index build loaded
    assert len(enc.tokenizer.encode(sample[-1]).ids) == enc.max_length == 256
    ours = enc.encode(sample)
    _assert_same(ours, reference, sample)
    assert np.allclose(enc.encode(sample[:3][::-1]), ours[:3][::-1], atol=1e-5)  # order kept
