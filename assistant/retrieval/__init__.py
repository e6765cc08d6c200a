"""Retrieval: the bundled embedding model, the dense (faiss) and lexical (BM25) indexes, fusion and abstention."""
