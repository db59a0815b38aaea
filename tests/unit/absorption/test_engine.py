from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

import pytest

from aref.absorption.breaker import BreakerState
from aref.absorption.degradation import DegradationPolicy, DegradationTier
from aref.absorption.engine import BREAKERS_COLLECTION, AbsorptionEngine
from aref.absorption.shared_breaker import OutcomeReport
from aref.config import AbsorptionSettings
from aref.errors import NotFoundError
from aref.events import Event, EventCategory, Severity
from aref.testing import EventCapture, FakeClock, MemoryStore
from aref.topics import (
    ALERT_FIRED,
    ALERT_RESOLVED,
    BREAKER_CLOSED,
    BREAKER_HALF_OPEN,
    BREAKER_OPENED,
    DEGRADATION_CHANGED,
)
from aref.topology import SERVICES, DependencyGraph
from tests.unit.graphs import LAYERED

T0 = 1_700_000_000.0
EDGE = "gateway->payments"


def engine(clock: FakeClock, sink: EventCapture, store: MemoryStore | None = None) -> AbsorptionEngine:
    return AbsorptionEngine(AbsorptionSettings(), clock, sink, store, LAYERED)


def alert(clock: FakeClock, topic: str, service: str, alert_id: str, severity: Severity, cid: str | None) -> Event:
    category, _, kind = topic.partition(".")
    return Event.create(
        EventCategory(category),
        kind,
        source="detection",
        clock=clock,
        severity=severity,
        payload={"alert_id": alert_id, "service": service, "severity": severity.value},
        correlation_id=cid,
    )


def reports(clock: FakeClock, edge: str, rows: Sequence[tuple[str, int, int, int]]) -> list[OutcomeReport]:
    """rows: (reporter, sequence, successes, failures)."""
    return [OutcomeReport(edge, r, ok, bad, 0, clock.now(), seq) for r, seq, ok, bad in rows]


def test_wires_one_breaker_per_edge_and_guards_per_service() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    eng = engine(clock, sink)
    decisions = eng.decisions()
    assert len(decisions) == 12
    assert set(decisions) == set(LAYERED.edge_names())
    assert {d.state for d in decisions.values()} == {BreakerState.CLOSED}
    status = eng.status()
    assert set(status["bulkheads"]) == set(SERVICES)
    assert status["bulkheads"]["payments"]["max_concurrent"] == 50
    assert status["rate_limiters"]["gateway"]["rate"] == 100.0
    assert status["rate_limiters"]["gateway"]["burst"] == 20
    assert {d["tier"] for d in status["degradation"].values()} == {"full"}
    assert status["blast_radius"]["services"]["redis"]["containment_pct"] == 16.67
    assert status["blast_radius"]["services"]["redis"]["meets_target"] is False
    assert json.loads(json.dumps(status)) == status
    assert sink.events == []


