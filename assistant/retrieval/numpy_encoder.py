"""all-MiniLM-L6-v2 sentence embeddings computed with NumPy from the bundled weights.

Why: ``import sentence_transformers`` (torch, transformers) costs ~8 s on a 2-core machine, longer
than a one-shot ``podtalk ask`` may take. The model is a 6-layer BERT with mean pooling and L2
normalisation; its forward pass is a few matrix products, so NumPy plus the ``tokenizers`` library
reproduce it exactly (cosine >= 0.9999 against sentence-transformers, checked in the tests) and load
in ~0.2 s. ``SentenceTransformerEncoder`` remains the reference implementation.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from assistant.errors import ModelError
from assistant.retrieval.cores import free_cores
from assistant.retrieval.model_files import model_dir, model_shape, set_offline

_ERF_P = 0.3275911
_ERF_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)
_GELU_P = np.float32(_ERF_P / np.sqrt(2.0))        # t = 1 / (1 + p |x| / sqrt 2)
_GELU_A = tuple(np.float32(0.5 * c) for c in _ERF_A)  # the polynomial, with GELU's 0.5 folded in
_MINUS_HALF = np.float32(-0.5)
_GELU_CHUNK = 32768  # elements per block: a block and its temporaries stay in this machine's L2


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, with erf by Abramowitz-Stegun 7.1.26 (max abs error 1.5e-7), block by block.

    Why written out: this is the hottest elementwise step of the model and SciPy's erf would cost 0.3 s
    of import time for one function. Why blocks: a batch's (1536, 240) activation passed whole through
    its ~20 float32 passes took 3.6 ms here, in 32k-element blocks 1.0 ms (the temporaries stay in
    cache).
    """
    rows = max(1, _GELU_CHUNK // max(1, x.shape[-1]))
    if x.ndim != 2 or rows >= x.shape[0]:
        return _gelu_block(x)
    out = np.empty_like(x)
    for i in range(0, x.shape[0], rows):
        out[i:i + rows] = _gelu_block(x[i:i + rows])
    return out


def _gelu_block(x: np.ndarray) -> np.ndarray:
    """GELU written as ``relu(x) - 0.5 |x| (1 - erf(|x| / sqrt 2))``: ``0.5 x (1 + erf(x / sqrt 2))``
    regrouped so the sign of ``x`` needs no passes of its own (20 float32 passes instead of 24)."""
    a = np.abs(x)
    t = a * _GELU_P
    t += 1
    np.reciprocal(t, out=t)
    a1, a2, a3, a4, a5 = _GELU_A
    poly = t * a5
    for c in (a4, a3, a2, a1):
        poly += c
        poly *= t
    e = np.square(x)
    e *= _MINUS_HALF
    np.exp(e, out=e)   # exp(-x^2 / 2) = exp(-z^2) with z = x / sqrt 2
    poly *= e
    poly *= a          # 0.5 |x| (1 - erf(|z|))
    out = np.maximum(x, np.float32(0))
    out -= poly
    return out


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    """Layer norm of feature-major activations ``(dim, tokens)``: each column is one token; ``w`` and
    ``b`` are ``(dim, 1)`` columns."""
    inv_n = np.float32(1.0 / x.shape[0])
    mean = np.add.reduce(x, axis=0)  # the ufunc directly: ndarray.mean's Python wrapper cost ~15 us a call
    mean *= inv_n
    centred = x - mean
    var = np.einsum("ij,ij->j", centred, centred)
    var *= inv_n
    var += np.float32(eps)
    np.sqrt(var, out=var)
    centred /= var
    centred *= w
    centred += b
    return centred


_PAD_TO = 8


def _padded(seq: int, batch: int) -> int:
    """The smallest length >= ``seq`` that makes ``batch * length`` a multiple of 8 tokens (the padding
    is masked out).

    Why: OpenBLAS's single-precision kernels here run whole blocks of 8 columns; a 1536x384 product
    over 13 tokens took 288 us and over 16 tokens 230 us (``W @ x``, one thread), so a padded query
    is faster although it computes more. A batch of 8 or 16 texts is a multiple already.
    """
    length = seq
    while (batch * length) % _PAD_TO:
        length += 1
    return length


_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def _map_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a ``.safetensors`` file as read-only arrays over one memory map.

    Why not ``safetensors.numpy.load_file``: it copies all 90 MB on every start (~0.1 s), while a query
    touches a few rows of the 47 MB word-embedding table. The format is an 8-byte little-endian header
    length, a JSON header (dtype, shape, byte offsets per tensor) and the raw little-endian data.
    """
    import mmap

    with path.open("rb") as fh:
        n = int.from_bytes(fh.read(8), "little")
        header = json.loads(fh.read(n))
        buf = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    base = 8 + n
    out: dict[str, np.ndarray] = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(meta["dtype"])
        if dtype is None:
            raise ModelError(f"unsupported tensor type {meta['dtype']} in {path.name}")
        start, end = meta["data_offsets"]
        arr = np.frombuffer(buf, dtype=np.dtype(dtype).newbyteorder("<"), count=(end - start) // np.dtype(dtype).itemsize,
                            offset=base + start)
        out[name] = arr.reshape(meta["shape"])
    return out


class NumpyEncoder:
    """Encode texts into L2-normalised 384-d vectors, batch by batch."""

    name = "numpy"

    def __init__(self, path: Path | None = None, max_length: int | None = None) -> None:
        try:
            self._load(path, max_length)
        except ModelError:
            raise
        except Exception as exc:  # noqa: BLE001 - corrupt weights, bad tokenizer...: one ModelError
            raise ModelError(f"the embedding model failed to load ({type(exc).__name__}: {exc})") from None

    def _load(self, path: Path | None, max_length: int | None) -> None:
        set_offline()
        path = path or model_dir()
        self._path = path
        shape = model_shape(path)
        self.heads, self.layers, self.eps, self.dim = shape.heads, shape.layers, shape.eps, shape.dim
        self.max_length = max_length or shape.max_length
        w = _map_safetensors(path / "model.safetensors")
        self.w = w
        self.layer_weights = [self._layer(w, f"encoder.layer.{i}.") for i in range(self.layers)]
        from assistant.retrieval.wordpiece import AsciiWordPiece

        self._ascii = AsciiWordPiece(path / "vocab.txt", self.max_length)
        self._tokenizer = None  # the tokenizers library's, loaded for the first text _ascii declines
        self._threads = None  # a threadpoolctl controller, made once when a query must use fewer BLAS threads

    @property
    def tokenizer(self):
        """The model's own tokenizer (``tokenizers``, from ``tokenizer.json``), loaded on first use."""
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            tok = Tokenizer.from_file(str(self._path / "tokenizer.json"))
            tok.enable_truncation(max_length=self.max_length)
            tok.no_padding()
            self._tokenizer = tok
        return self._tokenizer

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """``[CLS] ... [SEP]`` ids of each text: plain ASCII by ``AsciiWordPiece``, the rest by the
        model's own tokenizer (same ids, tested)."""
        out: list[list[int] | None] = [self._ascii.ids(t) for t in texts]
        rest = [i for i, ids in enumerate(out) if ids is None]
        if rest:
            for i, enc in zip(rest, self.tokenizer.encode_batch([texts[i] for i in rest])):
                out[i] = list(enc.ids)
        return out  # type: ignore[return-value]

    @staticmethod
    def _layer(w: dict[str, np.ndarray], p: str) -> dict[str, np.ndarray]:
        """One layer's weights as stored: linear layers (out, in), applied as ``W @ x`` to feature-major
        activations. That layout reads the stored matrices as they are (no copy at start, no transposed
        view) and is the faster one for OpenBLAS here: a 1536x384 product with 13 tokens took 288 us as
        ``W @ x`` and 403 us as ``x @ W.T``. Biases are (out, 1) columns."""
        def col(name: str) -> np.ndarray:
            return w[p + name + ".bias"][:, None]

        return {
            "q": w[p + "attention.self.query.weight"], "q_b": col("attention.self.query"),
            "k": w[p + "attention.self.key.weight"], "k_b": col("attention.self.key"),
            "v": w[p + "attention.self.value.weight"], "v_b": col("attention.self.value"),
            "out": w[p + "attention.output.dense.weight"], "out_b": col("attention.output.dense"),
            "ln1_w": w[p + "attention.output.LayerNorm.weight"][:, None],
            "ln1_b": w[p + "attention.output.LayerNorm.bias"][:, None],
            "up": w[p + "intermediate.dense.weight"], "up_b": col("intermediate.dense"),
            "down": w[p + "output.dense.weight"], "down_b": col("output.dense"),
            "ln2_w": w[p + "output.LayerNorm.weight"][:, None], "ln2_b": w[p + "output.LayerNorm.bias"][:, None],
        }

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Mean-pooled, L2-normalised embeddings of one padded batch; float32 throughout.

        Activations are feature-major, ``(dim, batch*seq)``, so every linear layer is one ``W @ x``
        over all tokens of the batch; attention and pooling reshape per text.
        """
        w = self.w
        batch, seq = ids.shape
        dim, heads = self.dim, self.heads
        head_dim = dim // heads
        tokens = batch * seq
        x = w["embeddings.word_embeddings.weight"][ids.reshape(-1)].reshape(batch, seq, dim)
        x += w["embeddings.position_embeddings.weight"][:seq][None]
        x += w["embeddings.token_type_embeddings.weight"][0]
        x = _layer_norm(np.ascontiguousarray(x.reshape(tokens, dim).T), w["embeddings.LayerNorm.weight"][:, None],
                        w["embeddings.LayerNorm.bias"][:, None], self.eps)
        bias = np.where(mask[:, None, None, :] > 0, np.float32(0.0), np.float32(-1e9)).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(head_dim))  # a float32 scalar: a float64 one made the rest float64

        def heads_of(h: np.ndarray) -> np.ndarray:  # (dim, batch*seq) -> (batch, heads, seq, head_dim)
            return h.reshape(heads, head_dim, batch, seq).transpose(2, 0, 3, 1)

        for lw in self.layer_weights:
            q = lw["q"] @ x
            q += lw["q_b"]
            q *= scale
            k = lw["k"] @ x
            k += lw["k_b"]
            v = lw["v"] @ x
            v += lw["v_b"]
            scores = heads_of(q) @ heads_of(k).transpose(0, 1, 3, 2)  # (batch, heads, seq, seq)
            scores += bias
            scores -= np.maximum.reduce(scores, axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= np.add.reduce(scores, axis=-1, keepdims=True)
            ctx = scores @ heads_of(v)  # (batch, heads, seq, head_dim)
            ctx = np.ascontiguousarray(ctx.transpose(1, 3, 0, 2)).reshape(dim, tokens)
            h = lw["out"] @ ctx
            h += lw["out_b"]
            h += x
            x = _layer_norm(h, lw["ln1_w"], lw["ln1_b"], self.eps)
            up = lw["up"] @ x
            up += lw["up_b"]
            h = lw["down"] @ _gelu(up)
            h += lw["down_b"]
            h += x
            x = _layer_norm(h, lw["ln2_w"], lw["ln2_b"], self.eps)
        m = mask.astype(np.float32)  # (batch, seq)
        pooled = np.einsum("dbs,bs->bd", x.reshape(dim, batch, seq), m)
        pooled /= np.clip(m.sum(1, keepdims=True), np.float32(1e-9), None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), np.float32(1e-12), None)

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        """Embeddings of ``texts`` (rows L2-normalised, float32); batches group similar lengths."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self.token_ids(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if len(texts) <= 4:
            # one query is a handful of small matrix products: a second BLAS thread cuts it on an idle
            # machine (5.4 vs 8.9 ms, median over the dev questions) and slows it on a busy one, so use
            # the cores that are free right now
            cores = free_cores()
            if cores < (os.cpu_count() or 1):
                with self._thread_limiter().limit(limits=cores, user_api="blas"):
                    return self._encode_sorted(encodings, order, out, batch_size)
        # every core free (BLAS's own default), or a batch: no limit to set
        return self._encode_sorted(encodings, order, out, batch_size)

    def _thread_limiter(self):
        """threadpoolctl's controller, created on first need (import and library scan: ~4 ms)."""
        if self._threads is None:
            from threadpoolctl import ThreadpoolController

            self._threads = ThreadpoolController()
        return self._threads

    def _encode_sorted(self, encodings, order: list[int], out: np.ndarray, batch_size: int) -> np.ndarray:
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            seq = _padded(max(len(encodings[i]) for i in chunk), len(chunk))
            ids = np.zeros((len(chunk), seq), dtype=np.int64)
            mask = np.zeros((len(chunk), seq), dtype=np.int64)
            for row, i in enumerate(chunk):
                n = len(encodings[i])
                ids[row, :n] = encodings[i]
                mask[row, :n] = 1
            out[chunk] = self._forward(ids, mask)
        return out
