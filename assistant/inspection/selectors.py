"""The one label-selector implementation every rule, explanation and verdict shares.

Kubernetes has two selector shapes and two meanings of "no selector", and peer tools get them
wrong in different places (Polaris ignores matchExpressions, k8sgpt treats ``{}`` as "allows
everything", checkov ignores namespaces). Everything here follows
``metav1.LabelSelectorAsSelector`` and the Service docs:

* a ``LabelSelector`` (workloads, NetworkPolicy ``podSelector``/``namespaceSelector``):
  ``{}`` selects everything, ``null``/absent selects nothing, ``matchLabels`` and every
  ``matchExpressions`` entry are ANDed; ``In``/``NotIn``/``Exists``/``DoesNotExist``;
  ``NotIn`` and ``DoesNotExist`` match objects that lack the key;
* a Service's plain map selector: absent or ``{}`` means the Service selects no pods (its
  endpoints are managed by hand), otherwise every pair must match.

A selector the API server would reject (unknown operator, ``In`` without values) selects
nothing and carries the reason in :attr:`Selector.error`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Requirement", "Selector", "label_value", "labels_of"]

_OPERATORS = {"In", "NotIn", "Exists", "DoesNotExist"}


def label_value(value: Any) -> str:
    """Labels are strings; YAML may hand us ``1`` or ``true``; compare them as the text a user typed."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def labels_of(raw: Any) -> dict[str, str]:
    """A label map from untrusted data (non-mappings become no labels)."""
    if not isinstance(raw, Mapping):
        return {}
    return {str(key): label_value(value) for key, value in raw.items()}


@dataclass(frozen=True)
class Requirement:
    """One ``key op values`` term; matchLabels entries become ``key In (value)``."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.operator == "In":
            return self.key in labels and labels[self.key] in self.values
        if self.operator == "NotIn":
            return self.key not in labels or labels[self.key] not in self.values
        if self.operator == "Exists":
            return self.key in labels
        if self.operator == "DoesNotExist":
            return self.key not in labels
        return False

    def describe(self) -> str:
        if self.operator == "In" and len(self.values) == 1:
            return f"{self.key}={self.values[0]}"
        if self.operator == "Exists":
            return self.key
        if self.operator == "DoesNotExist":
            return f"!{self.key}"
        op = "in" if self.operator == "In" else "notin"
        return f"{self.key} {op} ({','.join(self.values)})"


@dataclass(frozen=True)
class Selector:
    """A parsed selector: ``matches(labels)`` and a short human description."""

    requirements: tuple[Requirement, ...] = ()
    nothing: bool = False
    """True when the selector selects no object at all (null selector, Service without one)."""
    error: str | None = field(default=None, compare=False)
    """Why the API server would reject this selector, if it would."""

    @property
    def everything(self) -> bool:
        return not self.nothing and not self.requirements

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.nothing:
            return False
        return all(req.matches(labels) for req in self.requirements)

    def describe(self) -> str:
        if self.nothing:
            return "nothing"
        if not self.requirements:
            return "all"
        return ",".join(req.describe() for req in self.requirements)

    @classmethod
    def from_label_selector(cls, raw: Any) -> "Selector":
        """A metav1.LabelSelector: ``None`` selects nothing, ``{}`` everything."""
        if raw is None:
            return cls(nothing=True)
        if not isinstance(raw, Mapping):
            return cls(nothing=True, error=f"selector must be a mapping, not {type(raw).__name__}")
        requirements: list[Requirement] = []
        match_labels = raw.get("matchLabels")
        if match_labels is not None and not isinstance(match_labels, Mapping):
            return cls(nothing=True, error="matchLabels must be a mapping")
        for key, value in (match_labels or {}).items():
            requirements.append(Requirement(str(key), "In", (label_value(value),)))
        expressions = raw.get("matchExpressions")
        if expressions is not None and not isinstance(expressions, list):
            return cls(nothing=True, error="matchExpressions must be a list")
        for expression in expressions or []:
            if not isinstance(expression, Mapping) or "key" not in expression:
                return cls(nothing=True, error="a matchExpressions entry needs a key")
            operator = expression.get("operator")
            values = expression.get("values") or []
            if not isinstance(values, list):
                return cls(nothing=True, error="matchExpressions values must be a list")
            if operator not in _OPERATORS:
                return cls(nothing=True, error=f"unknown matchExpressions operator {operator!r}")
            if operator in ("In", "NotIn") and not values:
                return cls(nothing=True, error=f"operator {operator} needs at least one value")
            if operator in ("Exists", "DoesNotExist") and values:
                return cls(nothing=True, error=f"operator {operator} must not have values")
            requirements.append(Requirement(str(expression["key"]), operator,
                                            tuple(label_value(v) for v in values)))
        return cls(tuple(requirements))

    @classmethod
    def from_map(cls, raw: Any) -> "Selector":
        """A Service's ``spec.selector``: absent or ``{}`` selects no pods."""
        if not isinstance(raw, Mapping) or not raw:
            return cls(nothing=True)
        return cls(tuple(Requirement(str(k), "In", (label_value(v),)) for k, v in raw.items()))
