from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from aref.adaptation.budget import BudgetFreeze, ErrorBudgetPolicy
from aref.adaptation.feature_flags import Actor, FeatureFlagManager
from aref.adaptation.signals import AlertSignal
from aref.errors import InvalidInputError
from aref.testing import FakeClock

from .factories import T0, optional_flags, signal

SERVICES = ("notifications", "orders")
OPTIONAL_FLAGS = optional_flags("notifications")


def slo_alert(consumed: float | None, alert_id: str = "A1", sli: str = "availability", **fields: Any) -> AlertSignal:
    fields.setdefault("service", "notifications")
    base = signal(alert_id=alert_id, metric=sli, **fields)
    return dataclasses.replace(base, fingerprint=f"slo_burn:{base.service}:{sli}", budget_consumed=consumed)


def policy(trigger: float = 0.5) -> tuple[ErrorBudgetPolicy, FeatureFlagManager]:
    flags = FeatureFlagManager(SERVICES, FakeClock(T0))
    return ErrorBudgetPolicy(flags, trigger), flags


def test_a_budget_at_the_trigger_sheds_the_optional_flags() -> None:
    budget, flags = policy()
    assert budget.observe(slo_alert(0.49)) is None
    change = budget.observe(slo_alert(0.5))
    assert change is not None
    assert change.frozen
    assert [c.flag for c in change.changes] == list(OPTIONAL_FLAGS)
    assert {c.actor for c in change.changes} == {Actor.AUTO}
    assert change.reason == "availability error budget 50% consumed reached the 50% trigger"
    assert flags.optional_enabled("notifications") == ()
    assert flags.is_enabled("notifications.core_api")
    assert flags.optional_enabled("orders") != ()  # other services keep their features
    assert budget.observe(slo_alert(0.8)) is None  # already frozen


def test_alerts_without_a_budget_change_nothing() -> None:
    budget, flags = policy(trigger=0.0)
    assert budget.observe(signal()) is None
    assert budget.observe(slo_alert(0.9, service="billing")) is None  # a service adaptation does not know
    assert flags.optional_enabled("notifications") == OPTIONAL_FLAGS


def test_a_budget_back_under_the_trigger_restores_the_shed_flags() -> None:
    budget, flags = policy()
    budget.observe(slo_alert(0.7))
    change = budget.observe(slo_alert(0.3, alert_id="A2"))
    assert change is not None
    assert not change.frozen
    assert [(c.flag, c.enabled, c.actor) for c in change.changes] == [(f, True, Actor.AUTO) for f in OPTIONAL_FLAGS]
    assert flags.optional_enabled("notifications") == OPTIONAL_FLAGS
    assert not budget.frozen("notifications")


def test_the_resolution_of_the_reporting_alert_restores() -> None:
    budget, flags = policy()
    budget.observe(slo_alert(0.7, alert_id="A1"))
    assert budget.resolved("other", "notifications") is None
    assert budget.resolved("A1", "orders") is None
    change = budget.resolved("A1", "notifications")
    assert change is not None
    assert (change.frozen, len(change.changes)) == (False, 4)
    assert flags.optional_enabled("notifications") == OPTIONAL_FLAGS


def test_every_spent_slo_of_the_service_must_recover() -> None:
    budget, flags = policy()
    budget.observe(slo_alert(0.9, alert_id="A1", sli="availability"))
    assert budget.observe(slo_alert(0.6, alert_id="A2", sli="latency")) is None
    assert budget.resolved("A1", "notifications") is None  # the latency budget is still spent
    assert flags.optional_enabled("notifications") == ()
    change = budget.observe(slo_alert(0.1, alert_id="A3", sli="latency"))
    assert change is not None
    assert not change.frozen


def test_only_the_flags_the_freeze_shed_come_back_and_a_human_choice_stands() -> None:
    budget, flags = policy()
    flags.set("notifications.search", False, actor=Actor.HUMAN)
    flags.set("notifications.analytics", False, actor=Actor.AUTO, reason="shed_load")
    budget.observe(slo_alert(0.7))
    assert flags.optional_enabled("notifications") == ()
    flags.set("notifications.recommendations", True, actor=Actor.HUMAN)
    flags.set("notifications.recommendations", False, actor=Actor.HUMAN)
    change = budget.resolved("A1", "notifications")
    assert change is not None
    assert [c.flag for c in change.changes] == ["notifications.experimental"]
    assert not flags.is_enabled("notifications.search")  # off by a human before
    assert not flags.is_enabled("notifications.analytics")  # shed by the decision tree, not by the freeze
    assert not flags.is_enabled("notifications.recommendations")  # a human's later choice


def test_freezes_survive_a_reload() -> None:
    budget, flags = policy()
    budget.observe(slo_alert(0.7))
    [state] = budget.states()
    assert state == BudgetFreeze("notifications", {"slo_burn:notifications:availability": "A1"}, OPTIONAL_FLAGS)
    again = ErrorBudgetPolicy(flags, 0.5)
    again.load([state, BudgetFreeze("billing", {"x": "A9"})])
    assert again.states() == (state,)
    change = again.resolved("A1", "notifications")
    assert change is not None
    assert len(change.changes) == 4


def test_a_saved_freeze_forgets_flags_that_were_removed() -> None:
    budget, flags = policy()
    budget.observe(slo_alert(0.7))
    [state] = budget.states()
    again = ErrorBudgetPolicy(flags, 0.5)
    again.load([dataclasses.replace(state, shed=("notifications.auth", *state.shed))])
    assert again.states() == (state,)
    change = again.resolved("A1", "notifications")
    assert change is not None
    assert [c.flag for c in change.changes] == list(OPTIONAL_FLAGS)


def test_the_trigger_is_a_fraction() -> None:
    with pytest.raises(InvalidInputError) as err:
        ErrorBudgetPolicy(FeatureFlagManager(SERVICES, FakeClock(T0)), 1.5)
    assert err.value.field == "trigger"


def test_a_ticket_reporting_a_spent_budget_freezes_nothing_but_a_page_does() -> None:
    budget, flags = policy()
    assert budget.observe(slo_alert(1.5, severity="warning")) is None  # a slow burn: for a human
    assert not budget.frozen("notifications")
    assert flags.optional_enabled("notifications") == OPTIONAL_FLAGS
    change = budget.observe(slo_alert(1.5, alert_id="A2", severity="critical"))
    assert change is not None
    assert change.frozen


def test_a_ticket_under_the_trigger_still_thaws_a_freeze() -> None:
    budget, flags = policy()
    budget.observe(slo_alert(0.9, severity="critical"))
    change = budget.observe(slo_alert(0.2, severity="warning"))  # the same SLO, its budget back under
    assert change is not None
    assert not change.frozen
    assert flags.optional_enabled("notifications") == OPTIONAL_FLAGS
