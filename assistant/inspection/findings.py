"""The Finding record: one rule firing on one object, in exactly the contract's JSON keys."""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["Finding"]


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    object: str
    """``Kind/namespace/name`` of the object at fault (``document/N`` for text-level problems)."""
    line: int
    message: str
    """One line naming the objects involved."""
    hint: str
    doc: str

    def to_dict(self) -> dict:
        return asdict(self)
