"""podtalk: a terminal assistant that teaches and checks how Kubernetes pods communicate."""

__version__ = "0.1.0"
