"""Mirrors aref/adaptation/strategies/__init__.py: the registry of default strategies."""

from __future__ import annotations

from aref.adaptation.strategies import DEFAULT_STRATEGIES


def test_default_strategies_in_least_impact_order() -> None:
    assert [(s.name, s.impact) for s in DEFAULT_STRATEGIES] == [
        ("observe", 0),
        ("shed_load", 1),
        ("shift_traffic", 2),
        ("scale_out", 3),
        ("degrade_scope", 4),
        ("escalate_to_recovery", 5),
    ]


def test_every_strategy_explains_its_purpose() -> None:
    assert all(s.purpose for s in DEFAULT_STRATEGIES)
