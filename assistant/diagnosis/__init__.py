"""Diagnosis: read what an asker reports (a symptom, an error, pasted command output), find clues,
rank the causes in ``kb/causes/``, and answer with the one check, the fix and the next candidates,
asking one narrowing question when two causes are close. Never imports Textual.

Public surface: :class:`Diagnoser`, :class:`Diagnosis`, :class:`DiagnosisSession`,
:func:`compose_diagnosis`, :func:`load_catalog`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Diagnoser", "Diagnosis", "DiagnosisSession", "compose_diagnosis", "load_catalog"]


def __getattr__(name: str) -> Any:  # lazy: importing the package stays cheap
    if name in ("Diagnoser", "Diagnosis"):
        from assistant.diagnosis import diagnose

        return getattr(diagnose, name)
    if name == "DiagnosisSession":
        from assistant.diagnosis.session import DiagnosisSession

        return DiagnosisSession
    if name == "compose_diagnosis":
        from assistant.diagnosis.compose import compose_diagnosis

        return compose_diagnosis
    if name == "load_catalog":
        from assistant.diagnosis.catalog import load_catalog

        return load_catalog
    raise AttributeError(name)
