"""Reach verdicts folded into workload pairs: what the DOT, HTML and Rich pictures draw."""

from __future__ import annotations

from dataclasses import dataclass, field

from .reach import Verdict

__all__ = ["Pair", "fold_pairs", "namespace_of"]


def namespace_of(key: str) -> str:
    return key.split("/", 1)[0]


@dataclass
class Pair:
    source: str
    destination: str
    allowed: list[str] = field(default_factory=list)
    """``8080/TCP`` for every allowed port."""
    denied: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    """port -> reason (the first verdict's)."""

    @property
    def state(self) -> str:
        """``allowed``, ``denied`` or ``mixed`` (some ports allowed, others denied)."""
        if self.allowed and self.denied:
            return "mixed"
        return "allowed" if self.allowed else "denied"


def fold_pairs(verdicts: list[Verdict]) -> dict[tuple[str, str], Pair]:
    """``(source, destination)`` -> the pair's allowed and denied ports, in verdict order."""
    pairs: dict[tuple[str, str], Pair] = {}
    for v in verdicts:
        pair = pairs.get((v.source, v.destination))
        if pair is None:
            pair = pairs[(v.source, v.destination)] = Pair(v.source, v.destination)
        port = f"{v.port}/{v.protocol}"
        (pair.allowed if v.allowed else pair.denied).append(port)
        pair.reasons.setdefault(port, v.reason)
    return pairs
