"""The curated knowledge base: loading, validation and the zh/en glossary."""

from assistant.knowledge.loader import TOPIC_IDS, Entry, KnowledgeBase, load_kb

__all__ = ["TOPIC_IDS", "Entry", "KnowledgeBase", "load_kb"]
