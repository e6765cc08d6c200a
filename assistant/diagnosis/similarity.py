"""How close a question is to each cause's symptom phrases: BM25 over the phrases (per language) and,
when the bundled model is loaded, the best cosine between the question and the cause's English
phrases (title, symptoms, first sentence of the summary).

The phrase vectors are computed once and cached in the cache directory, keyed by the phrases and the
model, so a process pays one encoder call per question (~10-30 ms), not one per phrase.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from typing import Any

import numpy as np

from assistant import languages
from assistant.diagnosis.catalog import Catalog, Cause
from assistant.retrieval.text import plain_tokenizer

BM25_K1, BM25_B = 1.2, 0.75
MAX_QUERY_CHARS = 2000
"""As ``clean_question`` caps a question: the retriever's cached query vector is reused."""


def _first_sentence(text: str) -> str:
    m = re.match(r"(.+?[.。!?！？])(\s|$)", " ".join(text.split()))
    return m.group(1) if m else text


def english_phrases(cause: Cause) -> list[str]:
    """The English (fallback-language) texts a question is compared with."""
    en = languages.DEFAULT
    return [cause.title(en), *cause.symptoms(en), _first_sentence(cause.text("summary", en))]


def _doc(cause: Cause, lang: str) -> str:
    """A cause's text for BM25 in ``lang``: the English one, plus ``lang``'s own (questions in any
    language mix in English terms)."""
    langs = (languages.DEFAULT,) if lang == languages.DEFAULT else (languages.DEFAULT, lang)
    parts = [p for code in langs for p in (cause.title(code), *cause.symptoms(code), cause.text("summary", code))]
    return " \n".join(parts)


class _BM25:
    def __init__(self, docs: list[list[str]]) -> None:
        self.tf = [Counter(d) for d in docs]
        self.len = np.array([max(1, len(d)) for d in docs], dtype=np.float32)
        self.avg = float(self.len.mean()) if len(docs) else 1.0
        df: Counter[str] = Counter()
        for d in docs:
            df.update(set(d))
        n = len(docs)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

    def scores(self, query: list[str]) -> np.ndarray:
        out = np.zeros(len(self.tf), dtype=np.float32)
        for t in set(query):
            idf = self.idf.get(t)
            if idf is None:
                continue
            for i, tf in enumerate(self.tf):
                f = tf.get(t)
                if f:
                    out[i] += idf * f * (BM25_K1 + 1) / (f + BM25_K1 * (1 - BM25_B + BM25_B * self.len[i] / self.avg))
        return out


class SymptomMatcher:
    """Per-cause similarity of a text to the causes' symptom phrases."""

    def __init__(self, catalog: Catalog, retriever: Any = None) -> None:
        self.catalog = catalog
        self.retriever = retriever
        self._bm25: dict[str, _BM25] = {}
        self._vectors: np.ndarray | None = None
        self._owners: np.ndarray | None = None
        self._dense_failed = False

    # -- lexical ---------------------------------------------------------------------------------
    def lexical(self, text: str, lang: str) -> np.ndarray:
        """BM25 of ``text`` against each cause's phrases (raw scores)."""
        key = languages.resolve(lang)
        tok = plain_tokenizer(key)
        if key not in self._bm25:
            self._bm25[key] = _BM25([tok(_doc(c, key)) for c in self.catalog.causes])
        q = tok(text)
        return self._bm25[key].scores(q)

    # -- dense -----------------------------------------------------------------------------------
    def _encoder(self):
        if self.retriever is None or self._dense_failed:
            return None
        get = getattr(self.retriever, "_encoder_or_none", None)
        return get() if get is not None else None

    def _phrase_vectors(self, encoder) -> tuple[np.ndarray, np.ndarray]:
        if self._vectors is not None and self._owners is not None:
            return self._vectors, self._owners
        phrases: list[str] = []
        owners: list[int] = []
        for i, c in enumerate(self.catalog.causes):
            for p in english_phrases(c):
                phrases.append(p)
                owners.append(i)
        vectors = self._load_cached(phrases)
        if vectors is None:
            bulk = getattr(self.retriever, "encode_texts", None)  # remembered per phrase, batched fast
            vectors = np.asarray(bulk(phrases, store="phrases") if bulk else encoder.encode(phrases), dtype=np.float32)
            self._save_cached(phrases, vectors)
        self._vectors, self._owners = vectors, np.asarray(owners, dtype=np.int64)
        return self._vectors, self._owners

    def _cache_path(self, phrases: list[str]):
        from assistant.paths import cache_dir

        h = hashlib.sha256("\n".join(phrases).encode())
        try:
            from assistant.retrieval.model_files import model_fingerprint

            h.update(model_fingerprint().encode())
        except Exception:  # no model files: no dense vectors are made either
            return None
        return cache_dir() / f"cause-vectors-{h.hexdigest()[:20]}.npy"

    def _load_cached(self, phrases: list[str]) -> np.ndarray | None:
        path = self._cache_path(phrases)
        if path is None:
            return None
        try:
            arr = np.load(path)  # numeric .npy: NumPy refuses object arrays by default
        except (OSError, ValueError):
            return None
        return arr if arr.ndim == 2 and arr.shape[0] == len(phrases) else None

    def _save_cached(self, phrases: list[str], vectors: np.ndarray) -> None:
        """Write the vectors next to the index (temporary file + rename; an unwritable cache is fine)."""
        import io
        import os

        path = self._cache_path(phrases)
        if path is None:
            return
        buf = io.BytesIO()
        np.save(buf, np.asarray(vectors, dtype=np.float32))
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(buf.getvalue())
            tmp.replace(path)
        except OSError:
            tmp.unlink(missing_ok=True)

    def warm(self) -> bool:
        """Compute (or load) the phrase vectors now: ``podtalk index`` calls this so the first symptom
        report does not pay for encoding every cause's phrases. False without a model."""
        encoder = self._encoder()
        if encoder is None or not self.catalog.causes:
            return False
        self._phrase_vectors(encoder)
        return True

    def dense(self, text: str, lang: str) -> np.ndarray | None:
        """Best cosine per cause between ``text`` and its English phrases, or None without a model."""
        encoder = self._encoder()
        if encoder is None or not self.catalog.causes:
            return None
        try:
            vectors, owners = self._phrase_vectors(encoder)
            # the same string the retriever encodes for this question, so its query cache answers
            query = " ".join(text.split())[:MAX_QUERY_CHARS]
            dq = self.retriever.dense_query(query, lang) if hasattr(self.retriever, "dense_query") else query
            if not dq.strip():
                return None
            cache = getattr(self.retriever, "_query_cache", None)
            qv = cache.get(dq) if isinstance(cache, dict) else None
            if qv is None:
                qv = np.asarray(encoder.encode([dq]), dtype=np.float32)
                if isinstance(cache, dict) and len(cache) < 2048:
                    cache[dq] = qv
            qv = np.asarray(qv, dtype=np.float32).reshape(-1)
        except Exception:  # the model failing here must not cost the answer: lexical still ranks
            self._dense_failed = True
            return None
        sims = vectors @ qv
        best = np.full(len(self.catalog.causes), -1.0, dtype=np.float32)
        np.maximum.at(best, owners, sims)
        return best
