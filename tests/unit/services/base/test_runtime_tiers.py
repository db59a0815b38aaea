"""The runtime's tier gates: an operation whose feature the tier switches off is refused, shed, with Retry-After."""

from __future__ import annotations

import asyncio

import pytest

from aref.config import load_settings
from aref.errors import InvalidInputError
from aref.testing import FakeClock
from services.base.envelope import Envelope
from services.base.link import ReplicaIdentity
from services.base.runtime import ReplicaRuntime
from services.base.synthetic import synthetic_scope
from tests.unit.services.fakes import FakeLink

GATES = {"order_stats": "order_reports", "list_orders": "order_listings"}


def runtime(plane: FakeLink | None = None) -> ReplicaRuntime:
    identity = ReplicaIdentity("orders", "orders#orders#r1", "SERVE_REPLICA::orders#orders#r1", 4242)
    rt = ReplicaRuntime(identity, load_settings(), plane or FakeLink(), FakeClock(1000.0), autostart=False)
    rt.gate(GATES, retry_after_s=7)
    return rt


def at(rt: ReplicaRuntime, tier: str) -> None:
    rt.control.apply_tier("orders", {"tiers": {"orders": tier}})


def run(rt: ReplicaRuntime, op: str, ran: list[str]) -> Envelope:
    return asyncio.run(rt.run(op, lambda _: ran.append(op) or {"op": op}))


def test_a_gated_operation_is_refused_with_503_retry_after_and_counted_as_shed_skipped_work() -> None:
    rt, ran = runtime(), []
    at(rt, "reduced")

    refused = run(rt, "order_stats", ran)

    assert (refused.status, refused.headers, refused.shed, ran) == (503, {"Retry-After": "7"}, True, [])
    assert (refused.body["status"], refused.body["feature"], refused.body["tier"]) == (
        "refused",
        "order_reports",
        "reduced",
    )
    health = rt.health()
    assert (health["requests"], health["errors"], health["shed_requests"]) == (0, 0, 1)
    assert health["skipped"] == {"order_reports": 1}
    assert rt.telemetry.flush(1001.0).requests == 0  # nothing for the detectors to judge


def test_only_the_operations_whose_feature_the_tier_switches_off_are_refused() -> None:
    rt, ran = runtime(), []
    at(rt, "reduced")
    assert run(rt, "list_orders", ran).status == 200  # listings stop only from minimal
    assert run(rt, "get_order", ran).status == 200  # not gated: never refused

    at(rt, "emergency")
    assert [run(rt, op, ran).status for op in ("order_stats", "list_orders", "get_order")] == [503, 503, 200]
    assert ran == ["list_orders", "get_order", "get_order"]
    assert rt.health()["skipped"] == {"order_reports": 1, "order_listings": 1}


def test_lifting_the_tier_serves_the_operation_again() -> None:
    plane = FakeLink()
    rt, ran = runtime(plane), []
    plane.decisions_answer = {"version": 1, "decisions": {}, "tiers": {"orders": "minimal"}}
    asyncio.run(rt.tick())
    assert run(rt, "list_orders", ran).status == 503

    plane.decisions_answer = {"version": 2, "decisions": {}, "tiers": {"orders": "full"}}
    asyncio.run(rt.tick())

    assert run(rt, "list_orders", ran) == Envelope(200, {"op": "list_orders"})
    assert ran == ["list_orders"]


def test_a_synthetic_refusal_is_not_counted_as_skipped_work() -> None:
    rt, ran = runtime(), []
    at(rt, "minimal")
    with synthetic_scope():
        assert run(rt, "list_orders", ran).status == 503
    assert (rt.health()["skipped"], rt.shed_requests, rt.synthetic_requests) == ({}, 0, 1)


def test_gates_name_known_features_and_a_positive_wait() -> None:
    rt = runtime()
    with pytest.raises(InvalidInputError, match="gates"):
        rt.gate({"order_stats": "order_stats"})
    with pytest.raises(InvalidInputError, match="retry_after_s"):
        rt.gate(GATES, retry_after_s=0)
    assert (rt.gates, rt.retry_after_s) == (GATES, 7)  # a refused gate() changes nothing


def test_the_applied_report_names_what_the_tier_switches_off_in_this_service() -> None:
    rt = runtime()
    at(rt, "minimal")

    applied = rt.applied()

    assert applied["tier"] == "minimal"
    assert applied["disabled_features"] == ["order_reports", "order_listings", "order_fulfilment"]
