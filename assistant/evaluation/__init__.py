"""Evaluation: retrieval/answer metrics and the ``podtalk eval`` runner."""
