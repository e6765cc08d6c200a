"""all-MiniLM-L6-v2 in a few PyTorch operations, for encoding the whole KB when the index is built.

Why: the index build encodes ~2,500 texts. PyTorch's fused kernels (GELU, layer norm, attention)
run that about twice as fast as the NumPy encoder here, but ``import sentence_transformers``
(transformers, its model classes) costs ~3.5 s of CPU on top of ``import torch`` (~1.2 s) before
the first text is encoded. This module loads the bundled safetensors weights straight into torch
tensors and runs the same BERT forward pass (mean pooling, L2 normalisation) as sentence-transformers,
on texts sorted by length and batched under a token budget so padding costs little. Tokenisation is
the ``tokenizers`` library with the bundled ``tokenizer.json``, truncated at the model's
``max_seq_length``, exactly as the other encoders. Equivalence with sentence-transformers is tested
(cosine >= 0.999 on a sample).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.errors import ModelError
from assistant.retrieval.cores import free_cores
from assistant.retrieval.model_files import model_dir, model_shape, set_offline

TOKENS_PER_BATCH = 2048
"""Padded tokens per forward pass: big enough for BLAS to be efficient, small enough to stay in cache."""


class TorchBatchEncoder:
    """Encode many texts into L2-normalised 384-d float32 vectors with PyTorch on the CPU."""

    name = "torch"

    def __init__(self, path: Path | None = None) -> None:
        try:
            self._load(path or model_dir())
        except ModelError:
            raise
        except Exception as exc:  # noqa: BLE001 - no torch, corrupt weights...: one ModelError
            raise ModelError(f"the embedding model failed to load in torch ({type(exc).__name__}: {exc})") from None

    def _load(self, path: Path) -> None:
        set_offline()
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        self.torch = torch
        shape = model_shape(path)
        self.heads, self.layers, self.eps, self.dim = shape.heads, shape.layers, shape.eps, shape.dim
        self.max_length: int = shape.max_length
        w = load_file(str(path / "model.safetensors"))
        self.w = {k.removeprefix("bert."): v.float() for k, v in w.items()}
        self.layer_weights = [self._layer(f"encoder.layer.{i}.") for i in range(self.layers)]
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_length)
        self.tokenizer.no_padding()

    def _layer(self, p: str) -> dict:
        w, torch = self.w, self.torch
        return {
            "qkv": torch.cat([w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]),
            "qkv_b": torch.cat([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]),
            "out": w[p + "attention.output.dense.weight"], "out_b": w[p + "attention.output.dense.bias"],
            "ln1": (w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
            "up": w[p + "intermediate.dense.weight"], "up_b": w[p + "intermediate.dense.bias"],
            "down": w[p + "output.dense.weight"], "down_b": w[p + "output.dense.bias"],
            "ln2": (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
        }

    def _forward(self, ids, mask):
        torch = self.torch
        F = torch.nn.functional
        w = self.w
        batch, seq = ids.shape
        heads, head_dim = self.heads, self.dim // self.heads
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:seq]
        x = x + w["embeddings.token_type_embeddings.weight"][0]
        x = F.layer_norm(x, (self.dim,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        keep = mask[:, None, None, :].bool()
        for lw in self.layer_weights:
            qkv = F.linear(x, lw["qkv"], lw["qkv_b"]).view(batch, seq, 3, heads, head_dim).permute(2, 0, 3, 1, 4)
            ctx = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attn_mask=keep)
            ctx = ctx.transpose(1, 2).reshape(batch, seq, self.dim)
            x = F.layer_norm(F.linear(ctx, lw["out"], lw["out_b"]) + x, (self.dim,), *lw["ln1"], self.eps)
            h = F.linear(F.gelu(F.linear(x, lw["up"], lw["up_b"])), lw["down"], lw["down_b"])
            x = F.layer_norm(h + x, (self.dim,), *lw["ln2"], self.eps)
        m = mask[:, :, None].to(x.dtype)
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return F.normalize(pooled, p=2, dim=1)

    def encode(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        """Embeddings of ``texts`` (rows L2-normalised, float32), in the order given.

        ``batch_size`` caps the texts per forward pass (default: as many as fit ``TOKENS_PER_BATCH``)."""
        torch = self.torch
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        lengths = [len(e.ids) for e in encodings]
        order = sorted(range(len(texts)), key=lengths.__getitem__)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        threads = torch.get_num_threads()
        torch.set_num_threads(free_cores())  # idle cores only: see retrieval/cores.py
        try:
            with torch.inference_mode():
                start = 0
                while start < len(order):
                    end = start + 1
                    while (end < len(order) and (batch_size is None or end - start < batch_size)
                           and lengths[order[end]] * (end + 1 - start) <= TOKENS_PER_BATCH):
                        end += 1
                    chunk = order[start:end]
                    seq = lengths[chunk[-1]]
                    ids = np.zeros((len(chunk), seq), dtype=np.int64)
                    mask = np.zeros((len(chunk), seq), dtype=np.int64)
                    for row, i in enumerate(chunk):
                        ids[row, :lengths[i]] = encodings[i].ids
                        mask[row, :lengths[i]] = 1
                    out[chunk] = self._forward(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
                    start = end
        finally:
            torch.set_num_threads(threads)
        return out


@lru_cache(maxsize=1)
def shared_encoder() -> TorchBatchEncoder:
    """One encoder per process: every retriever that builds an index (and the diagnosis's phrases)
    reuses the loaded weights instead of reading 90 MB again."""
    return TorchBatchEncoder()
