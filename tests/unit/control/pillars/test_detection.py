"""DetectionService: replica telemetry merged at the tick into one sample per service, its load forwarded."""

from __future__ import annotations

import asyncio

import pytest

from aref.control.host import in_process
from aref.control.pillars.detection import DetectionService
from aref.control.ports import LoadObservation
from aref.errors import ArefError, InvalidInputError
from aref.models import HealthSample
from aref.records import to_record
from aref.telemetry import LatencyHistogram, ReplicaTelemetry
from tests.unit.control.pillars.env import T0, FakeEnvironment, pillar_settings

run = asyncio.run


def report(service: str, replica: str, start: float, end: float, requests: int, errors: int = 0) -> dict[str, object]:
    latency = LatencyHistogram(tuple(requests if i == 3 else 0 for i in range(12)))
    return dict(to_record(ReplicaTelemetry(service, replica, start, end, requests, errors, latency)))


def detection_in(env: FakeEnvironment) -> DetectionService:
    return DetectionService(pillar_settings().detection, env)


def test_telemetry_is_merged_at_the_tick_into_one_sample_per_service() -> None:
    env = FakeEnvironment()
    detection = detection_in(env)
    records = [
        report("orders", "orders-1", T0, T0 + 2, 100, errors=10),
        report("orders", "orders-2", T0 + 1, T0 + 2, 100),
        report("payments", "payments-1", T0, T0 + 1, 30),
    ]
    assert detection.ingest_telemetry(records) == 3
    assert detection.latest == {}  # nothing is judged before the tick
    env.clock.advance(2)
    detection.tick()
    orders, payments = detection.latest["orders"], detection.latest["payments"]
    assert (orders.requests, orders.errors, orders.replicas, orders.at) == (200, 10, 2, T0 + 2)
    assert (orders.latency_p99_ms, orders.latency_counts[3]) == (50.0, 200)
    assert (payments.requests, payments.replicas) == (30, 1)
    assert detection.samples_ingested == 2
    assert run(detection.status())["samples_ingested"] == 2
    detection.tick()  # nothing new arrived: nothing is merged again
    assert detection.samples_ingested == 2


def test_the_load_is_forwarded_with_the_rate_over_the_span_of_the_reports() -> None:
    env = FakeEnvironment()
    detection = detection_in(env)
    detection.ingest_telemetry(
        [
            report("orders", "orders-1", T0, T0 + 2, 100, errors=10),
            report("orders", "orders-2", T0 + 1, T0 + 2, 100),  # the span is T0 .. T0+2
            report("payments", "payments-1", T0, T0 + 0.5, 30),
        ]
    )
    detection.tick()
    assert env.observed == [
        LoadObservation("orders", replicas=2, rate_per_s=100.0, latency_p99_ms=50.0, error_rate=0.05),
        LoadObservation("payments", replicas=1, rate_per_s=60.0, latency_p99_ms=50.0, error_rate=0.0),
    ]


def test_reports_without_a_span_give_a_sample_but_no_load() -> None:
    env = FakeEnvironment()
    detection = detection_in(env)
    detection.ingest_telemetry([report("orders", "orders-1", T0, T0, 0)])
    detection.tick()
    assert detection.latest["orders"].requests == 0
    assert env.observed == []


def test_a_bad_record_is_invalid_input_naming_telemetry_and_nothing_of_its_batch_is_kept() -> None:
    env = FakeEnvironment()
    detection = detection_in(env)
    with pytest.raises(InvalidInputError) as caught:
        detection.ingest_telemetry([report("orders", "orders-1", T0, T0 + 1, 10), {"service": "orders"}])
    assert caught.value.field == "telemetry"
    detection.tick()
    assert (detection.latest, env.observed) == ({}, [])


def test_merged_samples_go_straight_to_the_engine_without_a_load() -> None:
    env = FakeEnvironment()
    detection = in_process(detection_in(env))
    sample = HealthSample("orders", T0, requests=50, errors=0, latency_p99_ms=20.0, replicas=2)
    assert detection.ingest_samples([sample]) == 1
    assert run(detection.latest_samples()) == {"orders": sample}
    assert env.observed == []


def test_a_failing_service_fires_an_alert_that_is_published() -> None:
    env = FakeEnvironment()
    detection = in_process(detection_in(env))
    for _ in range(30):  # every request fails, tick after tick
        env.clock.advance(1)
        now = env.clock.now()
        detection.ingest_telemetry([report("payments", "payments-1", now - 1, now, 50, errors=50)])
        detection.tick()
    fired = env.published.of("detection.alert_fired")
    assert fired
    assert {e.payload["service"] for e in fired} == {"payments"}
    active, resolved = run(detection.alerts())
    assert {a.service for a in active} == {"payments"}
    assert resolved == []
    acked = run(detection.ack(active[0].id))
    assert acked.id == active[0].id
    assert env.published.of("detection.alert_acknowledged")[-1].payload["alert_id"] == active[0].id


def test_a_report_of_an_unknown_service_never_costs_the_others_their_sample() -> None:
    env = FakeEnvironment()
    detection = detection_in(env)
    orders = report("orders", "orders-1", T0, T0 + 1, 10)
    try:
        detection.ingest_telemetry([report("billing", "billing-1", T0, T0 + 1, 10), orders])
    except ArefError:  # refusing the unknown service at the door is as good
        detection.ingest_telemetry([orders])
    detection.tick()
    assert detection.latest["orders"].requests == 10