def test_a_whole_incident_from_alert_to_recovery() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    eng = engine(clock, sink)
    eng.handle([alert(clock, ALERT_FIRED, "payments", "A-1", Severity.CRITICAL, "INC-42")])
    assert eng.tier("payments") is DegradationTier.MINIMAL

    clock.advance(1.0)
    first = [("gw-1", 1, 1, 1), ("gw-2", 1, 0, 1), ("gw-3", 1, 1, 0)]
    assert eng.apply_reports(reports(clock, EDGE, first)) == 3
    assert eng.decisions()[EDGE].state is BreakerState.CLOSED  # 4 calls, below the minimum of 5

    clock.advance(1.0)
    opened_at = clock.now()
    assert eng.apply_reports(reports(clock, EDGE, [("gw-1", 2, 0, 1), ("gw-2", 1, 0, 1)])) == 1  # gw-2 #1 is a replay
    assert eng.decisions()[EDGE].state is BreakerState.OPEN
    assert sink.last(BREAKER_OPENED).payload["failure_rate"] == 0.6
    assert sink.last(BREAKER_OPENED).payload["retry_at"] == opened_at + 30.0
    assert eng.tier("gateway") is DegradationTier.REDUCED
    assert eng.tier("payments") is DegradationTier.EMERGENCY

    clock.set(opened_at + 29.9)
    eng.tick()
    assert eng.decisions()[EDGE].state is BreakerState.OPEN
    clock.set(opened_at + 30.0)
    eng.tick()
    assert eng.decisions()[EDGE].state is BreakerState.HALF_OPEN

    clock.set(opened_at + 31.0)
    eng.apply_reports(reports(clock, EDGE, [("gw-1", 3, 1, 0), ("gw-2", 2, 1, 0)]))
    assert eng.decisions()[EDGE].state is BreakerState.HALF_OPEN
    eng.apply_reports(reports(clock, EDGE, [("gw-3", 2, 1, 0)]))
    assert eng.decisions()[EDGE].state is BreakerState.CLOSED

    clock.set(opened_at + 35.0)
    eng.handle([alert(clock, ALERT_RESOLVED, "payments", "A-1", Severity.CRITICAL, "INC-42")])
    clock.set(opened_at + 60.0)
    eng.tick()
    assert eng.tier("gateway") is DegradationTier.REDUCED  # still inside the step-down hold
    # nobody has called payments for 29 s (> signal_max_age_seconds): nothing flows that could flap
    assert eng.tier("payments") is DegradationTier.FULL
    clock.set(opened_at + 61.0)
    eng.tick()
    assert (eng.tier("gateway"), eng.tier("payments")) == (DegradationTier.FULL, DegradationTier.FULL)

    changes = [
        (e.topic, e.payload.get("service"), e.payload.get("from_tier"), e.payload.get("to_tier")) for e in sink.events
    ]
    assert changes == [
        (DEGRADATION_CHANGED, "payments", "full", "minimal"),
        (BREAKER_OPENED, "gateway", None, None),
        (DEGRADATION_CHANGED, "gateway", "full", "reduced"),
        (DEGRADATION_CHANGED, "payments", "minimal", "emergency"),
        (BREAKER_HALF_OPEN, "gateway", None, None),
        (BREAKER_CLOSED, "gateway", None, None),
        (DEGRADATION_CHANGED, "payments", "emergency", "full"),
        (DEGRADATION_CHANGED, "gateway", "reduced", "full"),
    ]
    assert {e.correlation_id for e in sink.events} == {"INC-42"}
    breaker = eng.status()["breakers"][EDGE]
    assert (breaker["state"], breaker["transitions"], breaker["total_calls"], breaker["version"]) == (
        "closed",
        3,
        8,
        3,
    )


def test_explicit_correlation_id_on_reports_is_kept() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    eng = engine(clock, sink)
    eng.apply_reports(reports(clock, "orders->payments", [("o-1", 1, 0, 5)]), correlation_id="INC-9")
    assert sink.topics() == [BREAKER_OPENED, DEGRADATION_CHANGED, DEGRADATION_CHANGED]
    assert [e.correlation_id for e in sink.events] == ["INC-9", "INC-9", "INC-9"]
    assert (eng.tier("orders"), eng.tier("payments")) == (DegradationTier.REDUCED, DegradationTier.EMERGENCY)


def test_only_subscribed_well_formed_events_count() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    eng = engine(clock, sink)
    other = Event.create(EventCategory.CHAOS, "fault_injected", source="chaos", clock=clock, payload={})
    malformed = Event.create(EventCategory.DETECTION, "alert_fired", source="detection", clock=clock, payload={})
    warning = alert(clock, ALERT_FIRED, "inventory", "A-2", Severity.WARNING, None)
    eng.handle([other, malformed, warning])
    status = eng.status()
    assert status["ignored_events"] == 2
    assert status["active_alerts"] == {"inventory": ["A-2"]}
    assert eng.tier("inventory") is DegradationTier.REDUCED
    assert AbsorptionEngine.SUBSCRIBES == (ALERT_FIRED, ALERT_RESOLVED)


def test_alert_on_an_unknown_service_is_tracked_but_degrades_nothing() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    eng = engine(clock, sink)
    eng.handle([alert(clock, ALERT_FIRED, "billing", "A-3", Severity.EMERGENCY, "INC-1")])
    assert {eng.tier(s) for s in SERVICES} == {DegradationTier.FULL}
    assert sink.events == []


