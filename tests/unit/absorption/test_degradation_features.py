"""The tier tables: what each tier switches off, and that some service acts on every feature."""

from __future__ import annotations

import ast
from pathlib import Path

from aref.absorption import degradation
from aref.absorption.degradation import (
    CRITICAL_FEATURES,
    DISABLED_FEATURES,
    DISABLED_SETS,
    HONOURED_BY,
    NON_CRITICAL_FEATURES,
    SWITCHED_OFF_AT,
    DegradationTier,
    enabled_features,
    switched_off,
)
from aref.topology import DEMO_TOPOLOGY

SERVICES = Path(__file__).resolve().parents[3] / "services"
FULL, REDUCED, MINIMAL, EMERGENCY = list(DegradationTier)


def constant_names() -> dict[str, str]:
    """Feature value -> the name of its constant in ``aref.absorption.degradation``."""
    return {
        getattr(degradation, n): n
        for n in dir(degradation)
        if n.isupper() and getattr(degradation, n) in NON_CRITICAL_FEATURES
    }


def names_imported_from_degradation(package: Path) -> set[str]:
    names: set[str] = set()
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "aref.absorption.degradation":
                names |= {a.name for a in node.names}
    return names


def test_every_non_critical_feature_is_switched_off_by_exactly_one_tier_and_stays_off_above() -> None:
    added = [f for tier in DegradationTier for f in SWITCHED_OFF_AT[tier]]
    assert sorted(added) == sorted(set(added)) == sorted(NON_CRITICAL_FEATURES)
    assert SWITCHED_OFF_AT[FULL] == ()
    for tier in DegradationTier:
        below = {f for lower in DegradationTier if lower.rank < tier.rank for f in SWITCHED_OFF_AT[lower]}
        assert set(DISABLED_FEATURES[tier]) == below | set(SWITCHED_OFF_AT[tier]) == DISABLED_SETS[tier]
    assert not set(NON_CRITICAL_FEATURES) & set(CRITICAL_FEATURES)


def test_reduced_stops_optional_work_minimal_the_rest_outside_the_pipeline_emergency_new_orders() -> None:
    assert {"order_reports", "payment_reports", "payment_settlement", "stock_reports", "stock_restock"} <= set(
        SWITCHED_OFF_AT[REDUCED]
    )
    assert {"order_listings", "order_fulfilment", "payment_listings", "stock_listings", "order_receipts"} <= set(
        SWITCHED_OFF_AT[MINIMAL]
    )
    assert SWITCHED_OFF_AT[EMERGENCY] == ("new_orders",)


def test_every_non_critical_feature_is_honoured_by_a_shop_service_that_imports_it() -> None:
    assert set(HONOURED_BY) == set(NON_CRITICAL_FEATURES)
    names = constant_names()
    assert set(names) == set(NON_CRITICAL_FEATURES)  # one constant per feature
    for feature, services in HONOURED_BY.items():
        assert services, feature
        for service in services:
            assert service in DEMO_TOPOLOGY.nodes, (feature, service)
            assert names[feature] in names_imported_from_degradation(SERVICES / service), (feature, service)


def test_orders_payments_and_inventory_each_act_from_reduced_on() -> None:
    for service in ("orders", "payments", "inventory", "notifications"):
        assert any(service in HONOURED_BY[f] for f in SWITCHED_OFF_AT[REDUCED]), service
    assert {s for f in SWITCHED_OFF_AT[EMERGENCY] for s in HONOURED_BY[f]} == {"gateway", "orders"}


def test_what_a_tier_switches_off_in_one_service_is_what_that_service_acts_on() -> None:
    assert switched_off(REDUCED, "payments") == ("payment_reports", "payment_settlement")
    assert switched_off(MINIMAL, "payments") == ("payment_reports", "payment_settlement", "payment_listings")
    assert switched_off(EMERGENCY, "orders") == ("order_reports", "order_listings", "order_fulfilment", "new_orders")
    assert switched_off(REDUCED, "gateway") == ()
    assert switched_off(MINIMAL) == DISABLED_FEATURES[MINIMAL]
    assert enabled_features(REDUCED, "inventory") == ("order_status", "health", "stock_listings")
    assert enabled_features(FULL) == (*CRITICAL_FEATURES, *NON_CRITICAL_FEATURES)
