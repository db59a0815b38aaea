from __future__ import annotations

from typing import Any

import pytest

from aref import topics
from aref.adaptation.capacity import ClusterCapacity
from aref.adaptation.engine import AdaptationEngine
from aref.adaptation.feature_flags import Actor, FeatureFlag
from aref.adaptation.persistence import COLLECTION, KEY, EngineSnapshot
from aref.config import AdaptationSettings
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.events import Severity
from aref.records import to_record
from aref.testing import EventCapture, FakeClock, MemoryStore

from .factories import T0, alert_fired, alert_resolved, breaker, event

SETTINGS = AdaptationSettings(
    adaptation_window_seconds=120,
    min_replicas=1,
    max_replicas=4,
    scale_cooldown_seconds=30,
    scale_up_stabilization_seconds=0,
    scale_down_stabilization_seconds=0,
)


def roomy(clock: FakeClock) -> ClusterCapacity:
    return ClusterCapacity(clock.now(), cpu_free=2.0, memory_free_mb=16_000, cpu_busy=0.1)


SHED = [topics.FLAG_CHANGED, topics.STRATEGY_EXECUTED]  # payments has one optional flag: analytics


@pytest.fixture
def engine(clock: FakeClock, sink: EventCapture) -> AdaptationEngine:
    engine = AdaptationEngine(SETTINGS, clock, sink)
    engine.observe_capacity(roomy(clock))
    return engine


def test_subscribes_to_alerts_and_breakers() -> None:
    assert AdaptationEngine.SUBSCRIBES == (
        topics.ALERT_FIRED,
        topics.ALERT_RESOLVED,
        topics.BREAKER_OPENED,
        topics.BREAKER_CLOSED,
    )


def test_an_alert_executes_one_strategy_and_opens_a_window(
    engine: AdaptationEngine, clock: FakeClock, sink: EventCapture
) -> None:
    engine.handle([alert_fired(clock)])
    assert sink.topics() == SHED
    assert {e.correlation_id for e in sink.events} == {"C1"}
    executed = sink.last(topics.STRATEGY_EXECUTED).payload
    assert (executed["strategy"], executed["service"], executed["anomaly_class"], executed["alert_id"]) == (
        "shed_load",
        "payments",
        "transient",
        "A1",
    )
    assert executed["actions"] == ["disable payments.analytics"]
    status = engine.status()
    (window,) = status["windows"]["active"]
    assert (window["alert_id"], window["remaining_seconds"], window["strategy"]) == ("A1", 120.0, "shed_load")
    assert status["flags"]["payments.analytics"]["enabled"] is False
    assert status["version"] == 1


def test_a_redelivered_alert_is_ignored(engine: AdaptationEngine, clock: FakeClock, sink: EventCapture) -> None:
    fired = alert_fired(clock)
    engine.handle([fired])
    engine.handle([fired])
    assert sink.topics() == SHED
    assert engine.status()["totals"]["decisions"] == 1


def test_a_redelivered_alert_is_ignored_after_a_restart(clock: FakeClock) -> None:
    store = MemoryStore()
    fired = alert_fired(clock)
    AdaptationEngine(SETTINGS, clock, EventCapture(), store).handle([fired])
    sink = EventCapture()
    AdaptationEngine(SETTINGS, clock, sink, store).handle([fired])
    assert sink.events == []


def test_an_emergency_escalates_at_once(engine: AdaptationEngine, clock: FakeClock, sink: EventCapture) -> None:
    engine.handle([alert_fired(clock, severity="emergency", value=0.95)])
    assert sink.topics() == [topics.STRATEGY_EXECUTED, topics.ESCALATE_TO_RECOVERY]
    escalation = sink.last(topics.ESCALATE_TO_RECOVERY)
    assert (escalation.severity, escalation.correlation_id) == (Severity.EMERGENCY, "C1")
    assert escalation.payload["reason"] == "emergency transient anomaly on payments"
    assert engine.status()["windows"]["active"] == []
    clock.advance(500)
    engine.tick()
    assert len(sink.of(topics.ESCALATE_TO_RECOVERY)) == 1


def test_an_escalating_anomaly_escalates_at_once(
    engine: AdaptationEngine, clock: FakeClock, sink: EventCapture
) -> None:
    engine.handle([alert_fired(clock, "C1", alert_id="A1", severity="warning", value=0.08, threshold=0.05)])
    clock.advance(10)
    sink.clear()
    engine.handle([alert_fired(clock, "C2", alert_id="A2", severity="critical", value=0.3, threshold=0.15)])
    assert sink.topics() == [topics.STRATEGY_EXECUTED, topics.ESCALATE_TO_RECOVERY]
    assert sink.last(topics.STRATEGY_EXECUTED).payload["anomaly_class"] == "escalating"
    assert sink.last(topics.ESCALATE_TO_RECOVERY).correlation_id == "C2"
    assert [w["alert_id"] for w in engine.status()["windows"]["active"]] == ["A1"]


