from __future__ import annotations

import pytest

from aref.detection.metrics import METRICS, metric_value, require_metric
from aref.errors import InvalidInputError
from aref.models import HealthSample


def test_metrics_read_the_sample() -> None:
    sample = HealthSample("orders", 1.0, requests=200, errors=10, latency_p50_ms=40.0, latency_p99_ms=250.0, replicas=2)
    assert {name: metric_value(sample, name) for name in METRICS} == {
        "error_rate": 0.05,
        "latency_p99": 250.0,
        "latency_p50": 40.0,
        "requests": 200.0,
        "errors": 10.0,
        "replicas": 2.0,
    }


def test_a_tick_without_traffic_says_nothing_about_errors_or_latency() -> None:
    idle = HealthSample("orders", 1.0, requests=0, errors=0)
    assert metric_value(idle, "error_rate") is None
    assert metric_value(idle, "latency_p99") is None
    assert metric_value(idle, "requests") == 0.0


def test_unknown_metric_is_rejected_by_field() -> None:
    with pytest.raises(InvalidInputError) as err:
        require_metric("cpu", "metrics")
    assert err.value.field == "metrics"
