"""The curated knowledge base: loading, validation, typed entries and the zh/en glossary."""

from assistant.knowledge.loader import (
    TOPIC_IDS, Command, Entry, HistoryNote, KnowledgeBase, LocalText, Step, Table, Verified, find_entry, load_kb,
)

__all__ = ["TOPIC_IDS", "Command", "Entry", "HistoryNote", "KnowledgeBase", "LocalText", "Step", "Table", "Verified",
           "find_entry", "load_kb"]