def test_a_transient_anomaly_is_reassessed_once_it_persists(
    engine: AdaptationEngine, clock: FakeClock, sink: EventCapture
) -> None:
    engine.handle([alert_fired(clock)])  # breach began 20 s ago: transient
    sink.clear()
    clock.advance(39)
    engine.tick()
    assert sink.events == []
    clock.advance(1)
    engine.tick()
    assert sink.topics() == [topics.TRAFFIC_SHIFTED, topics.STRATEGY_EXECUTED]
    executed = sink.last(topics.STRATEGY_EXECUTED).payload
    assert (executed["strategy"], executed["anomaly_class"], executed["trigger"]) == (
        "shift_traffic",
        "persistent",
        "reassessment",
    )
    assert {e.correlation_id for e in sink.events} == {"C1"}
    clock.advance(10)
    engine.tick()
    assert len(sink.of(topics.STRATEGY_EXECUTED)) == 1
    (window,) = engine.status()["windows"]["active"]
    assert (window["strategy"], window["deadline"]) == ("shift_traffic", T0 + 120)


def test_an_alert_nothing_can_mitigate_escalates(
    engine: AdaptationEngine, clock: FakeClock, sink: EventCapture
) -> None:
    engine.handle([alert_fired(clock, service="postgres")])
    assert sink.topics() == [topics.STRATEGY_EXECUTED, topics.ESCALATE_TO_RECOVERY]
    assert sink.last(topics.STRATEGY_EXECUTED).payload["scope"] == ["postgres"]


def test_breaker_open_fails_over_and_close_restores(
    engine: AdaptationEngine, clock: FakeClock, sink: EventCapture
) -> None:
    engine.handle([breaker(clock, "opened")])
    assert sink.topics() == [topics.TRAFFIC_SHIFTED, topics.STRATEGY_EXECUTED]
    shifted = sink.last(topics.TRAFFIC_SHIFTED)
    assert (shifted.payload["service"], shifted.payload["weights"], shifted.correlation_id) == (
        "payments",
        {"primary": 0, "backup": 100},
        "B1",
    )
    assert engine.status()["open_breakers"] == {"payments": ["gateway->payments"]}
    sink.clear()
    engine.handle([breaker(clock, "closed")])
    assert sink.topics() == [topics.TRAFFIC_SHIFTED, topics.STRATEGY_EXECUTED]
    assert sink.last(topics.STRATEGY_EXECUTED).payload["strategy"] == "restore_traffic"
    assert engine.status()["traffic"]["payments"] == {"primary": 100, "backup": 0}
    assert engine.status()["totals"]["breaker_shifts"] == 1


def test_a_malformed_event_is_recorded_and_the_batch_goes_on(
    engine: AdaptationEngine, clock: FakeClock, sink: EventCapture
) -> None:
    bad = event(clock, topics.ALERT_FIRED, {"alert_id": "X"})
    engine.handle([bad, alert_fired(clock)])
    assert sink.topics() == SHED
    (rejected,) = engine.status()["rejected_events"]
    assert (rejected["topic"], rejected["event_id"]) == (topics.ALERT_FIRED, bad.id)
    assert rejected["error"].startswith("payload.severity: ")
    assert engine.status()["totals"]["rejected"] == 1


def test_topics_it_does_not_subscribe_to_are_ignored(
    engine: AdaptationEngine, clock: FakeClock, sink: EventCapture
) -> None:
    engine.handle([event(clock, topics.FAULT_INJECTED, {"fault_id": "F1"})])
    assert sink.events == []
    assert engine.status()["rejected_events"] == []


def test_a_human_may_toggle_a_critical_flag_adaptation_may_not(engine: AdaptationEngine, sink: EventCapture) -> None:
    flag = engine.toggle_flag("payments.core_api", False)
    assert (flag.name, flag.enabled) == ("payments.core_api", False)
    changed = sink.last(topics.FLAG_CHANGED)
    assert (changed.payload["actor"], changed.correlation_id) == ("human", None)
    with pytest.raises(ConflictError):
        engine.toggle_flag("orders.core_api", False, actor="auto")
    with pytest.raises(NotFoundError):
        engine.toggle_flag("payments.auth", False)  # removed: it changed nothing
    with pytest.raises(NotFoundError):
        engine.toggle_flag("payments.nope", False)
    assert engine.status()["version"] == 1
    assert engine.status()["adaptations"][-1]["strategy"] == "toggle_flag"


