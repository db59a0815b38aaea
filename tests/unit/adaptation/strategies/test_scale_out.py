from __future__ import annotations

from typing import Any

from aref.adaptation.actions import Scale
from aref.adaptation.strategies import ScaleOut
from aref.models import AnomalyClass

from ..factories import context, state

LATENCY: dict[str, Any] = {"service": "orders", "metric": "latency_p99", "value": 900.0, "threshold": 300.0}


def test_adds_one_replica_to_a_loaded_service() -> None:
    ctx = context(AnomalyClass.PERSISTENT, states={"orders": state("orders", replicas=2)}, **LATENCY)
    assert ScaleOut().applies(ctx)
    assert ScaleOut().plan(ctx) == (Scale("orders", 2, 3),)


def test_not_at_the_maximum_in_cooldown_or_for_errors() -> None:
    assert not ScaleOut().applies(context(states={"orders": state("orders", replicas=4)}, **LATENCY))
    assert not ScaleOut().applies(context(states={"orders": state("orders", scaling_ready=False)}, **LATENCY))
    assert not ScaleOut().applies(context(states={"payments": state()}))
