from __future__ import annotations

import pytest

from aref.errors import InvalidInputError
from services.gateway.request_log import RequestLog


def test_recent_requests_are_bounded_and_newest_first() -> None:
    log = RequestLog(capacity=2)
    for n in range(3):
        log.record(float(n), "POST /api/orders", 201, 10.0, outcome="completed", order_id=f"ORD-{n}")

    assert [e["order_id"] for e in log.recent()] == ["ORD-2", "ORD-1"]
    assert [e["n"] for e in log.recent(limit=1)] == [3]


def test_stats_count_outcomes_statuses_errors_and_latency() -> None:
    log = RequestLog()
    log.record(1.0, "POST /api/orders", 201, 10.0, outcome="completed")
    log.record(2.0, "POST /api/orders", 502, 30.0, outcome="failed")
    log.record(3.0, "POST /api/orders", 422, 2.0)

    assert log.stats() == {
        "requests": 3,
        "orders": {"completed": 1, "failed": 1},
        "by_status": {"201": 1, "422": 1, "502": 1},
        "error_rate": 0.3333,
        "avg_latency_ms": 14.0,
    }
    assert RequestLog().stats()["avg_latency_ms"] == 0.0


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(InvalidInputError):
        RequestLog(capacity=0)
    with pytest.raises(InvalidInputError):
        RequestLog().recent(limit=0)
