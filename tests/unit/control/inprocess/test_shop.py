"""The simulated shop: each order's answer under the live faults, and the telemetry it leaves."""

from __future__ import annotations

import pytest

from aref.control.inprocess.shop import HOP_MS, SimulatedShop, draw, walk
from aref.testing import EventCapture, FakeClock
from aref.topology import SERVICES
from chaos.faults import FaultBoard, FaultSpec
from chaos.injector import FaultInjector
from chaos.loadgen import SendResult

T0 = 1_000.0


def board(*faults: tuple[str, str, float, float | None]) -> FaultBoard:
    """A board with each (service, fault_type, rate, delay_ms) fault active from T0 for 60 s."""
    injector = FaultInjector(FakeClock(T0), EventCapture(), SERVICES)
    for service, kind, rate, delay in faults:
        injector.inject(FaultSpec.build(service, kind, rate, 60.0, delay))
    return injector.board()


def test_draws_are_the_golden_ratio_weyl_sequence_evenly_spread() -> None:
    assert [round(draw(n), 3) for n in range(10)] == [0.0, 0.618, 0.236, 0.854, 0.472, 0.09, 0.708, 0.326, 0.944, 0.562]
    below = sum(draw(n) < 0.3 for n in range(1000))
    assert abs(below - 300) <= 2


def test_without_faults_an_order_is_created_after_one_hop_per_service() -> None:
    result, visits = walk(board(), T0, 0.5, lambda s: 1)
    assert result == SendResult(201, 5 * HOP_MS, None)
    assert [(v.service, v.latency_ms, v.ok) for v in visits] == [
        ("gateway", 5 * HOP_MS, True),
        ("orders", HOP_MS, True),
        ("payments", HOP_MS, True),
        ("inventory", HOP_MS, True),
        ("notifications", HOP_MS, True),
    ]


def test_an_error_on_a_critical_service_fails_the_order_there_with_503() -> None:
    result, visits = walk(board(("orders", "error", 0.6, None)), T0, 0.5, lambda s: 1)
    assert result == SendResult(503, 2 * HOP_MS, "orders: injected error")
    assert [(v.service, v.ok) for v in visits] == [("gateway", False), ("orders", False)]


def test_a_draw_above_the_rate_is_not_hit() -> None:
    result, _ = walk(board(("orders", "error", 0.6, None)), T0, 0.6, lambda s: 1)
    assert result.status == 201


def test_a_timeout_fails_with_504_after_its_delay() -> None:
    result, visits = walk(board(("payments", "timeout", 0.9, 2000.0)), T0, 0.1, lambda s: 1)
    assert result == SendResult(504, 3 * HOP_MS + 2000.0, "payments: injected timeout")
    assert [v.service for v in visits] == ["gateway", "orders", "payments"]


def test_a_latency_fault_slows_the_order_down_and_the_gateway_with_it() -> None:
    result, visits = walk(board(("inventory", "latency", 0.9, 300.0)), T0, 0.1, lambda s: 1)
    assert result == SendResult(201, 5 * HOP_MS + 300.0, None)
    assert [(v.service, v.latency_ms) for v in visits if v.service in ("gateway", "inventory")] == [
        ("gateway", 5 * HOP_MS + 300.0),
        ("inventory", HOP_MS + 300.0),
    ]


@pytest.mark.parametrize("service", ["inventory", "notifications"])
def test_inventory_and_receipt_failures_do_not_fail_the_order(service: str) -> None:
    result, visits = walk(board((service, "error", 0.9, None)), T0, 0.1, lambda s: 1)
    assert result == SendResult(201, 5 * HOP_MS, None)
    assert [v.service for v in visits if not v.ok] == [service]


def test_an_error_on_the_gateway_stops_there() -> None:
    result, visits = walk(board(("gateway", "error", 0.9, None)), T0, 0.1, lambda s: 1)
    assert (result.status, [v.service for v in visits]) == (503, ["gateway"])


def test_a_service_without_replicas_fails_a_critical_step_and_is_skipped_otherwise() -> None:
    no_payments, visits = walk(board(), T0, 0.5, lambda s: 0 if s == "payments" else 1)
    assert no_payments == SendResult(503, 2 * HOP_MS, "payments: no replica running")
    assert [v.service for v in visits] == ["gateway", "orders"]
    no_stock, visits = walk(board(), T0, 0.5, lambda s: 0 if s == "inventory" else 1)
    assert no_stock.status == 201
    assert [v.service for v in visits] == ["gateway", "orders", "payments", "notifications"]


def test_an_expired_fault_hits_nothing() -> None:
    result, _ = walk(board(("orders", "error", 0.9, None)), T0 + 61.0, 0.1, lambda s: 1)
    assert result.status == 201


def test_a_fault_of_rate_r_fails_that_share_of_orders() -> None:
    shop = SimulatedShop(SERVICES, lambda s: 1)
    faults = board(("orders", "error", 0.5, None))
    statuses = [shop.order(faults, T0).status for _ in range(10)]
    assert statuses == [503 if draw(n) < 0.5 else 201 for n in range(10)]
    assert statuses.count(503) == 5
    assert shop.orders == 10


def test_telemetry_is_kept_per_replica_for_a_window_then_flushed() -> None:
    replicas = {"gateway": 2}
    shop = SimulatedShop(SERVICES, lambda s: replicas.get(s, 1), window_s=1.0)
    assert not shop.due(T0)
    faults = board(("orders", "error", 0.5, None))
    for i in range(4):
        shop.order(faults, T0 + 0.25 * i)
    assert not shop.due(T0 + 0.99)
    assert shop.due(T0 + 1.0)
    records = {r["replica_id"]: r for r in shop.flush(T0 + 1.0)}
    # orders 0..3 draw 0.0, 0.618, 0.236, 0.854: orders 0 and 2 fail at orders (gateway replica 0)
    assert {k: (r["requests"], r["errors"]) for k, r in records.items()} == {
        "gateway-mem-0": (2, 2),
        "gateway-mem-1": (2, 0),
        "orders-mem-0": (4, 2),
        "payments-mem-0": (2, 0),
        "inventory-mem-0": (2, 0),
        "notifications-mem-0": (2, 0),
    }
    assert {(r["started_at"], r["ended_at"]) for r in records.values()} == {(T0, T0 + 1.0)}
    assert shop.flush(T0 + 2.0) == []
    assert not shop.due(T0 + 5.0)


def test_only_the_services_the_runtime_runs_are_visited() -> None:
    shop = SimulatedShop(("gateway", "orders"), lambda s: 1)
    assert shop.order(board(), T0) == SendResult(201, 2 * HOP_MS, None)
    assert sorted(r["service"] for r in shop.flush(T0)) == ["gateway", "orders"]