def test_blast_radius_follows_open_breakers() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    eng = engine(clock, sink)
    assert eng.blast_radius("payments").contained == ("gateway", "orders")
    eng.apply_reports(reports(clock, EDGE, [("g", 1, 0, 5)]))
    eng.apply_reports(reports(clock, "orders->payments", [("o", 1, 0, 5)]))
    radius = eng.blast_radius("payments")
    assert (radius.contained, radius.contained_pct) == ((), 100.0)
    assert eng.status()["blast_radius"]["services"]["payments"]["meets_target"] is True


def test_decisions_since_returns_only_changed_edges() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    eng = engine(clock, sink)
    eng.apply_reports(reports(clock, EDGE, [("g", 1, 0, 5)]))
    assert list(eng.decisions_since(0)) == [EDGE]
    assert eng.decisions_since(1) == {}


def test_breaker_state_survives_a_restart_through_the_store() -> None:
    clock, store = FakeClock(T0), MemoryStore()
    first = engine(clock, EventCapture(), store)
    first.apply_reports(reports(clock, EDGE, [("g", 1, 0, 5)]))
    assert [r["edge"] for r in store.list(BREAKERS_COLLECTION)] == [EDGE]

    sink = EventCapture()
    second = engine(clock, sink, store)
    restored = second.decisions()[EDGE]
    assert (restored.state, restored.version, restored.retry_at) == (BreakerState.OPEN, 1, T0 + 30.0)
    assert second.tier("gateway") is DegradationTier.FULL  # tiers are re-derived on the next input
    second.tick()
    assert second.tier("gateway") is DegradationTier.REDUCED
    assert sink.topics() == [DEGRADATION_CHANGED]
    clock.set(T0 + 30.0)
    second.tick()
    assert sink.last(BREAKER_HALF_OPEN).payload["version"] == 2
    assert store.get(BREAKERS_COLLECTION, EDGE) is not None
    assert store.get(BREAKERS_COLLECTION, EDGE)["state"] == "half_open"  # type: ignore[index]


def test_stored_edges_missing_from_the_graph_are_skipped() -> None:
    clock, store = FakeClock(T0), MemoryStore()
    record = {"edge": "gateway->legacy", "state": "open", "version": 5, "since": T0, "opened_at": T0, "retry_at": T0}
    store.put(BREAKERS_COLLECTION, "gateway->legacy", record)
    eng = engine(clock, EventCapture(), store)
    assert "gateway->legacy" not in eng.decisions()
    assert eng.status()["version"] == 0


def test_lookups_of_unknown_services_fail() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    eng = engine(clock, sink)
    for lookup in (eng.bulkhead, eng.rate_limiter, eng.tier, eng.blast_radius):
        with pytest.raises(NotFoundError):
            lookup("billing")
    with pytest.raises(NotFoundError):
        AbsorptionEngine(AbsorptionSettings(), clock, sink, services=("gateway", "billing"))


def test_guards_use_the_settings() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    settings = AbsorptionSettings(bulkhead_max_concurrent=2, rate_limit_requests_per_second=5.0, rate_limit_burst=3)
    eng = AbsorptionEngine(settings, clock, sink)
    limiter = eng.rate_limiter("gateway")
    assert sum(limiter.try_acquire() for _ in range(10)) == 3
    bulkhead = eng.bulkhead("orders")
    bulkhead.try_acquire()
    bulkhead.try_acquire()
    assert eng.status()["bulkheads"]["orders"]["active"] == 2


def test_custom_graph_services_and_policy() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    graph = DependencyGraph.from_mapping({"web": ("api",), "api": ("db",)})
    eng = AbsorptionEngine(
        AbsorptionSettings(),
        clock,
        sink,
        graph=graph,
        services=("web", "api"),
        policy=DegradationPolicy(step_down_after=0),
    )
    assert set(eng.decisions()) == {"web->api", "api->db"}
    eng.apply_reports(reports(clock, "api->db", [("a", 1, 0, 5)]))
    assert eng.tier("api") is DegradationTier.EMERGENCY  # its only dependency is cut off
    assert eng.tier("web") is DegradationTier.FULL


