"""all-MiniLM-L6-v2 sentence embeddings computed with NumPy from the bundled weights.

Why: ``import sentence_transformers`` (torch, transformers) costs ~8 s on a 2-core machine, longer
than a one-shot ``podtalk ask`` may take. The model is a 6-layer BERT with mean pooling and L2
normalisation; its forward pass is a few matrix products, so NumPy plus the ``tokenizers`` library
reproduce it exactly (cosine >= 0.9999 against sentence-transformers, checked in the tests) and load
in ~0.2 s. ``SentenceTransformerEncoder`` remains the reference implementation.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from assistant.errors import ModelError
from assistant.retrieval.model_files import model_dir, set_offline

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
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


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
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        path = path or model_dir()
        config = json.loads((path / "config.json").read_text())
        st_config = json.loads((path / "sentence_bert_config.json").read_text())
        self.heads: int = config["num_attention_heads"]
        self.layers: int = config["num_hidden_layers"]
        self.eps: float = config["layer_norm_eps"]
        self.max_length = max_length or st_config.get("max_seq_length", 256)
        self.w = load_file(str(path / "model.safetensors"))
        # linear weights pre-transposed once into contiguous (in, out) matrices for BLAS
        for name in list(self.w):
            if name.startswith("encoder.") and name.endswith(".weight") and self.w[name].ndim == 2:
                self.w[name] = np.ascontiguousarray(self.w[name].T)
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_length)
        self.tokenizer.no_padding()
        self.dim: int = config["hidden_size"]

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.w
        batch, seq = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][np.arange(seq)][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        head_dim = self.dim // self.heads
        bias = np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def lin(t: np.ndarray, name: str) -> np.ndarray:
                wt = w[p + name + ".weight"]
                flat = t.reshape(-1, t.shape[-1]) @ wt
                flat += w[p + name + ".bias"]
                return flat.reshape(*t.shape[:-1], wt.shape[1])

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, seq, self.heads, head_dim).transpose(0, 2, 1, 3)

            q = split(lin(x, "attention.self.query"))
            k = split(lin(x, "attention.self.key"))
            v = split(lin(x, "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head_dim) + bias
            scores = scores - scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, seq, self.dim)
            x = _layer_norm(lin(ctx, "attention.output.dense") + x,
                            w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], self.eps)
            h = _gelu(lin(x, "intermediate.dense"))
            x = _layer_norm(lin(h, "output.dense") + x,
                            w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps)
        m = mask[:, :, None].astype(np.float32)
        pooled = (x * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        """Embeddings of ``texts`` (rows L2-normalised, float32); batches group similar lengths."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if len(texts) <= 4:
            # one query is a handful of tiny matrix products: BLAS threads cost more than they save
            # (36 ms vs 10 ms per query measured on 2 busy cores), so run it on one thread
            from threadpoolctl import threadpool_limits

            with threadpool_limits(limits=1, user_api="blas"):
                return self._encode_sorted(encodings, order, out, batch_size)
        return self._encode_sorted(encodings, order, out, batch_size)

    def _encode_sorted(self, encodings, order: list[int], out: np.ndarray, batch_size: int) -> np.ndarray:
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            seq = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), seq), dtype=np.int64)
            mask = np.zeros((len(chunk), seq), dtype=np.int64)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            out[chunk] = self._forward(ids, mask)
        return out
