"""The chat UI's screens besides the main one: help, the manifest editor, the two pickers."""

from .help import HelpScreen
from .lists import ConversationChoice, ConversationsScreen, HistorySearchScreen
from .manifest import ManifestScreen

__all__ = ["ConversationChoice", "ConversationsScreen", "HelpScreen", "HistorySearchScreen", "ManifestScreen"]
