from __future__ import annotations

import pytest

from aref.errors import InvalidInputError
from aref.models import Incident, IncidentSeverity, Pillar
from aref.scoring import (
    RiskProfile,
    availability,
    crs,
    crs_all_profiles,
    crs_percent,
    error_budget,
    mttd,
    mttr,
)

LEVELS = {
    Pillar.DETECTION: 4.0,
    Pillar.ABSORPTION: 3.0,
    Pillar.ADAPTATION: 2.0,
    Pillar.RECOVERY: 5.0,
    Pillar.EVOLUTION: 1.0,
}


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("balanced", 0.2 * 4 + 0.2 * 3 + 0.2 * 2 + 0.2 * 5 + 0.2 * 1),  # 3.0
        ("availability_critical", 0.30 * 4 + 0.25 * 3 + 0.20 * 2 + 0.15 * 5 + 0.10 * 1),  # 3.2
        ("data_integrity_critical", 0.20 * 4 + 0.20 * 3 + 0.15 * 2 + 0.30 * 5 + 0.15 * 1),  # 3.35
        ("innovation_heavy", 0.15 * 4 + 0.15 * 3 + 0.25 * 2 + 0.15 * 5 + 0.30 * 1),  # 2.6
    ],
)
def test_crs_matches_hand_computed_value(profile: str, expected: float) -> None:
    assert crs(LEVELS, profile) == pytest.approx(expected)


def test_hand_values_written_out() -> None:
    assert crs(LEVELS, RiskProfile.BALANCED) == pytest.approx(3.0)
    assert crs(LEVELS, RiskProfile.AVAILABILITY_CRITICAL) == pytest.approx(3.2)
    assert crs(LEVELS, RiskProfile.DATA_INTEGRITY_CRITICAL) == pytest.approx(3.35)
    assert crs(LEVELS, RiskProfile.INNOVATION_HEAVY) == pytest.approx(2.6)


def test_crs_of_all_profiles_and_percent_scale() -> None:
    scores = crs_all_profiles(LEVELS)
    assert set(scores) == set(RiskProfile)
    assert crs_percent(1.0) == 0.0
    assert crs_percent(5.0) == 100.0
    assert crs_percent(scores[RiskProfile.BALANCED]) == pytest.approx(50.0)


def test_unknown_risk_profile_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInputError) as info:
        crs(LEVELS, "yolo")
    assert info.value.field == "risk_profile"
    assert "yolo" in str(info.value)


def test_crs_refuses_missing_pillars_and_out_of_range_levels() -> None:
    with pytest.raises(InvalidInputError, match="evolution"):
        crs(dict.fromkeys(list(Pillar)[:4], 3.0))
    with pytest.raises(InvalidInputError) as info:
        crs({**LEVELS, Pillar.RECOVERY: 6.0})
    assert info.value.field == "levels.recovery"


def incident(onset: float, detected: float | None, resolved: float | None) -> Incident:
    return Incident(
        id="INC-1",
        title="t",
        service="payments",
        severity=IncidentSeverity.SEV2,
        onset_at=onset,
        correlation_id="COR-1",
        detected_at=detected,
        resolved_at=resolved,
    )


def test_mttd_and_mttr_average_only_measured_incidents() -> None:
    incidents = [incident(100, 130, 400), incident(200, 210, None), incident(300, None, None)]
    assert mttd(incidents) == pytest.approx((30 + 10) / 2)
    assert mttr(incidents) == pytest.approx(300)
    assert mttd([]) is None
    assert mttr([incident(0, None, None)]) is None


def test_availability() -> None:
    assert availability(999, 1000) == pytest.approx(0.999)
    assert availability(0, 0) == 1.0
    with pytest.raises(InvalidInputError):
        availability(5, 4)
    with pytest.raises(InvalidInputError) as info:
        availability(-1, 4)
    assert info.value.field == "good"


def test_error_budget_consumption() -> None:
    budget = error_budget(0.99, good=995, total=1000)
    assert budget.allowed_bad == pytest.approx(10)
    assert budget.consumed == pytest.approx(0.5)
    assert budget.remaining == pytest.approx(0.5)
    blown = error_budget(0.99, good=970, total=1000)
    assert blown.consumed == pytest.approx(3.0)
    assert blown.remaining == 0.0
    assert error_budget(0.99, good=0, total=1).consumed == pytest.approx(100)
    assert error_budget(0.99, good=0, total=0).consumed == 0.0


def test_error_budget_refuses_bad_target() -> None:
    with pytest.raises(InvalidInputError) as info:
        error_budget(1.0, good=1, total=1)
    assert info.value.field == "slo_target"
