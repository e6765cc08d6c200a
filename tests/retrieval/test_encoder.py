"""The NumPy encoder reproduces sentence-transformers on the bundled model (it is what podtalk ships)."""

from __future__ import annotations

import numpy as np


def test_numpy_encoder_matches_sentence_transformers(kb, encoder):
    from assistant.retrieval.st_encoder import SentenceTransformerEncoder

    texts = []
    for e in kb.entries:
        texts += [e.summary("en"), e.summary("zh"), *e.questions("en")[:1]]
    texts = (texts + ["what is a headless service", "k8s pod如何通信的", "ok"])[:100]
    reference = SentenceTransformerEncoder().encode(texts)
    ours = encoder.encode(texts)
    cos = (reference * ours).sum(axis=1)
    assert cos.min() >= 0.999, f"worst cosine {cos.min():.5f} for {texts[int(cos.argmin())]!r}"
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
