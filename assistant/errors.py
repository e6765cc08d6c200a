"""One exception tree for podtalk.

Deep code raises these; exactly one place per shell (the CLI, the chat UI) turns them into a
message and an exit code. Nothing below the shells calls ``sys.exit``.
"""

from __future__ import annotations

EXIT_OK = 0
"""Success (``inspect``: no finding at or above ``--fail-on``)."""
EXIT_FINDINGS = 1
"""``inspect`` reported a finding at or above ``--fail-on``."""
EXIT_USAGE = 2
"""A usage error or unreadable input (every :class:`PodtalkError`, unless it says otherwise)."""
EXIT_INTERRUPTED = 130
"""Ctrl-C (128 + SIGINT), as shells report it."""


class PodtalkError(Exception):
    """Base of every error podtalk reports to a user as a message (never a traceback)."""

    exit_code: int = EXIT_USAGE


class KBError(PodtalkError):
    """The knowledge base on disk is invalid; the message names the file and the problem."""


class ModelError(PodtalkError):
    """The bundled embedding model is missing or failed to load."""


class IndexError_(PodtalkError):
    """The index cache could not be built or read."""


class ManifestError(PodtalkError):
    """A manifest could not be read at all (missing file, too large, not text)."""


class UsageError(PodtalkError):
    """The command line was wrong."""


class Cancelled(PodtalkError): """The user stopped a long operation (an inspection, an index build) before it ended."""
