"""The chat UI's screens besides the main one: help (F1) and the manifest editor."""

from .help import HelpScreen
from .manifest import ManifestScreen

__all__ = ["HelpScreen", "ManifestScreen"]
