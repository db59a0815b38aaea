"""LocalRuntime: the engines wired like the actors."""

from __future__ import annotations

import pytest

from aref import topics
from aref.absorption.shared_breaker import OutcomeReport
from aref.dashboard.inmemory.runtime import LocalRuntime
from aref.errors import ConflictError, InvalidInputError
from aref.events import Event, EventCategory
from aref.records import to_record
from aref.telemetry import ReplicaTelemetry
from aref.testing import FakeClock
from aref.topology import DEMO_TOPOLOGY, SERVICES
from chaos.faults import FaultSpec, FaultType
from tests.unit.dashboard.conftest import make_settings


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def runtime(clock: FakeClock) -> LocalRuntime:
    return LocalRuntime(make_settings(), clock, None, topology=DEMO_TOPOLOGY, services=SERVICES)


def test_each_engine_subscribes_to_its_topics_and_timeline_and_evolution_to_all(runtime: LocalRuntime) -> None:
    subscriptions = {s.name: s.topics for s in runtime.bus._subscriptions}
    engines = runtime.engines
    assert subscriptions == {
        "timeline": None,
        "evolution": None,
        "detection": frozenset(engines.detection.SUBSCRIBES),
        "absorption": frozenset(engines.absorption.SUBSCRIBES),
        "adaptation": frozenset(engines.adaptation.SUBSCRIBES),
        "recovery": frozenset(engines.recovery.SUBSCRIBES),
        "scaler": frozenset({topics.SCALE_REQUESTED}),
    }


def test_a_scale_request_reaches_the_scaler_and_adaptation(runtime: LocalRuntime, clock: FakeClock) -> None:
    payload = {"service": "orders", "current": 1, "desired": 3, "reason": "load"}
    runtime.publish(
        Event.create(EventCategory.ADAPTATION, "scale_requested", source="adaptation", clock=clock, payload=payload)
    )
    assert (runtime.scaler.target("orders"), runtime.engines.adaptation.autoscaler.state("orders").current) == (3, 3)


def test_breaker_reports_open_a_breaker_and_adaptation_fails_over(runtime: LocalRuntime, clock: FakeClock) -> None:
    report = OutcomeReport(
        "gateway->payments", "gw-1", successes=0, failures=20, excluded=0, at=clock.now(), sequence=1
    )
    assert runtime.apply_reports([to_record(report)]) == 1
    assert runtime.apply_reports([to_record(report)]) == 0  # replayed: idempotent
    events = runtime.query_timeline("absorption", None, None, 100)["events"]
    opened = [e for e in events if e["topic"] == topics.BREAKER_OPENED]
    assert [e["payload"]["breaker"] for e in opened] == ["gateway->payments"]
    assert runtime.engines.adaptation.traffic.weights("payments") == {"primary": 0, "backup": 100}


def test_bad_records_are_invalid_input(runtime: LocalRuntime) -> None:
    with pytest.raises(InvalidInputError) as err:
        runtime.ingest_telemetry([{"service": "orders"}])
    assert err.value.field == "telemetry"
    with pytest.raises(InvalidInputError) as err:
        runtime.apply_reports([{"edge": "nonsense"}])
    assert err.value.field == "reports"


def test_sync_ticks_once_per_tick_period(runtime: LocalRuntime, clock: FakeClock) -> None:
    ticks: list[float] = []
    original = runtime.tick

    def counted() -> None:
        ticks.append(clock.now())
        original()

    runtime.tick = counted  # type: ignore[method-assign]
    runtime.sync()
    clock.advance(0.5)
    runtime.sync()
    clock.advance(0.5)
    runtime.sync()
    runtime.sync()
    assert ticks == [clock.now()]


def test_the_timeline_query_counts_every_match(runtime: LocalRuntime, clock: FakeClock) -> None:
    for replicas in (2, 3, 1):
        payload = {"service": "orders", "previous": 0, "replicas": replicas}
        runtime.publish(Event.create(EventCategory.SYSTEM, "replicas_scaled", source="t", clock=clock, payload=payload))
    view = runtime.query_timeline("system", None, None, 2)
    assert [e["payload"]["replicas"] for e in view["events"]] == [1, 3]
    assert (view["matched"], view["retained"]) == (3, 3)
    assert runtime.query_timeline(None, "critical", None, 10)["matched"] == 0
    with pytest.raises(InvalidInputError) as err:
        runtime.query_timeline("weather", None, None, 10)
    assert err.value.field == "category"


def test_an_experiment_cannot_run_twice_at_once(runtime: LocalRuntime, clock: FakeClock) -> None:
    spec = FaultSpec("orders", FaultType.ERROR, 0.5, 10.0)
    first = runtime.inject(spec, experiment="x")
    with pytest.raises(ConflictError):
        runtime.inject(spec, experiment="x")
    runtime.inject(spec)  # an ad-hoc fault on the same service is allowed
    clock.advance(10)
    runtime.sync()
    assert [(f["fault_id"], f["experiment"], f["end_reason"]) for f in runtime.recent_faults()][-1] == (
        first["fault_id"],
        "x",
        "expired",
    )
    assert runtime.inject(spec, experiment="x")["experiment"] == "x"


def test_replica_telemetry_feeds_detection_and_the_scaling_policy(runtime: LocalRuntime, clock: FakeClock) -> None:
    start = clock.now()
    clock.advance(1.0)
    records = [
        to_record(ReplicaTelemetry("orders", f"orders-r{n}", start, clock.now(), requests=100, errors=0))
        for n in (1, 2)
    ]
    runtime.ingest_telemetry(records)
    sample = runtime.samples["orders"]
    assert (sample.requests, sample.replicas) == (200, 2)
    runtime.tick()  # 200 req/s need 5 replicas at 50 req/s and 80 % utilisation: the policy caps at 4
    assert runtime.scaler.target("orders") == 4
    assert runtime.engines.adaptation.autoscaler.state("orders").desired == 4


def test_orders_feed_the_shop_telemetry_to_detection_a_window_at_a_time(
    runtime: LocalRuntime, clock: FakeClock
) -> None:
    runtime.inject(FaultSpec.build("orders", "error", 0.5, 60.0))
    statuses = []
    for _ in range(4):  # draws 0.0, 0.618, 0.236, 0.854: the first and the third fail at orders
        statuses.append(runtime.place_order().status)
        clock.advance(0.25)
    assert statuses == [503, 201, 503, 201]
    assert "gateway" not in runtime.samples  # the window is still open
    runtime.sync()  # one second on: the window is due
    gateway, orders = runtime.samples["gateway"], runtime.samples["orders"]
    assert (gateway.requests, gateway.errors, orders.requests, orders.errors) == (4, 2, 4, 2)
    assert (runtime.samples["payments"].requests, runtime.samples["payments"].errors) == (2, 0)
    runtime.place_order()
    runtime.flush_orders()  # forced: whatever the window holds
    assert (runtime.samples["gateway"].requests, runtime.samples["gateway"].at) == (1, clock.now())
    runtime.flush_orders()  # an empty window ingests nothing
    assert runtime.samples["gateway"].requests == 1
