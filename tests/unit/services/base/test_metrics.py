from __future__ import annotations

from aref.absorption.breaker import BreakerState
from services.base.metrics import ReplicaMetrics


def sample(text: str, name: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(name)]


def test_each_replica_has_its_own_registry() -> None:
    first, second = ReplicaMetrics("orders", "r1"), ReplicaMetrics("orders", "r2")

    first.request("create_order", 201, 0.02)

    assert first.registry is not second.registry
    assert 'replica="r1"' in first.render().decode()
    assert "create_order" not in second.render().decode()


def test_requests_faults_edges_and_breaker_states_are_exposed() -> None:
    metrics = ReplicaMetrics("gateway", "g1")
    metrics.request("place_order", 201, 0.03)
    metrics.request("place_order", 503, 0.2)
    metrics.request("place_order", 422, 0.001)
    metrics.fault("error")
    metrics.edge_call("gateway->payments", "failures")
    metrics.breaker("gateway->payments", BreakerState.OPEN)
    metrics.fault_version(7)

    text = metrics.render().decode()

    assert sample(text, "aref_service_requests_total{") == [
        'aref_service_requests_total{op="place_order",outcome="ok",replica="g1",service="gateway"} 1.0',
        'aref_service_requests_total{op="place_order",outcome="error",replica="g1",service="gateway"} 1.0',
        'aref_service_requests_total{op="place_order",outcome="client_error",replica="g1",service="gateway"} 1.0',
    ]
    assert 'aref_service_request_latency_seconds_count{op="place_order",replica="g1",service="gateway"} 3.0' in text
    assert 'aref_service_faults_injected_total{kind="error",replica="g1",service="gateway"} 1.0' in text
    assert (
        'aref_edge_calls_total{edge="gateway->payments",outcome="failures",replica="g1",service="gateway"} 1.0' in text
    )
    assert 'aref_edge_breaker_state{edge="gateway->payments",replica="g1",service="gateway"} 2.0' in text
    assert 'aref_service_fault_board_version{replica="g1",service="gateway"} 7.0' in text
