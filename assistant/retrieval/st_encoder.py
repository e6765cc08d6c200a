"""The reference encoder: sentence-transformers loading the bundled model directory, offline.

Slow to import (~8 s here), so podtalk uses ``NumpyEncoder`` by default; this one exists to prove
the NumPy encoder's equivalence and as a fallback (``PODTALK_ENCODER=sentence-transformers``).
"""

from __future__ import annotations

import numpy as np

from assistant.errors import ModelError
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
        import os

        import torch

        # one intra-op thread: on this 2-core machine (busy, as CI and a chat session make it) torch's
        # two OpenMP threads spin against each other: encoding 400 KB texts took 15.0 s with 2 threads
        # and 4.5 s with 1, the whole index 70.6 s vs 25.7 s (measured); PODTALK_TORCH_THREADS overrides
        try:
            torch.set_num_threads(max(1, int(os.environ.get("PODTALK_TORCH_THREADS", "1"))))
        except ValueError:
            torch.set_num_threads(1)
        self.model = SentenceTransformer(str(model_dir()), device="cpu", local_files_only=True)
        getter = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = getter()

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return np.asarray(
            self.model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                              convert_to_numpy=True, show_progress_bar=False),
            dtype=np.float32,
        )
