from __future__ import annotations

from aref.adaptation.actions import SetFlag
from aref.adaptation.context import Scope
from aref.adaptation.strategies import DegradeScope
from aref.models import AnomalyClass

from ..factories import context, state

SCOPE = Scope("payments", ("gateway", "notifications"))


def test_sheds_optional_flags_across_the_whole_scope() -> None:
    states = {
        "payments": state(optional_flags_on=()),
        "gateway": state("gateway", optional_flags_on=("gateway.analytics",)),
        "notifications": state(
            "notifications", optional_flags_on=("notifications.search", "notifications.experimental")
        ),
    }
    ctx = context(AnomalyClass.PERSISTENT, states=states, scope=SCOPE)
    assert DegradeScope().applies(ctx)
    assert DegradeScope().plan(ctx) == (
        SetFlag("gateway.analytics", False),
        SetFlag("notifications.search", False),
        SetFlag("notifications.experimental", False),
    )


def test_only_for_persistent_anomalies_with_something_left_to_shed() -> None:
    states = {"payments": state()}
    assert not DegradeScope().applies(context(AnomalyClass.TRANSIENT, states=states, scope=SCOPE))
    assert not DegradeScope().applies(context(AnomalyClass.PERSISTENT, states={}, scope=SCOPE))