def test_set_weights_validates_and_publishes(engine: AdaptationEngine, sink: EventCapture) -> None:
    with pytest.raises(InvalidInputError) as caught:
        engine.set_weights("orders", {"primary": 50, "backup": 40})
    assert caught.value.field == "weights"
    assert sink.events == []
    assert engine.set_weights("orders", {"primary": 50, "backup": 50}) == {"primary": 50, "backup": 50}
    assert sink.last(topics.TRAFFIC_SHIFTED).payload["weights"] == {"primary": 50, "backup": 50}


def test_load_drives_scaling_on_tick(engine: AdaptationEngine, clock: FakeClock, sink: EventCapture) -> None:
    engine.observe_load("orders", replicas=1, request_rate=40, latency_p99=250, error_rate=0.0, ongoing_per_replica=6)
    assert sink.events == []
    engine.tick()
    scale = sink.last(topics.SCALE_REQUESTED)
    assert (dict(scale.payload), scale.correlation_id) == (
        {
            "service": "orders",
            "current": 1,
            "desired": 2,
            "reason": "6.00 in flight per replica, target 2; sustained 0s",
        },
        None,
    )
    engine.set_replicas_observed("orders", 2)
    status = engine.status()["scaling"]["orders"]
    assert (status["current"], status["desired"], status["cooling_down"], status["judging"]) == (2, 2, True, True)
    assert engine.status()["autoscaler"]["enabled"] is True
    clock.advance(1)
    engine.observe_load("orders", replicas=2, request_rate=40, latency_p99=50, error_rate=0.0, ongoing_per_replica=0.1)
    engine.tick()
    assert len(sink.of(topics.SCALE_REQUESTED)) == 1
    clock.advance(29)
    engine.observe_capacity(roomy(clock))
    engine.observe_load("orders", replicas=2, request_rate=40, latency_p99=50, error_rate=0.0, ongoing_per_replica=0.1)
    engine.tick()
    assert sink.last(topics.SCALE_REQUESTED).payload["desired"] == 1


def test_a_scale_out_is_judged_in_the_decision_history(engine: AdaptationEngine, clock: FakeClock) -> None:
    for _ in range(SETTINGS.scale_effect_ticks + 1):
        engine.observe_capacity(roomy(clock))
        engine.observe_load("orders", 1, 40, 900, 0.0, ongoing_per_replica=6, latency_mean_ms=500)
        engine.tick()
        clock.advance(1)
    [judged] = [r for r in engine.status()["adaptations"] if r["strategy"].startswith("autoscale_")]
    assert judged["strategy"] == "autoscale_ineffective"
    assert judged["actions"] == ["scale-out 1->2 judged ineffective"]
    assert engine.status()["scaling"]["orders"]["ineffective"] == 1


def test_autoscale_can_be_switched_off(engine: AdaptationEngine, sink: EventCapture) -> None:
    engine.set_autoscale(False)
    engine.observe_load("orders", 1, 40, 250, 0.0, ongoing_per_replica=6)
    engine.tick()
    assert sink.of(topics.SCALE_REQUESTED) == []
    assert engine.status()["autoscaler"]["enabled"] is False


def test_the_log_is_bounded(clock: FakeClock, sink: EventCapture) -> None:
    engine = AdaptationEngine(SETTINGS, clock, sink, log_size=2)
    for n in range(3):
        engine.handle([alert_fired(clock, alert_id=f"A{n}", service=["orders", "inventory", "gateway"][n])])
    assert [r["service"] for r in engine.status()["adaptations"]] == ["inventory", "gateway"]
    assert engine.status()["totals"]["decisions"] == 3


def test_state_survives_a_restart(clock: FakeClock) -> None:
    store = MemoryStore()
    first = AdaptationEngine(SETTINGS, clock, EventCapture(), store)
    first.handle([alert_fired(clock), breaker(clock, "opened", dependency="inventory")])
    clock.advance(60)
    sink = EventCapture()
    second = AdaptationEngine(SETTINGS, clock, sink, store)
    assert second.status()["flags"]["payments.analytics"]["enabled"] is False
    assert second.status()["traffic"]["inventory"] == {"primary": 0, "backup": 100}
    assert second.status()["version"] == first.status()["version"]
    assert len(second.status()["adaptations"]) == 2
    clock.advance(59)
    second.tick()
    assert sink.of(topics.ESCALATE_TO_RECOVERY) == []
    clock.advance(1)
    second.tick()
    assert [e.correlation_id for e in sink.of(topics.ESCALATE_TO_RECOVERY)] == ["C1"]
    second.handle([breaker(clock, "closed", dependency="inventory")])
    assert second.status()["traffic"]["inventory"] == {"primary": 100, "backup": 0}