def test_a_tier_held_up_only_by_alerts_resolved_for_lack_of_data_steps_down_at_once() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    eng = engine(clock, sink)
    eng.handle([alert(clock, ALERT_FIRED, "payments", "A-1", Severity.WARNING, "COR-1")])
    eng.handle([alert(clock, ALERT_FIRED, "orders", "A-2", Severity.WARNING, "COR-2")])
    assert (eng.tier("payments"), eng.tier("orders")) == (DegradationTier.REDUCED, DegradationTier.REDUCED)
    clock.advance(1.0)
    eng.apply_reports(reports(clock, "gateway->orders", [("gw-1", 1, 5, 0)]))  # orders is being called
    silent = alert(clock, ALERT_RESOLVED, "payments", "A-1", Severity.WARNING, "COR-1")
    eng.handle([dataclasses.replace(silent, payload={**silent.payload, "reason": "no_data"})])
    eng.handle([alert(clock, ALERT_RESOLVED, "orders", "A-2", Severity.WARNING, "COR-2")])
    eng.tick()
    assert eng.tier("payments") is DegradationTier.FULL  # no traffic: nothing to flap, no hold
    assert eng.tier("orders") is DegradationTier.REDUCED  # cleared by its traffic: the hold applies
    eng.apply_reports(reports(clock, EDGE, [("gw-1", 1, 5, 0)]))  # payments is being called again
    eng.handle([alert(clock, ALERT_FIRED, "payments", "A-3", Severity.WARNING, "COR-3")])
    eng.handle([alert(clock, ALERT_RESOLVED, "payments", "A-3", Severity.WARNING, "COR-3")])
    eng.tick()
    assert eng.tier("payments") is DegradationTier.REDUCED  # traffic again: the hold is back


def test_old_failures_stop_holding_a_tier_once_nobody_calls_the_service() -> None:
    """A breaker window counts calls, not time: without an age limit 3 failures in 20 would hold
    the called service at minimal for as long as nobody calls it again."""
    clock, sink = FakeClock(T0), EventCapture()
    eng = engine(clock, sink)
    eng.apply_reports(reports(clock, "gateway->orders", [("gw-1", 1, 16, 4)]))
    assert eng.tier("orders") is DegradationTier.MINIMAL  # 4 failures in 20 calls: 0.2 >= 0.15
    clock.advance(AbsorptionSettings().signal_max_age_seconds - 1)
    eng.tick()
    assert eng.tier("orders") is DegradationTier.MINIMAL  # still judged: the calls are recent
    clock.advance(2)
    eng.tick()
    assert eng.tier("orders") is DegradationTier.FULL  # uncalled since: nothing flows that could flap


def test_a_half_open_breakers_first_probe_does_not_revive_the_window_that_opened_it() -> None:
    """Seen on the stack: after a payments fault the gateway->payments breaker stayed half-open
    with its opening window (50 % failures); the first order minutes later made that window
    count again and sent payments to emergency."""
    clock, sink = FakeClock(T0), EventCapture()
    eng = engine(clock, sink)
    eng.apply_reports(reports(clock, EDGE, [("gw-1", 1, 5, 5)]))
    assert eng.decisions()[EDGE].state is BreakerState.OPEN
    assert eng.tier("payments") is DegradationTier.EMERGENCY  # 0.5 of the calls failed just now
    clock.advance(AbsorptionSettings().signal_max_age_seconds + DegradationPolicy().step_down_after)
    eng.tick()
    assert eng.decisions()[EDGE].state is BreakerState.HALF_OPEN
    eng.apply_reports(reports(clock, EDGE, [("gw-1", 2, 1, 0)]))  # one order: the first probe succeeds
    assert eng.tier("payments") is DegradationTier.FULL


def test_a_called_service_still_steps_down_only_after_the_hold() -> None:
    clock, sink = FakeClock(T0), EventCapture()
    eng = engine(clock, sink)
    eng.apply_reports(reports(clock, "gateway->orders", [("gw-1", 1, 16, 4)]))
    hold = DegradationPolicy().step_down_after
    seq = 1
    while clock.now() < T0 + 5 + hold:  # healthy calls every 5 s: the failures leave the window at +5
        clock.advance(5)
        seq += 1
        eng.apply_reports(reports(clock, "gateway->orders", [("gw-1", seq, 20, 0)]))
        expected = DegradationTier.FULL if clock.now() >= T0 + 5 + hold else DegradationTier.MINIMAL
        assert eng.tier("orders") is expected, clock.now() - T0
