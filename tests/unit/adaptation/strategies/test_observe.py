from __future__ import annotations

import dataclasses

import pytest

from aref.adaptation.context import Scope
from aref.adaptation.strategies import DEFAULT_STRATEGIES, DegradeScope, Observe
from aref.models import AnomalyClass, DetectionClass

from ..factories import context, state


@pytest.mark.parametrize(
    ("anomaly", "severity", "applies"),
    [
        (AnomalyClass.TRANSIENT, "info", True),
        (AnomalyClass.TRANSIENT, "warning", True),
        (AnomalyClass.TRANSIENT, "critical", False),
        (AnomalyClass.PERSISTENT, "warning", False),
        (AnomalyClass.ESCALATING, "warning", False),
    ],
)
def test_observe_fits_only_short_mild_breaches(anomaly: AnomalyClass, severity: str, applies: bool) -> None:
    assert Observe().applies(context(anomaly, severity=severity)) is applies


def test_observe_plans_nothing() -> None:
    assert Observe().plan(context(AnomalyClass.TRANSIENT, severity="warning")) == ()


@pytest.mark.parametrize(
    ("severity", "applies"),
    [("info", True), ("warning", True), ("critical", False), ("emergency", False)],
)
def test_a_slow_slo_burn_is_a_ticket_to_watch_even_when_persistent(severity: str, applies: bool) -> None:
    ctx = context(AnomalyClass.PERSISTENT, severity=severity)
    burn = dataclasses.replace(ctx, signal=dataclasses.replace(ctx.signal, detection_class=DetectionClass.SLO_BURN))
    assert Observe().applies(burn) is applies


def test_the_tree_sheds_nothing_across_the_blast_radius_for_a_ticket() -> None:
    ctx = context(AnomalyClass.PERSISTENT, severity="warning", states={"payments": state("payments")})
    burn = dataclasses.replace(ctx, signal=dataclasses.replace(ctx.signal, detection_class=DetectionClass.SLO_BURN))
    assert DegradeScope().applies(burn)  # the strategy it would otherwise take
    chosen = min((s for s in DEFAULT_STRATEGIES if s.applies(burn)), key=lambda s: s.impact)
    assert (chosen.name, chosen.plan(burn)) == ("observe", ())


def test_a_breach_a_caller_alerts_on_too_is_not_watched_but_a_ticket_still_is() -> None:
    scope = Scope("notifications", dependents=("gateway",))
    ctx = context(AnomalyClass.TRANSIENT, scope=scope, severity="warning", service="notifications")
    spread = dataclasses.replace(ctx, alerting=frozenset({"gateway", "notifications"}))
    elsewhere = dataclasses.replace(ctx, alerting=frozenset({"notifications", "payments"}))
    ticket = dataclasses.replace(
        spread, signal=dataclasses.replace(ctx.signal, detection_class=DetectionClass.SLO_BURN)
    )
    assert spread.alerting_dependents == ("gateway",)
    assert (Observe().applies(ctx), Observe().applies(elsewhere)) == (True, True)
    assert Observe().applies(spread) is False
    assert Observe().applies(ticket) is True
