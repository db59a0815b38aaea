from __future__ import annotations

import pytest

from aref.adaptation.strategies import Observe
from aref.models import AnomalyClass

from ..factories import context


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