def test_a_saved_state_with_removed_flags_loads_without_them(clock: FakeClock) -> None:
    store = MemoryStore()
    saved = [
        FeatureFlag("payments", "search", False, Actor.AUTO, T0, "shed"),  # removed: it changed nothing
        FeatureFlag("orders", "auth", False, Actor.HUMAN, T0, "maintenance"),  # removed
        FeatureFlag("payments", "analytics", False, Actor.AUTO, T0, "shed"),
    ]
    store.put(COLLECTION, KEY, to_record(EngineSnapshot(version=4, flags=tuple(saved))))
    engine = AdaptationEngine(SETTINGS, clock, EventCapture(), store)
    flags = engine.status()["flags"]
    assert "payments.search" not in flags
    assert "orders.auth" not in flags
    assert [name for name, f in flags.items() if not f["enabled"]] == ["payments.analytics"]
    assert engine.status()["version"] == 4


def test_invalid_load(engine: AdaptationEngine) -> None:
    with pytest.raises(InvalidInputError) as observe:
        engine.observe_load("orders", replicas=1, request_rate=10, latency_p99=5, error_rate=0, ongoing_per_replica=-1)
    assert observe.value.field == "ongoing_per_replica"


def test_restore_undoes_adaptation_on_a_service(engine: AdaptationEngine, clock: FakeClock, sink: EventCapture) -> None:
    engine.toggle_flag("notifications.experimental", False)
    persistent = alert_fired(clock, service="notifications", onset_at=clock.now() - 90)
    engine.handle([persistent])  # persistent: fails over
    latency: dict[str, Any] = {"metric": "latency_p99", "value": 900, "threshold": 300}
    engine.handle([alert_fired(clock, "C2", alert_id="A2", service="notifications", **latency)])
    assert engine.status()["traffic"]["notifications"] == {"primary": 0, "backup": 100}
    assert engine.flags.optional_enabled("notifications") == ()
    sink.clear()
    engine.restore("notifications")
    assert sink.topics() == [topics.FLAG_CHANGED] * 3 + [topics.TRAFFIC_SHIFTED]
    assert engine.flags.optional_enabled("notifications") == (
        "notifications.analytics",
        "notifications.recommendations",
        "notifications.search",
    )
    assert engine.status()["traffic"]["notifications"] == {"primary": 100, "backup": 0}


def test_resolution_closes_the_window_as_mitigated(engine: AdaptationEngine, clock: FakeClock) -> None:
    engine.handle([alert_fired(clock)])
    clock.advance(30)
    engine.handle([alert_resolved(clock)])
    status = engine.status()
    assert status["windows"]["active"] == []
    assert [(w["alert_id"], w["state"]) for w in status["windows"]["recent"]] == [("A1", "mitigated")]
    assert status["totals"]["mitigated"] == 1


def test_scaling_tunables_come_from_the_settings(clock: FakeClock, sink: EventCapture) -> None:
    settings = SETTINGS.model_copy(
        update={"scale_target_ongoing": 4.0, "scale_latency_target_ms": 400.0, "scale_error_rate_target": 0.01}
    )
    engine = AdaptationEngine(settings, clock, sink)
    engine.observe_capacity(roomy(clock))
    engine.observe_load("orders", replicas=2, request_rate=40, latency_p99=350, error_rate=0.0, ongoing_per_replica=4)
    engine.tick()  # 4 in flight per replica is on a target of 4 (it would scale out at the default 2)
    assert sink.of(topics.SCALE_REQUESTED) == []
    clock.advance(1)
    engine.observe_load(
        "orders", replicas=2, request_rate=10, latency_p99=350, error_rate=0.02, ongoing_per_replica=0.1
    )
    engine.tick()  # p99 under its 400 ms target; 2% errors is over the 1% target: no scale down
    assert sink.of(topics.SCALE_REQUESTED) == []
    assert "error rate 2.0% over target" in engine.status()["scaling"]["orders"]["reason"]


# -- the error-budget policy ---------------------------------------------------------------------
