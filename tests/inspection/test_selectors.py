"""The shared label selector: both shapes, every operator, and the two meanings of 'no selector'."""

from __future__ import annotations

import pytest

from assistant.inspection.selectors import Selector, labels_of

WEB = {"app": "web", "tier": "front", "env": "prod"}


@pytest.mark.parametrize("raw, labels, expected", [
    ({}, WEB, True),                                                    # {} selects everything
    ({}, {}, True),
    ({"matchLabels": {"app": "web"}}, WEB, True),
    ({"matchLabels": {"app": "web", "tier": "back"}}, WEB, False),      # matchLabels are ANDed
    ({"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]}]}, WEB, True),
    ({"matchExpressions": [{"key": "app", "operator": "In", "values": ["api"]}]}, WEB, False),
    ({"matchExpressions": [{"key": "app", "operator": "In", "values": ["web"]}]}, {}, False),
    ({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["api"]}]}, WEB, True),
    ({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web"]}]}, WEB, False),
    ({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web"]}]}, {}, True),  # lacks key
    ({"matchExpressions": [{"key": "env", "operator": "Exists"}]}, WEB, True),
    ({"matchExpressions": [{"key": "canary", "operator": "Exists"}]}, WEB, False),
    ({"matchExpressions": [{"key": "canary", "operator": "DoesNotExist"}]}, WEB, True),
    ({"matchExpressions": [{"key": "env", "operator": "DoesNotExist"}]}, WEB, False),
    ({"matchLabels": {"app": "web"},                                     # labels AND expressions
      "matchExpressions": [{"key": "env", "operator": "In", "values": ["dev"]}]}, WEB, False),
    ({"matchLabels": {"app": "web"},
      "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod"]}]}, WEB, True),
])
def test_label_selector_operators(raw, labels, expected):
    assert Selector.from_label_selector(raw).matches(labels) is expected


def test_null_label_selector_selects_nothing():
    selector = Selector.from_label_selector(None)
    assert selector.nothing and not selector.matches(WEB) and not selector.matches({})


@pytest.mark.parametrize("raw", [
    {"matchExpressions": [{"key": "app", "operator": "Equals", "values": ["web"]}]},
    {"matchExpressions": [{"key": "app", "operator": "In", "values": []}]},
    {"matchExpressions": [{"key": "app", "operator": "Exists", "values": ["x"]}]},
    {"matchExpressions": [{"operator": "Exists"}]},
    {"matchLabels": ["app"]},
    "app=web",
])
def test_invalid_selector_selects_nothing_and_says_why(raw):
    selector = Selector.from_label_selector(raw)
    assert not selector.matches(WEB) and selector.error


@pytest.mark.parametrize("raw, expected", [
    ({"app": "web"}, True),
    ({"app": "web", "tier": "front"}, True),
    ({"app": "api"}, False),
    ({}, False),        # a Service without selector selects no pods (manual endpoints)
    (None, False),
])
def test_service_map_selector(raw, expected):
    assert Selector.from_map(raw).matches(WEB) is expected


def test_non_string_label_values_compare_as_typed():
    assert Selector.from_map({"version": 1, "canary": True}).matches(labels_of({"version": "1", "canary": "true"}))


def test_describe():
    raw = {"matchLabels": {"app": "web"}, "matchExpressions": [
        {"key": "env", "operator": "NotIn", "values": ["dev", "test"]}, {"key": "x", "operator": "Exists"}]}
    assert Selector.from_label_selector(raw).describe() == "app=web,env notin (dev,test),x"
    assert Selector.from_label_selector({}).describe() == "all"
