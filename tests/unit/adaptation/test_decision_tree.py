from __future__ import annotations

from dataclasses import dataclass

import pytest

from aref.adaptation.actions import Action, Escalate, SetFlag, ShiftTraffic
from aref.adaptation.context import DecisionContext, ServiceState
from aref.adaptation.decision_tree import DecisionTree
from aref.adaptation.history import AlertEntry
from aref.adaptation.signals import MetricKind
from aref.adaptation.strategies import DEFAULT_STRATEGIES, Observe, ShedLoad
from aref.errors import InvalidInputError
from aref.events import Severity
from aref.models import AnomalyClass

from .factories import T0, optional_flags, signal, state


def states(service: str) -> ServiceState:
    return state(service)


def test_critical_transient_errors_shed_load_first() -> None:
    decision = DecisionTree().decide(signal(), [AlertEntry(signal())], states, T0)
    assert decision.strategy == "shed_load"
    assert decision.impact == 1
    assert decision.anomaly_class is AnomalyClass.TRANSIENT
    assert decision.candidates == ("shed_load", "shift_traffic", "escalate_to_recovery")
    assert decision.actions == (SetFlag("payments.analytics", False),)
    assert decision.scope.members == ("payments", "gateway")
    assert (decision.service, decision.alert_id, decision.severity, decision.decided_at) == (
        "payments",
        "A1",
        Severity.CRITICAL,
        T0,
    )
    assert not decision.escalates


def test_persistent_errors_fail_over_to_the_backup() -> None:
    sig = signal(onset_at=T0 - 90)
    decision = DecisionTree().decide(sig, [AlertEntry(sig)], states, T0)
    assert decision.anomaly_class is AnomalyClass.PERSISTENT
    assert decision.candidates == ("shift_traffic", "degrade_scope", "escalate_to_recovery")
    assert decision.actions == (ShiftTraffic("payments", "backup", 100),)
    assert decision.action_descriptions() == ["shift 100% of payments traffic to backup"]


def test_a_mild_transient_breach_is_observed() -> None:
    sig = signal(severity="warning", value=0.06, threshold=0.05)
    decision = DecisionTree().decide(sig, [AlertEntry(sig)], states, T0)
    assert (decision.strategy, decision.actions) == ("observe", ())


def test_a_mild_transient_breach_its_callers_alert_on_too_is_shed_not_observed() -> None:
    sig = signal(service="notifications", metric="latency_p99", severity="warning", value=1000, threshold=300)
    quiet = DecisionTree().decide(sig, [AlertEntry(sig)], states, T0, alerting=frozenset({"notifications"}))
    spread = DecisionTree().decide(sig, [AlertEntry(sig)], states, T0, alerting=frozenset({"gateway"}))
    assert quiet.strategy == "observe"
    assert (spread.strategy, spread.anomaly_class) == ("shed_load", AnomalyClass.TRANSIENT)
    assert spread.actions == tuple(SetFlag(f, False) for f in optional_flags("notifications"))
    assert "3 scope notifications + 1 dependents (gateway), alerting too: gateway;" in spread.rationale


def test_an_emergency_goes_straight_to_recovery() -> None:
    sig = signal(severity="emergency", value=0.9)
    decision = DecisionTree().decide(sig, [AlertEntry(sig)], states, T0)
    assert decision.strategy == "escalate_to_recovery"
    assert decision.candidates == ("escalate_to_recovery",)
    assert decision.actions == (Escalate("emergency transient anomaly on payments"),)
    assert decision.escalates


def test_rationale_names_every_step() -> None:
    decision = DecisionTree().decide(signal(), [AlertEntry(signal())], states, T0)
    assert decision.rationale == (
        "1 assess: payments error_rate=0.4 vs threshold 0.15 (2.7x), critical errors signal; "
        "2 classify: transient (single breach of 20s); "
        "3 scope payments + 1 dependents (gateway); "
        "4 candidates: shed_load(1), shift_traffic(2), escalate_to_recovery(5); "
        "5 chose shed_load: disable non-critical features of the service to free capacity"
    )


@dataclass(frozen=True)
class RetryErrors:
    """A strategy added without touching the tree: cheaper than shedding, errors only."""

    name: str = "retry"
    impact: int = 0
    purpose: str = "retry idempotent calls"

    def applies(self, ctx: DecisionContext) -> bool:
        return ctx.signal.kind == MetricKind.ERRORS

    def plan(self, ctx: DecisionContext) -> tuple[Action, ...]:
        return (SetFlag(f"{ctx.signal.service}.retries", True),)


def test_a_new_strategy_is_picked_up_by_registration_alone() -> None:
    tree = DecisionTree(strategies=(*DEFAULT_STRATEGIES, RetryErrors()))
    decision = tree.decide(signal(), [AlertEntry(signal())], states, T0)
    assert decision.strategy == "retry"
    assert decision.candidates[:2] == ("retry", "shed_load")


def test_equal_impact_keeps_registration_order() -> None:
    tied = RetryErrors(impact=1)
    first = DecisionTree(strategies=(ShedLoad(), tied)).decide(signal(), [AlertEntry(signal())], states, T0)
    second = DecisionTree(strategies=(tied, ShedLoad())).decide(signal(), [AlertEntry(signal())], states, T0)
    assert (first.strategy, second.strategy) == ("shed_load", "retry")


def test_escalates_when_no_registered_strategy_fits() -> None:
    decision = DecisionTree(strategies=(Observe(),)).decide(signal(), [AlertEntry(signal())], states, T0)
    assert decision.strategy == "escalate_to_recovery"
    assert decision.candidates == ()
    assert decision.escalates


@pytest.mark.parametrize(
    "strategies",
    [(), (Observe(), Observe()), (RetryErrors(impact=-1),)],
    ids=["empty", "duplicate", "negative-impact"],
)
def test_invalid_registry(strategies: tuple[object, ...]) -> None:
    with pytest.raises(InvalidInputError) as caught:
        DecisionTree(strategies=strategies)  # type: ignore[arg-type]
    assert caught.value.field == "strategies"
