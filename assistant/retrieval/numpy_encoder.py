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


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, with erf by Abramowitz-Stegun 7.1.26 (max abs error 1.5e-7).

    Written with in-place float32 operations: this is the hottest elementwise step of the model and
    SciPy's erf would cost 0.3 s of import time for one function.
    """
    z = x * np.float32(1 / np.sqrt(2.0))
    a = np.abs(z)
    t = a * np.float32(_ERF_P)
    t += 1
    np.reciprocal(t, out=t)
    a1, a2, a3, a4, a5 = (np.float32(c) for c in _ERF_A)
    poly = t * a5
    poly += a4
    poly *= t
    poly += a3
    poly *= t
    poly += a2
    poly *= t
    poly += a1
    poly *= t
    np.square(a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    poly *= a                      # poly = 1 - erf(|z|)
    np.copysign(poly, z, out=poly)  # sign(z) * (1 - erf|z|)
    # erf(z) = sign(z) - sign(z)*(1-erf|z|); gelu = 0.5 x (1 + erf(z))
    out = np.sign(z)
    out -= poly
    out += 1
    out *= x
    out *= np.float32(0.5)
    return out


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    centred = x - x.mean(-1, keepdims=True)
    var = np.square(centred).mean(-1, keepdims=True)
    var += np.float32(eps)
    np.sqrt(var, out=var)
    centred /= var
    centred *= w
    centred += b
    return centred


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
        """One layer's weights, ready for ``x @ W``: linear layers as (in, out) views of the stored
        (out, in) matrices (BLAS reads the transpose in place, ~20% faster than a copy here). The query,
        key and value projections stay three views: fusing them into one (in, 3*dim) matrix copied
        10.6 MB on every start (~3 ms, more on a busy machine) to save two ~10 us calls per layer."""
        def t(name: str) -> np.ndarray:
            return w[p + name + ".weight"].T

        return {
            "q": t("attention.self.query"), "q_b": w[p + "attention.self.query.bias"],
            "k": t("attention.self.key"), "k_b": w[p + "attention.self.key.bias"],
            "v": t("attention.self.value"), "v_b": w[p + "attention.self.value.bias"],
            "out": t("attention.output.dense"), "out_b": w[p + "attention.output.dense.bias"],
            "ln1_w": w[p + "attention.output.LayerNorm.weight"], "ln1_b": w[p + "attention.output.LayerNorm.bias"],
            "up": t("intermediate.dense"), "up_b": w[p + "intermediate.dense.bias"],
            "down": t("output.dense"), "down_b": w[p + "output.dense.bias"],
            "ln2_w": w[p + "output.LayerNorm.weight"], "ln2_b": w[p + "output.LayerNorm.bias"],
        }

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Mean-pooled, L2-normalised embeddings of one padded batch; float32 throughout."""
        w = self.w
        batch, seq = ids.shape
        dim, heads = self.dim, self.heads
        head_dim = dim // heads
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:seq][None]
        x += w["embeddings.token_type_embeddings.weight"][0]
        x = _layer_norm(x.reshape(batch * seq, dim), w["embeddings.LayerNorm.weight"],
                        w["embeddings.LayerNorm.bias"], self.eps)
        bias = np.where(mask[:, None, None, :] > 0, np.float32(0.0), np.float32(-1e9)).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(head_dim))  # a float32 scalar: a float64 one made the rest float64
        def heads_of(h: np.ndarray) -> np.ndarray:  # (batch*seq, dim) -> (batch, heads, seq, head_dim)
            return h.reshape(batch, seq, heads, head_dim).transpose(0, 2, 1, 3)

        for lw in self.layer_weights:
            q = x @ lw["q"]
            q += lw["q_b"]
            k = x @ lw["k"]
            k += lw["k_b"]
            v = x @ lw["v"]
            v += lw["v_b"]
            q, k, v = heads_of(q), heads_of(k), heads_of(v)
            scores = q @ k.transpose(0, 1, 3, 2)
            scores *= scale
            scores += bias
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * seq, dim)
            h = ctx @ lw["out"]
            h += lw["out_b"]
            h += x
            x = _layer_norm(h, lw["ln1_w"], lw["ln1_b"], self.eps)
            up = x @ lw["up"]
            up += lw["up_b"]
            h = _gelu(up) @ lw["down"]
            h += lw["down_b"]
            h += x
            x = _layer_norm(h, lw["ln2_w"], lw["ln2_b"], self.eps)
        x = x.reshape(batch, seq, dim)
        m = mask[:, :, None].astype(np.float32)
        pooled = (x * m).sum(1) / np.clip(m.sum(1), np.float32(1e-9), None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), np.float32(1e-12), None)

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        """Embeddings of ``texts`` (rows L2-normalised, float32); batches group similar lengths."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self.token_ids(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if len(texts) <= 4:
            # one query is a handful of small matrix products: a second BLAS thread halves it on an idle
            # machine (7 vs 12 ms) and slows it on a busy one, so use the cores that are free right now
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
            seq = max(len(encodings[i]) for i in chunk)
            ids = np.zeros((len(chunk), seq), dtype=np.int64)
            mask = np.zeros((len(chunk), seq), dtype=np.int64)
            for row, i in enumerate(chunk):
                n = len(encodings[i])
                ids[row, :n] = encodings[i]
                mask[row, :n] = 1
            out[chunk] = self._forward(ids, mask)
        return out
