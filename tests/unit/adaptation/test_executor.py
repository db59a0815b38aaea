from __future__ import annotations

import pytest

from aref import topics
from aref.adaptation.actions import Escalate, Scale, SetFlag, ShiftTraffic
from aref.adaptation.autoscaler import Autoscaler
from aref.adaptation.capacity import ClusterCapacity
from aref.adaptation.executor import Executor
from aref.adaptation.feature_flags import FeatureFlagManager
from aref.adaptation.scaling import ScalingPolicy
from aref.adaptation.traffic import TrafficShifter
from aref.adaptation.window import AdaptationWindow
from aref.errors import ConflictError
from aref.events import Severity
from aref.models import AnomalyClass
from aref.testing import EventCapture, FakeClock
from aref.topology import SERVICES

from .factories import T0


@pytest.fixture
def sink() -> EventCapture:
    return EventCapture()


@pytest.fixture
def executor(sink: EventCapture) -> Executor:
    clock = FakeClock(T0)
    autoscaler = Autoscaler(SERVICES, ScalingPolicy(max_replicas=4))
    autoscaler.set_capacity(ClusterCapacity(T0, cpu_free=2.0, memory_free_mb=16_000, cpu_busy=0.1))
    return Executor(
        FeatureFlagManager(SERVICES, clock),
        TrafficShifter(SERVICES),
        autoscaler,
        clock,
        sink,
    )


def test_each_effective_action_publishes_one_event_with_the_correlation_id(
    executor: Executor, sink: EventCapture
) -> None:
    actions = (
        SetFlag("payments.analytics", False),
        ShiftTraffic("payments", "backup", 100),
        Scale("payments", 1, 2),
        Escalate("give up"),
    )
    done = executor.execute(actions, correlation_id="C9", reason="why")
    assert done == [
        "disable payments.analytics",
        "shift 100% of payments traffic to backup",
        "scale payments from 1 to 2 replicas",
        "escalate to recovery",
    ]
    assert sink.topics() == [topics.FLAG_CHANGED, topics.TRAFFIC_SHIFTED, topics.SCALE_REQUESTED]
    assert {e.correlation_id for e in sink.events} == {"C9"}
    assert {e.source for e in sink.events} == {"adaptation"}
    assert dict(sink.last(topics.FLAG_CHANGED).payload) == {
        "flag": "payments.analytics",
        "service": "payments",
        "enabled": False,
        "reason": "why",
        "actor": "auto",
    }
    assert sink.last(topics.TRAFFIC_SHIFTED).payload["weights"] == {"primary": 0, "backup": 100}
    scale = sink.last(topics.SCALE_REQUESTED).payload
    assert (scale["service"], scale["current"], scale["desired"]) == ("payments", 1, 2)


def test_actions_that_change_nothing_publish_nothing(executor: Executor, sink: EventCapture) -> None:
    done = executor.execute(
        (SetFlag("payments.analytics", True), ShiftTraffic("payments", "primary", 100), Scale("payments", 1, 1)),
        correlation_id="C9",
        reason="noop",
    )
    assert done == []
    assert sink.events == []


def test_a_critical_flag_cannot_be_auto_disabled(executor: Executor) -> None:
    with pytest.raises(ConflictError):
        executor.execute((SetFlag("payments.core_api", False),), correlation_id=None, reason="bad plan")


def test_escalation_payload(executor: Executor, sink: EventCapture) -> None:
    window = AdaptationWindow(
        "A1", "payments", "error_rate", Severity.EMERGENCY, "shed_load", AnomalyClass.PERSISTENT, T0, T0 + 120, "C1"
    )
    executor.escalate(window, "window passed", 120)
    event = sink.last(topics.ESCALATE_TO_RECOVERY)
    assert (event.severity, event.correlation_id) == (Severity.EMERGENCY, "C1")
    assert dict(event.payload) == {
        "service": "payments",
        "alert_id": "A1",
        "reason": "window passed",
        "metric": "error_rate",
        "severity": "emergency",
        "anomaly_class": "persistent",
        "strategy": "shed_load",
        "window_opened_at": T0,
        "window_seconds": 120,
    }
