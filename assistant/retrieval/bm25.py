"""BM25 scores from a precomputed term-by-document weight matrix.

Why: importing bm25s pulls in scipy.sparse and tqdm (0.17-0.28 s of a cold answer) although a query only
sums a few precomputed columns. bm25s stays the authority: ``BM25Weights.build`` runs it (Lucene
variant, k1 and b from ``calibration``) when the index is built, and keeps its eager score matrix (CSC:
for each term, the documents it occurs in and their weights). Scoring a query is then a gather and a
``bincount`` in NumPy, identical to ``bm25s.BM25.get_scores`` (tested), with no scipy on the answer path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BM25Weights:
    """The eager BM25 matrix: ``vocab[token]`` is a column; its documents are
    ``indices[indptr[col]:indptr[col + 1]]`` with weights ``data[...]`` (one query occurrence each)."""

    vocab: dict[str, int]
    data: np.ndarray      # float32
    indices: np.ndarray   # int32 document ids
    indptr: np.ndarray    # int64, len(vocab) + 1
    n_docs: int

    @classmethod
    def build(cls, token_lists: list[list[str]], k1: float, b: float) -> "BM25Weights":
        """Index pre-tokenised documents with bm25s (imported here only: building is rare)."""
        import bm25s

        vocab_list = sorted({tok for doc in token_lists for tok in doc})
        vocab = {tok: i for i, tok in enumerate(vocab_list)}
        n_docs = len(token_lists)
        if not vocab:
            return cls({}, np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(1, np.int64), n_docs)
        ids = [[vocab[t] for t in doc] for doc in token_lists]
        bm = bm25s.BM25(k1=k1, b=b)
        bm.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
        s = bm.scores
        return cls(vocab, np.asarray(s["data"], np.float32), np.asarray(s["indices"], np.int32),
                   np.asarray(s["indptr"], np.int64), int(s["num_docs"]))

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every document for a query's tokens (repeats count, unknown tokens are ignored)."""
        cols = [self.vocab[t] for t in tokens if t in self.vocab]
        if not cols:
            return np.zeros(self.n_docs, dtype=np.float32)
        starts = self.indptr[cols]
        ends = self.indptr[np.asarray(cols) + 1]
        idx = np.concatenate([self.indices[s:e] for s, e in zip(starts, ends)])
        w = np.concatenate([self.data[s:e] for s, e in zip(starts, ends)])
        return np.bincount(idx, weights=w, minlength=self.n_docs).astype(np.float32)

    def arrays(self) -> dict[str, np.ndarray]:
        """What the index cache stores (the vocabulary goes into its metadata)."""
        return {"data": self.data, "indices": self.indices, "indptr": self.indptr}

    @classmethod
    def from_arrays(cls, vocab_list: list[str], arrays: dict[str, np.ndarray], n_docs: int) -> "BM25Weights":
        return cls({t: i for i, t in enumerate(vocab_list)}, arrays["data"], arrays["indices"],
                   arrays["indptr"], n_docs)

    def vocab_list(self) -> list[str]:
        out = [""] * len(self.vocab)
        for tok, i in self.vocab.items():
            out[i] = tok
        return out
