"""The reference encoder: sentence-transformers loading the bundled model directory, offline.

Slow to import (~8 s here), so podtalk uses ``NumpyEncoder`` by default; this one exists to prove
the NumPy encoder's equivalence and as a fallback (``PODTALK_ENCODER=sentence-transformers``).
"""

from __future__ import annotations

import numpy as np

from assistant.errors import ModelError
from assistant.retrieval.model_files import model_dir, set_offline


def _torch_threads() -> int:
    """Intra-op threads for torch: the cores nobody else is using (at least one).

    On a busy 2-core machine (CI, a chat session, other builds) torch's OpenMP threads spin against the
    other work: encoding 400 KB of texts took 15.0 s with 2 threads and 4.5 s with 1, the whole index
    70.6 s vs 25.7 s (measured). On an idle machine every core helps. So: cores minus the 1-minute load
    average, at least 1; ``PODTALK_TORCH_THREADS`` overrides.
    """
    import os

    cores = os.cpu_count() or 1
    try:
        return max(1, int(os.environ["PODTALK_TORCH_THREADS"]))
    except (KeyError, ValueError):
        pass
    try:
        load = os.getloadavg()[0]
    except OSError:
        return 1
    return max(1, min(cores, int(cores - load + 0.5)))


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
        torch.set_num_threads(_torch_threads())
        self.model = SentenceTransformer(str(model_dir()), device="cpu", local_files_only=True)
        getter = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = getter()

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return np.asarray(
            self.model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                              convert_to_numpy=True, show_progress_bar=False),
            dtype=np.float32,
        )
