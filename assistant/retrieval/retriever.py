"""Hybrid retrieval over the KB: dense (faiss inner product), lexical (BM25), linear score fusion
(measured better than reciprocal rank fusion, see ``calibration``), and a calibrated confidence for
abstention.

The heavy parts load lazily and separately: BM25 is ready in milliseconds from the cached tokens;
the encoder (NumPy MiniLM, ~0.2 s) and faiss load on the first dense query, or ahead of time via
``warm_up()`` from a background worker. If the model cannot load, retrieval degrades to lexical and
says so (``degraded``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from assistant import languages
from assistant.errors import ModelError
from assistant.knowledge.loader import Entry, KnowledgeBase
from assistant.retrieval import calibration
from assistant.retrieval.corpus import MODEL_LANG, dense_texts, lexical_text
from assistant.retrieval.index_cache import IndexData, load_or_build
from assistant.retrieval.query import QueryExpander
from assistant.retrieval.bm25 import BM25Weights
from assistant.retrieval.chinese_script import to_simplified
from assistant.retrieval.text import Tokenizer, detect_lang
from assistant.retrieval.zh_dictionary import knowledge_tokenizer

Mode = Literal["hybrid", "dense", "lexical"]
MODES: tuple[str, ...] = ("hybrid", "dense", "lexical")
BULK_MIN_TEXTS = 64
"""Fewer new texts than this are encoded with the query encoder: loading PyTorch costs more."""


@dataclass
class Hit:
    """One ranked entry with the scores that put it there."""

    entry: Entry
    score: float             # the fused (or single-retriever) score used for ranking
    dense: float | None = None
    lexical: float | None = None


@dataclass
class Retrieval:
    """The outcome of one search."""

    query: str
    lang: str
    mode: str
    hits: list[Hit]
    confidence: float
    abstain: bool
    degraded: bool = False
    timing_ms: dict[str, float] = field(default_factory=dict)
    uncovered_area: Any = None  # a scope.Area when the question is about an area podtalk does not cover


def make_encoder():
    """The query/index encoder: NumPy MiniLM unless ``PODTALK_ENCODER=sentence-transformers``."""
    import os

    if os.environ.get("PODTALK_ENCODER") == "sentence-transformers":
        from assistant.retrieval.st_encoder import SentenceTransformerEncoder

        return SentenceTransformerEncoder()
    from assistant.retrieval.numpy_encoder import NumpyEncoder

    return NumpyEncoder()


class Retriever:
    """Search the KB. Thread-safe for one writer (warm-up) and many readers."""

    def __init__(self, kb: KnowledgeBase, *, encoder: Any = None, rebuild: bool = False,
                 tokenizer: Tokenizer | None = None) -> None:
        self.kb = kb
        self.tokenizer: Tokenizer = tokenizer or knowledge_tokenizer(kb)
        """How this retriever splits KB texts and queries into BM25 tokens (fixed for its lifetime)."""
        self._encoder = encoder
        self._encoder_error: str | None = None
        self._bulk = None  # the encoder for many texts at once, loaded on first need (_bulk_encoder)
        self._lock = threading.RLock()      # the index data and the dense side
        self._lex_lock = threading.RLock()  # the BM25 side: never waits for a dense build
        self._rebuild = rebuild
        self._data: IndexData | None = None
        self.index_status: str | None = None
        self._faiss = None
        self._bm25: tuple[BM25Weights, set[str]] | None = None
        self._query_cache: dict[str, np.ndarray] = {}
        self._members: np.ndarray | None = None  # (entries x max vectors) vector rows, -1 padded
        self._all_rows: np.ndarray | None = None  # (1, n vectors) 0..n-1: the rows dense_features scores
        self.symptom_entries = np.array([e.is_troubleshooting for e in kb.entries], dtype=np.float32)
        self._expander: QueryExpander | None = None
        self._scope = None
        self.on_build_progress: Callable[[int, int], None] | None = None
        """Called with (texts encoded, texts to encode) while the index is built (texts whose embedding
        is remembered are not encoded again): the chat and the CLI show a progress bar. None: silent."""
        self.build_cancelled: Callable[[], bool] | None = None
        """Asked between batches while the index is built: True stops the build with
        :class:`~assistant.errors.Cancelled`, keeping the texts encoded so far for the next build."""

    # -- loading ---------------------------------------------------------------------------
    def _model_id(self) -> str:
        from assistant.retrieval.model_files import MODEL_NAME, model_fingerprint

        return f"{MODEL_NAME}:{model_fingerprint()}"

    def _encoder_or_none(self):
        if self._encoder is None and self._encoder_error is None:
            try:
                self._encoder = make_encoder()
            except (ModelError, ImportError, OSError, ValueError, KeyError) as exc:
                self._encoder_error = str(exc)
        return self._encoder

    @property
    def degraded_reason(self) -> str | None:
        """Why dense retrieval is unavailable, or None."""
        return self._encoder_error

    def _build(self, key: str) -> IndexData:
        texts = dense_texts(self.kb)
        vectors = self.encode_texts([t.text for t in texts], progress=self.on_build_progress,
                                    cancelled=self.build_cancelled)
        return IndexData(vectors=vectors, rows=[t.entry_index for t in texts], bm25=self._bm25_weights(),
                         key=key, path=None)

    def encode_texts(self, texts: list[str], *, store: str = "", progress: Callable[[int, int], None] | None = None,
                     cancelled: Callable[[], bool] | None = None) -> np.ndarray | None:
        """Vectors of many texts (the index's, the diagnosis's symptom phrases), or None without a model.

        Each text's vector is remembered in the cache directory (``embedding_cache``; one store per
        ``store`` name, since a store keeps exactly the texts of its last call), so only new texts are
        encoded: with the bulk encoder when there are many, with the query encoder for a handful
        (importing torch would cost more than they do)."""
        if self._encoder_or_none() is None:
            return None
        from assistant.paths import cache_dir
        from assistant.retrieval.embedding_cache import encode_with_cache

        def encode(batch: list[str]) -> np.ndarray:
            if self._bulk is None and len(batch) < BULK_MIN_TEXTS:
                return self._encoder_or_none().encode(batch)
            return self._bulk_encoder().encode(batch)

        model_id = self._model_id() + (f"#{store}" if store else "")
        return encode_with_cache(texts, encode, cache_dir(), model_id, progress=progress, cancelled=cancelled)

    def _bm25_weights(self) -> BM25Weights:
        """BM25 weights of every entry (tokenising the KB, jieba included: about a second)."""
        tokens = [self.tokenizer.tokenize(lexical_text(e)) for e in self.kb.entries]
        return BM25Weights.build(tokens, calibration.BM25_K1, calibration.BM25_B)

    def data(self) -> IndexData:
        """The index (from the cache, or built now)."""
        with self._lock:
            if self._data is None:
                builder = self._build
                try:
                    model_id = self._model_id()
                except ModelError as exc:
                    self._encoder_error = str(exc)
                    model_id, builder = "no-model", self._build_lexical_only
                self._adopt(*load_or_build(self.kb, model_id, builder, rebuild=self._rebuild,
                                           tokenizer_fingerprint=self.tokenizer.fingerprint))
            return self._data

    def _adopt(self, data: IndexData, status: str) -> None:
        """Use ``data`` as this retriever's index (the caller holds ``_lock``)."""
        self._data, self.index_status = data, status
        if data.vectors is None and self._encoder_error is None:
            self._encoder_error = "the index has no dense vectors"

    def _bulk_encoder(self):
        """The encoder for many texts at once (loaded once): MiniLM run by PyTorch (``torch_encoder``:
        its fused kernels encode the KB about twice as fast as NumPy here, and it skips
        sentence-transformers' ~3.5 s import), sentence-transformers itself with
        ``PODTALK_ENCODER=sentence-transformers``, the NumPy encoder with ``PODTALK_ENCODER=numpy`` or
        when torch cannot load; queries always use the fast-starting encoder. All give the same vectors
        (cosine >= 0.999, tested)."""
        if self._bulk is not None:
            return self._bulk
        import os

        choice = os.environ.get("PODTALK_ENCODER")
        if choice != "numpy":
            try:
                if choice == "sentence-transformers":
                    from assistant.retrieval.st_encoder import SentenceTransformerEncoder

                    self._bulk = SentenceTransformerEncoder()
                else:
                    from assistant.retrieval.torch_encoder import shared_encoder

                    self._bulk = shared_encoder()
                return self._bulk
            except Exception as exc:  # noqa: BLE001 - any failure: fall back to the NumPy encoder, and say so
                import warnings

                warnings.warn(f"PyTorch unavailable ({type(exc).__name__}: {exc}); "
                              "encoding with the NumPy encoder (same vectors, slower)", stacklevel=2)
        self._bulk = self._encoder_or_none()
        return self._bulk

    def _cached_bm25(self) -> BM25Weights:
        """BM25 weights: from the cached index when it is there, else computed now (seconds), so the
        lexical retriever never waits for a dense index build."""
        if self._data is not None:
            return self._data.bm25
        from assistant.paths import cache_dir
        from assistant.retrieval.index_cache import IndexCorrupt, cache_key, read_index

        try:
            key = cache_key(self.kb, self._model_id(), self.tokenizer.fingerprint)
            data = read_index(cache_dir() / f"index-{key}", key)
        except (ModelError, IndexCorrupt, OSError, KeyError, ValueError, RuntimeError):
            return self._bm25_weights()
        # the dense side needs the same files: keep them (a cold answer read and verified them twice)
        if not self._rebuild and self._lock.acquire(blocking=False):
            try:
                if self._data is None:
                    self._adopt(data, "cached")
            finally:
                self._lock.release()
        return data.bm25

    def _build_lexical_only(self, key: str) -> IndexData:
        return IndexData(vectors=None, rows=[], bm25=self._bm25_weights(), key=key, path=None)

    def _lexical_index(self) -> tuple[BM25Weights, set[str]]:
        with self._lex_lock:
            if self._bm25 is None:
                weights = self._cached_bm25()
                self._bm25 = (weights, set(weights.vocab))
                words = set()
                for e in self.kb.entries:  # the English vocabulary typos are corrected towards
                    # (not the sample questions: some carry typos on purpose, as users type them)
                    texts = [e.title("en"), e.summary("en"), *e.keywords("en"), *(f.text("en") for f in e.facts)]
                    for text in texts:
                        words.update(w.lower() for w in text.replace("`", " ").split())
                self._expander = QueryExpander(self.kb.glossary, {w.strip(".,:;()?!'\"") for w in words})
            return self._bm25

    def _dense_index(self):
        with self._lock:
            if self._faiss is None:
                data = self.data()
                if data.vectors is None or self._encoder_or_none() is None:
                    return None
                import faiss

                # one question at a time needs no OpenMP team, and an idle team spins: right after a
                # search its threads held a core from the next query's BLAS threads (forward 4.9 -> 7.4 ms)
                faiss.omp_set_num_threads(1)
                index = faiss.IndexFlatIP(data.vectors.shape[1])
                index.add(data.vectors)
                self._members = _member_matrix(data.rows, len(self.kb.entries))
                self._all_rows = np.arange(index.ntotal, dtype=np.int64)[None]
                self._faiss = index
            return self._faiss

    def warm_up(self, dense: bool = True) -> None:
        """Load everything a query needs (for background workers and batch runs)."""
        self._lexical_index()
        if dense:
            self._dense_index()
            if self._encoder is not None:
                self._encoder.encode(["warm up"])

    @property
    def dense_ready(self) -> bool:
        return self._faiss is not None and self._encoder is not None

    # -- searching -------------------------------------------------------------------------
    def expand(self, query: str) -> str:
        self._lexical_index()
        assert self._expander is not None
        return self._expander.expand(query)

    def lexical_scores(self, query: str) -> np.ndarray:
        """BM25 score of every entry for ``query`` (already expanded)."""
        weights, _ = self._lexical_index()
        return weights.scores(self.tokenizer.tokenize(query))

    def dense_scores(self, query: str) -> np.ndarray | None:
        """Best cosine of each entry's vectors to ``query``, or None when dense is unavailable."""
        feats = self.dense_features(query)
        return None if feats is None else feats[0]

    def dense_features(self, query: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Per entry: the best cosine of its vectors to ``query`` and the mean of its best
        ``calibration.SUPPORT_K``; None when dense is unavailable."""
        index = self._dense_index()
        if index is None:
            return None
        vec = self._query_cache.get(query)
        if vec is None:
            vec = self._encoder.encode([query])
            if len(self._query_cache) > 2048:
                self._query_cache.clear()
            self._query_cache[query] = vec
        # every vector's cosine, in row order: the index scores all its rows unsorted
        # (``index.search(vec, ntotal)`` computes the same products, then sorts all 1,843 of them,
        # which we would undo: 0.18 ms a question here against 0.08 ms)
        import faiss

        query_vec = np.ascontiguousarray(vec, dtype=np.float32)
        by_row = np.empty(index.ntotal, dtype=np.float32)
        index.compute_distance_subset(1, faiss.swig_ptr(query_vec), index.ntotal, faiss.swig_ptr(by_row),
                                      faiss.swig_ptr(self._all_rows))
        members = self._members
        assert members is not None
        per_entry = np.where(members >= 0, by_row[members], -np.inf)  # padding never ranks
        per_entry.sort(axis=1)
        best = np.where(np.isfinite(per_entry[:, -1]), per_entry[:, -1], -1.0)  # an entry without vectors
        k = min(calibration.SUPPORT_K, per_entry.shape[1])
        top_k = per_entry[:, -k:]
        support = np.where(np.isfinite(top_k), top_k, best[:, None]).mean(axis=1)
        return best.astype(np.float32), support.astype(np.float32)

    def scope(self):
        """The out-of-scope guard (built on first use from ``kb/scope.yaml``)."""
        if self._scope is None:
            from assistant.retrieval.scope import ScopeGuard

            self._scope = ScopeGuard.from_kb(self.kb)
        return self._scope

    def dense_query(self, query: str, lang: str) -> str:
        """The text the English-only model encodes: the typo-fixed question, or for Chinese its
        English projection (Latin words + glossary terms)."""
        self._lexical_index()
        assert self._expander is not None
        if lang != MODEL_LANG and lang in languages.codes():  # the model reads English only
            return self._expander.english_projection(query)
        return self._expander.fix_typos(query)

    def search(self, query: str, mode: str = "hybrid", k: int = 10, lang: str | None = None,
               allow_dense: bool = True, symptom: bool = False) -> Retrieval:
        """Rank entries for ``query``. ``allow_dense=False`` forces lexical (model still loading).
        ``symptom``: whether the question describes a symptom (troubleshooting entries then compete
        on equal terms); the caller decides it (the answering layer reads the intent), so retrieval
        never imports the layer above it."""
        t0 = time.perf_counter()
        query, _ = to_simplified(query)  # the KB and its vocabulary are Simplified Chinese
        lang = lang or detect_lang(query)
        expanded = self.expand(query)
        lex = self.lexical_scores(expanded)
        dense = rank_dense = None
        degraded = False  # the model cannot load (not: the caller chose lexical while it loads)
        if mode in ("hybrid", "dense") and allow_dense:
            if self._dense_index() is not None:
                dq = self.dense_query(query, lang)
                feats = self.dense_features(dq) if dq else None
                if feats is None:  # no English left to encode: no dense signal
                    dense = rank_dense = np.zeros(len(self.kb.entries), dtype=np.float32)
                else:
                    dense = feats[0]
                    rank_dense = calibration.dense_rank_score(*feats)
            else:
                degraded = True
        used = mode if dense is not None else "lexical"
        fused = calibration.fuse(used, lang, rank_dense, lex, self.symptom_entries, symptom)
        order = sorted(range(len(fused)), key=lambda i: (-fused[i], self.kb.entries[i].id))[:k]
        hits = [Hit(self.kb.entries[i], float(fused[i]),
                    None if dense is None else float(dense[i]), float(lex[i])) for i in order]
        conf = calibration.confidence(used, lang, dense, lex)
        area = self.scope().uncovered_area(query)
        abstain = area is not None or conf < calibration.threshold(used, lang)
        ms = (time.perf_counter() - t0) * 1000
        return Retrieval(query=query, lang=lang, mode=used, hits=hits, confidence=conf, abstain=abstain,
                         degraded=degraded, timing_ms={"retrieve": round(ms, 2)}, uncovered_area=area)


def _member_matrix(rows: list[int], n_entries: int) -> np.ndarray:
    """Each entry's vector rows as one -1-padded matrix (built with the faiss index), so per-entry
    best and top-k scores are a gather and a sort instead of a Python loop per query."""
    groups: list[list[int]] = [[] for _ in range(n_entries)]
    for vec_row, entry_index in enumerate(rows):
        groups[entry_index].append(vec_row)
    members = np.full((n_entries, max(1, max(map(len, groups), default=1))), -1, dtype=np.int64)
    for i, g in enumerate(groups):
        members[i, :len(g)] = g
    return members
