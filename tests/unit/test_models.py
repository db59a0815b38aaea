from __future__ import annotations

import pytest

from aref.errors import ConflictError, InvalidInputError
from aref.models import (
    ActionItem,
    ActionStatus,
    HealthSample,
    Incident,
    IncidentSeverity,
    IncidentStatus,
    Pillar,
)


def new_incident(**overrides: object) -> Incident:
    fields: dict[str, object] = {
        "id": "INC-1",
        "title": "payments errors",
        "service": "payments",
        "severity": IncidentSeverity.SEV2,
        "onset_at": 100.0,
        "detected_at": 110.0,
        "correlation_id": "COR-1",
    }
    fields.update(overrides)
    return Incident(**fields)  # type: ignore[arg-type]


def test_incident_walks_the_whole_lifecycle_and_records_it() -> None:
    inc = new_incident()
    for at, status in enumerate(
        [IncidentStatus.ABSORBING, IncidentStatus.ADAPTING, IncidentStatus.RECOVERING, IncidentStatus.RESOLVED],
        start=120,
    ):
        inc = inc.advance(status, float(at))
    assert inc.resolved_at == 123.0
    assert not inc.is_open
    inc = inc.advance(IncidentStatus.POST_REVIEW, 130.0).advance(IncidentStatus.CLOSED, 140.0)
    assert [e.kind for e in inc.timeline] == [
        "absorbing",
        "adapting",
        "recovering",
        "resolved",
        "post_review",
        "closed",
    ]
    assert inc.time_to_detect == 10.0
    assert inc.time_to_resolve == 23.0


def test_mitigation_phases_may_be_skipped_but_review_may_not() -> None:
    inc = new_incident().advance(IncidentStatus.RESOLVED, 150.0)
    assert inc.status is IncidentStatus.RESOLVED
    with pytest.raises(ConflictError):
        inc.advance(IncidentStatus.CLOSED, 160.0)


def test_incident_cannot_go_backwards() -> None:
    inc = new_incident().advance(IncidentStatus.RECOVERING, 120.0)
    with pytest.raises(ConflictError, match="recovering to absorbing"):
        inc.advance(IncidentStatus.ABSORBING, 121.0)


def test_incident_timestamps_must_follow_onset() -> None:
    with pytest.raises(InvalidInputError) as info:
        new_incident(detected_at=50.0)
    assert info.value.field == "detected_at"


def test_advance_returns_a_new_value() -> None:
    inc = new_incident()
    moved = inc.advance(IncidentStatus.ABSORBING, 111.0)
    assert inc.status is IncidentStatus.DETECTED
    assert moved.status is IncidentStatus.ABSORBING


def test_action_item_completes_once() -> None:
    item = ActionItem(id="ACT-1", incident_id="INC-1", title="add alert", pillar=Pillar.DETECTION, created_at=1.0)
    done = item.complete(5.0)
    assert (done.status, done.completed_at) == (ActionStatus.COMPLETED, 5.0)
    with pytest.raises(ConflictError):
        done.complete(6.0)


def test_health_sample_error_rate_and_validation() -> None:
    assert HealthSample("orders", 1.0, requests=200, errors=30).error_rate == pytest.approx(0.15)
    assert HealthSample("orders", 1.0, requests=0, errors=0).error_rate == 0.0
    with pytest.raises(InvalidInputError) as info:
        HealthSample("orders", 1.0, requests=5, errors=6)
    assert info.value.field == "errors"


def test_health_sample_latency_counts_default_to_none_known_and_are_never_negative() -> None:
    assert HealthSample("orders", 1.0, requests=3, errors=0).latency_counts == ()
    with pytest.raises(InvalidInputError) as info:
        HealthSample("orders", 1.0, requests=3, errors=0, latency_counts=(4, -1))
    assert info.value.field == "latency_counts"
