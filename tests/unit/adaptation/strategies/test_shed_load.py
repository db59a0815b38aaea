from __future__ import annotations

from aref.adaptation.actions import SetFlag
from aref.adaptation.strategies import ShedLoad
from aref.models import AnomalyClass

from ..factories import context, state


def test_sheds_every_enabled_optional_flag_of_the_service() -> None:
    two_left = state("notifications", optional_flags_on=("notifications.search", "notifications.analytics"))
    ctx = context(AnomalyClass.TRANSIENT, states={"notifications": two_left}, service="notifications")
    assert ShedLoad().applies(ctx)
    assert ShedLoad().plan(ctx) == (SetFlag("notifications.search", False), SetFlag("notifications.analytics", False))


def test_fits_a_persistent_load_problem_but_not_persistent_errors() -> None:
    states = {"orders": state("orders")}
    latency = context(AnomalyClass.PERSISTENT, states=states, service="orders", metric="latency_p99")
    errors = context(AnomalyClass.PERSISTENT, states=states, service="orders", metric="error_rate")
    assert ShedLoad().applies(latency)
    assert not ShedLoad().applies(errors)


def test_nothing_left_to_shed_or_not_mitigable() -> None:
    assert not ShedLoad().applies(context(AnomalyClass.TRANSIENT, states={"payments": state(optional_flags_on=())}))
    assert not ShedLoad().applies(context(AnomalyClass.TRANSIENT, states={"payments": state()}, severity="emergency"))
