"""The reference encoder: sentence-transformers loading the bundled model directory, offline.

Slow to import (~8 s here), so podtalk encodes queries with ``NumpyEncoder`` and builds the index with
``TorchBatchEncoder``; this one is the reference both are tested against, and a fallback
(``PODTALK_ENCODER=sentence-transformers``).
"""

from __future__ import annotations

import numpy as np

from assistant.errors import ModelError
from assistant.retrieval.cores import free_cores
from assistant.retrieval.model_files import model_dir, set_offline


class SentenceTransformerEncoder:
    """Encode texts with ``sentence_transformers.SentenceTransformer`` on the CPU."""

    name = "sentence-transformers"

    def __init__(self) -> None:
        set_offline()  # before the import: nothing may be downloaded
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelError(f"sentence-transformers is not installed: {exc}") from None
        import torch

        try:  # transformers draws its own "Loading weights" bar on stderr; podtalk shows its own progress
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
        except ImportError:
            pass
        torch.set_num_threads(free_cores())  # idle cores only: see retrieval/cores.py
        self.model = SentenceTransformer(str(model_dir()), device="cpu", local_files_only=True)
        getter = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = getter()

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return np.asarray(
            self.model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                              convert_to_numpy=True, show_progress_bar=False),
            dtype=np.float32,
        )
