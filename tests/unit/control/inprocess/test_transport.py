"""InProcessTransport: the pillar services wired like the actors, a simulated fleet and shop, on a fake clock."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from aref import topics
from aref.absorption.shared_breaker import OutcomeReport
from aref.control.inprocess.transport import InProcessTransport
from aref.control.pillars.adaptation import AdaptationService
from aref.control.pillars.detection import DetectionService
from aref.control.pillars.loadgen import LoadService
from aref.control.registry import SERVICE_CLASSES
from aref.control.wiring import ABSORPTION, ADAPTATION, CHAOS, EVOLUTION, RECOVERY, TIMELINE
from aref.errors import ConflictError, InvalidInputError
from aref.events import Event, EventCategory
from aref.models import HealthSample
from aref.records import to_record
from aref.telemetry import ReplicaTelemetry
from aref.testing import FakeClock
from aref.topology import DEMO_TOPOLOGY, SERVICES
from chaos.faults import ActiveFault, FaultBoard, FaultSpec, FaultType
from chaos.loadgen import Profile, TrafficPlan
from tests.unit.control.pillars.env import pillar_settings
from tests.unit.dashboard.gate import Gate

run = asyncio.run


@pytest.fixture
def transport(clock: FakeClock) -> InProcessTransport:
    return InProcessTransport(pillar_settings(), clock, None, topology=DEMO_TOPOLOGY, services=SERVICES)


def samples(transport: InProcessTransport) -> dict[str, HealthSample]:
    detection: DetectionService = transport.raw(DetectionService)
    return detection.latest


def test_every_service_is_built_and_an_alert_reaches_its_subscribers(
    transport: InProcessTransport, clock: FakeClock
) -> None:
    assert {name: type(transport.service(name)) for name in SERVICE_CLASSES} == SERVICE_CLASSES
    heard: dict[str, list[str]] = {name: [] for name in SERVICE_CLASSES}
    for name in SERVICE_CLASSES:  # a spy on each service's delivery, the service still receives
        service = transport.service(name)

        def spy(events: Sequence[Event], name: str = name, deliver=service.deliver) -> int:  # type: ignore[no-untyped-def]
            heard[name].extend(e.topic for e in events)
            return int(deliver(events))

        service.deliver = spy
    for _ in range(30):  # every request to payments fails, second after second, until detection fires
        clock.advance(1)
        transport.ingest(HealthSample("payments", clock.now(), requests=50, errors=50, replicas=1))
    fired = [name for name, seen in heard.items() if topics.ALERT_FIRED in seen]
    assert sorted(fired) == sorted([ABSORPTION, ADAPTATION, RECOVERY, EVOLUTION, TIMELINE])
    assert list(transport.publisher.failures) == []


def test_a_scale_request_reaches_the_fleet_and_adaptation(transport: InProcessTransport, clock: FakeClock) -> None:
    adaptation: AdaptationService = transport.raw(AdaptationService)
    payload = {"service": "orders", "current": 1, "desired": 3, "reason": "load"}
    adaptation.sink.emit(
        Event.create(EventCategory.ADAPTATION, "scale_requested", source="adaptation", clock=clock, payload=payload)
    )
    adaptation.flush()
    assert transport.fleet.running("orders") == 1  # applied at the next sync's settle
    run(transport.sync())
    assert (transport.fleet.running("orders"), adaptation.engine.autoscaler.state("orders").current) == (3, 3)
    view = run(transport.timeline.query("adaptation", None, None, 10))
    assert [e["topic"] for e in view["events"]] == [topics.SCALE_REQUESTED]


def test_breaker_reports_open_a_breaker_and_adaptation_fails_over(
    transport: InProcessTransport, clock: FakeClock
) -> None:
    report = OutcomeReport(
        "gateway->payments", "gw-1", successes=0, failures=20, excluded=0, at=clock.now(), sequence=1
    )
    assert transport.apply_reports([to_record(report)]) == 1
    assert transport.apply_reports([to_record(report)]) == 0  # replayed: idempotent
    events = run(transport.timeline.query("absorption", None, None, 100))["events"]
    opened = [e for e in events if e["topic"] == topics.BREAKER_OPENED]
    assert [e["payload"]["breaker"] for e in opened] == ["gateway->payments"]
    adaptation: AdaptationService = transport.raw(AdaptationService)
    assert adaptation.engine.traffic.weights("payments") == {"primary": 0, "backup": 100}


def test_bad_records_are_invalid_input(transport: InProcessTransport) -> None:
    with pytest.raises(InvalidInputError) as err:
        transport.ingest_telemetry([{"service": "orders"}])
    assert err.value.field == "telemetry"
    with pytest.raises(InvalidInputError) as err:
        transport.apply_reports([{"edge": "nonsense"}])
    assert err.value.field == "reports"


def test_sync_ticks_once_per_tick_period(transport: InProcessTransport, clock: FakeClock) -> None:
    ticks: list[float] = []
    original = transport.tick

    def counted() -> None:
        ticks.append(clock.now())
        original()

    transport.tick = counted  # type: ignore[method-assign]
    run(transport.sync())
    clock.advance(0.5)
    run(transport.sync())
    clock.advance(0.5)
    run(transport.sync())
    run(transport.sync())
    assert ticks == [clock.now()]
    ticked = {name: transport.service(name).ticks for name in SERVICE_CLASSES}
    assert ticked == {**dict.fromkeys(SERVICE_CLASSES, 1), CHAOS: 4}  # chaos at every sync: faults expire at once


def test_the_timeline_query_counts_every_match(transport: InProcessTransport, clock: FakeClock) -> None:
    for replicas in (2, 3, 1):
        payload = {"service": "orders", "previous": 0, "replicas": replicas}
        transport.publisher(
            "t", [Event.create(EventCategory.SYSTEM, "replicas_scaled", source="t", clock=clock, payload=payload)]
        )
    view = run(transport.timeline.query("system", None, None, 2))
    assert [e["payload"]["replicas"] for e in view["events"]] == [1, 3]
    assert (view["matched"], view["retained"]) == (3, 3)
    assert run(transport.timeline.query(None, "critical", None, 10))["matched"] == 0
    with pytest.raises(InvalidInputError) as err:
        run(transport.timeline.query("weather", None, None, 10))
    assert err.value.field == "category"


def test_an_experiment_cannot_run_twice_at_once(transport: InProcessTransport, clock: FakeClock) -> None:
    spec = FaultSpec("orders", FaultType.ERROR, 0.5, 10.0)
    first = run(transport.chaos.inject(spec, experiment="x")).record
    with pytest.raises(ConflictError):
        run(transport.chaos.inject(spec, experiment="x"))
    run(transport.chaos.inject(spec))  # an ad-hoc fault on the same service is allowed
    clock.advance(10)
    run(transport.sync())  # rolled back at once, before the next tick is due
    recent = run(transport.chaos.recent())
    assert [(r.fault.id, r.experiment, r.end_reason) for r in recent][-1] == (first.fault.id, "x", "expired")
    assert transport.fleet.board("orders").faults == ()  # the rollback reached the fleet
    assert run(transport.chaos.inject(spec, experiment="x")).record.experiment == "x"


def test_replica_telemetry_feeds_detection_and_the_scaling_policy(
    transport: InProcessTransport, clock: FakeClock
) -> None:
    adaptation: AdaptationService = transport.raw(AdaptationService)
    for _ in range(8):  # 1 s windows of two replicas each busy 6 s a second: 6 in flight per replica
        start = clock.now()
        clock.advance(1.0)
        records = [
            to_record(
                ReplicaTelemetry("orders", f"orders-r{n}", start, clock.now(), requests=100, errors=0, busy_ms=6000.0)
            )
            for n in (1, 2)
        ]
        transport.ingest_telemetry(records)
        run(transport.sync())
    sample = samples(transport)["orders"]
    assert (sample.requests, sample.replicas) == (200, 2)
    scaling = adaptation.engine.status()["scaling"]["orders"]
    assert scaling["ongoing_per_replica"] == 6.0
    # one more than the fleet runs (1) once the load was sustained; the 2 reporting ids are not Serve's count
    assert transport.fleet.count("orders").target == 2
    assert adaptation.engine.autoscaler.state("orders").changes == 1


def test_orders_feed_the_shop_telemetry_to_detection_a_window_at_a_time(
    transport: InProcessTransport, clock: FakeClock
) -> None:
    run(transport.chaos.inject(FaultSpec.build("orders", "error", 0.5, 60.0)))
    statuses = []
    for _ in range(4):  # draws 0.0, 0.618, 0.236, 0.854: the first and the third fail at orders
        statuses.append(transport.place_order().status)
        clock.advance(0.25)
    assert statuses == [503, 201, 503, 201]
    assert "gateway" not in samples(transport)  # the window is still open
    transport.flush_orders(force=False)  # one second on: the window is due
    gateway, orders = samples(transport)["gateway"], samples(transport)["orders"]
    assert (gateway.requests, gateway.errors, orders.requests, orders.errors) == (4, 2, 4, 2)
    assert (samples(transport)["payments"].requests, samples(transport)["payments"].errors) == (2, 0)
    transport.place_order()
    transport.flush_orders(force=False)
    assert samples(transport)["gateway"].requests == 4  # the new window is still open
    run(transport.sync())  # no load is running: whatever the window holds is final
    assert (samples(transport)["gateway"].requests, samples(transport)["gateway"].at) == (1, clock.now())
    transport.flush_orders()  # an empty window ingests nothing
    assert samples(transport)["gateway"].requests == 1


def test_the_shops_orders_meet_the_board_the_fleet_holds(transport: InProcessTransport, clock: FakeClock) -> None:
    fault = ActiveFault("FLT-pushed", FaultSpec("orders", FaultType.ERROR, 0.9, 60.0), clock.now(), clock.now() + 60)
    run(transport.fleet.push_faults("orders", FaultBoard(1, (fault,))))  # chaos knows nothing of it
    assert transport.board().faults == (fault,)
    assert transport.place_order().status == 503
    injected = run(transport.chaos.inject(FaultSpec("payments", FaultType.ERROR, 0.9, 60.0))).record.fault
    run(transport.fleet.push_faults("orders", FaultBoard(2)))  # a board without the pushed fault
    assert transport.board().faults == (injected,)
    result = transport.place_order()  # draw 0.618 < 0.9: fails at payments, not at orders
    assert (result.status, result.error) == (503, "payments: injected error")
    run(transport.fleet.push_faults("payments", FaultBoard(3)))  # the push never reached payments' replicas
    assert transport.place_order().status == 201  # chaos still holds the fault, the replicas do not


def test_a_crash_through_chaos_replaces_the_simulated_replicas(transport: InProcessTransport) -> None:
    run(transport.adaptation.scale("payments", 2))
    before = transport.fleet.count("payments").replica_ids
    killed = run(transport.chaos.inject(FaultSpec("payments", FaultType.CRASH, 0.5, 30.0))).record.replicas_killed
    assert len(killed) == 1
    assert killed[0] in before
    counts = run(transport.adaptation.replica_counts(refresh=True))
    assert counts["payments"].running == 2
    assert killed[0] not in counts["payments"].replica_ids
    assert transport.place_order().status == 201  # the replacement serves at once


def test_load_through_the_transport_reaches_the_shop_and_detection(clock: FakeClock) -> None:
    gate = Gate(clock)
    transport = InProcessTransport(pillar_settings(), clock, sleep=gate.sleep)
    start = clock.now()

    async def scenario() -> None:
        await transport.loadgen.start(TrafficPlan(Profile.STEADY, rate_per_s=2, duration_s=2))
        load: LoadService = transport.raw(LoadService)
        await load.driver.wait()
        await transport.sync()

    run(scenario())
    assert transport.shop.orders == 4  # at 0, 0.5, 1.0 and 1.5 s
    view = run(transport.loadgen.view())
    assert (view["sent"], view["stats"]["by_status"], view["target"]) == (4, {"201": 4}, "in-memory shop")
    # the first window went to detection with the order at 1.0 s, the second at the sync after the load
    gateway = samples(transport)["gateway"]
    assert (gateway.requests, gateway.at) == (2, start + 1.5)
    assert transport.raw(DetectionService).samples_ingested == 2 * len(SERVICES)
