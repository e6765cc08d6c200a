"""Answering: intents, computed answers and template composition over retrieved KB entries."""
