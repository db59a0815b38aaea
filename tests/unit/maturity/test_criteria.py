from __future__ import annotations

import dataclasses

import pytest

from aref.config import load_settings
from aref.errors import InvalidInputError
from aref.maturity.criteria import CRITERIA, Criterion, MaturityContext, targets_from_settings, validate
from aref.maturity.evidence import Evidence, EvidenceKind, Verdict
from aref.maturity.levels import MaturityLevel
from aref.models import Pillar

BY_ID = {c.id: c for c in CRITERIA}
EDGES = ("gateway->orders", "gateway->payments")


def seen(kind: EvidenceKind, n: int) -> tuple[Evidence, ...]:
    return tuple(Evidence(kind, f"{kind.value}-{i}", 100.0 + i, "") for i in range(n))


def holds(criterion_id: str, **facts: object) -> bool:
    return BY_ID[criterion_id].holds(MaturityContext(**facts))  # type: ignore[arg-type]


def test_every_pillar_has_criteria_at_every_level_above_l1() -> None:
    for pillar in Pillar:
        levels = {c.level for c in CRITERIA if c.pillar == pillar}
        assert levels == {MaturityLevel.L2, MaturityLevel.L3, MaturityLevel.L4, MaturityLevel.L5}, pillar


def test_criterion_ids_are_unique_and_name_their_pillar() -> None:
    assert len(BY_ID) == len(CRITERIA)
    assert all(c.id.startswith(f"{c.pillar.value}.") for c in CRITERIA)


def test_an_empty_context_meets_no_criterion() -> None:
    empty = MaturityContext()
    assert [c.id for c in CRITERIA if c.holds(empty)] == []


@pytest.mark.parametrize(
    ("criterion_id", "facts", "expected"),
    [
        ("detection.mttd_target", {}, False),  # not measured cannot be claimed
        ("detection.mttd_target", {"mttd_seconds": 300.0}, True),
        ("detection.mttd_target", {"mttd_seconds": 300.5}, False),
        ("detection.alert_fatigue", {"alert_to_action_ratio": 3.0}, True),
        ("detection.alert_fatigue", {"alert_to_action_ratio": 3.1}, False),
        ("absorption.breaker_coverage", {"breaker_edges": EDGES, "called_edges": EDGES}, True),
        ("absorption.breaker_coverage", {"breaker_edges": EDGES[:1], "called_edges": EDGES}, False),
        ("absorption.breaker_coverage", {"breaker_edges": EDGES, "called_edges": ()}, False),
        ("absorption.bulkheads", {"called_edges": EDGES, "guard_reports": seen(EvidenceKind.REPORT, 1)}, False),
        ("absorption.rate_limiters", {"called_edges": EDGES, "guard_reports": ()}, False),
        ("absorption.blast_radius", {"blast_radius_containment_pct": 95.0}, True),
        ("absorption.blast_radius", {"blast_radius_containment_pct": 94.9}, False),
        (
            "adaptation.self_mitigation",
            {"adaptations": seen(EvidenceKind.ADAPTATION, 10), "escalations_to_recovery": 1},
            True,
        ),
        (
            "adaptation.self_mitigation",
            {"adaptations": seen(EvidenceKind.ADAPTATION, 10), "escalations_to_recovery": 2},
            False,
        ),
        ("adaptation.self_mitigation", {"adaptations": (), "escalations_to_recovery": 0}, False),
        ("recovery.drills", {"drills": seen(EvidenceKind.DRILL, 1)}, True),
        ("recovery.drills", {"drills": ()}, False),
        ("recovery.automated_t0_t1", {"t0_automated": True, "t1_automated": False}, False),
        ("recovery.automated_t0_t1", {"t0_automated": True, "t1_automated": True}, True),
        ("recovery.automated_resolution", {"automated_resolution_pct": 90.0}, True),
        ("recovery.automated_resolution", {"automated_resolution_pct": 89.9}, False),
        ("evolution.review_completion", {"review_completion_pct": 100.0}, True),
        ("evolution.review_completion", {"review_completion_pct": 99.0}, False),
        ("evolution.action_completion", {"action_completion_rate_pct": 85.0}, False),  # must exceed 85 %
        ("evolution.action_completion", {"action_completion_rate_pct": 85.1}, True),
        ("evolution.recurrence", {"recurrence_rate_pct": 10.0}, False),  # must stay below 10 %
        ("evolution.recurrence", {"recurrence_rate_pct": 9.9}, True),
        ("evolution.recurrence", {"recurrence_rate_pct": 20.0, "recurrence_rate_target_pct": 25.0}, True),
        ("evolution.velocity", {"improvement_velocity": 8}, True),
        ("evolution.velocity", {"improvement_velocity": 7}, False),
    ],
)
def test_criteria_boundaries(criterion_id: str, facts: dict[str, object], expected: bool) -> None:
    assert holds(criterion_id, **facts) is expected


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("runbooks", -1, "must be >= 0"),
        ("mttd_seconds", -0.5, "must be >= 0"),
        ("recurrence_rate_pct", 100.5, "must be a percentage between 0 and 100"),
        ("blast_radius_target_pct", 101.0, "must be a percentage between 0 and 100"),
    ],
)
def test_context_rejects_impossible_facts(field: str, value: float, reason: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        MaturityContext(**{field: value})  # type: ignore[arg-type]
    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_targets_come_from_the_settings() -> None:
    settings = load_settings()
    settings = settings.model_copy(
        update={
            "detection": settings.detection.model_copy(update={"mttd_target_seconds": 120.0}),
            "evolution": settings.evolution.model_copy(update={"improvement_velocity_target": 12}),
        }
    )
    targets = targets_from_settings(settings)
    assert targets["mttd_target_seconds"] == 120.0
    assert targets["improvement_velocity_target"] == 12
    assert targets["recurrence_rate_target_pct"] == settings.evolution.recurrence_rate_target
    context = MaturityContext(**targets)
    assert {f.name for f in dataclasses.fields(context)} >= set(targets)
    assert context.mttd_target_seconds == 120.0


def test_validate_refuses_duplicates_and_l1_criteria() -> None:
    extra = Criterion("detection.threshold_rules", Pillar.DETECTION, MaturityLevel.L3, "again", lambda c: Verdict(True))
    with pytest.raises(InvalidInputError, match="duplicate"):
        validate((*CRITERIA, extra))
    base = Criterion("detection.base", Pillar.DETECTION, MaturityLevel.L1, "base", lambda c: Verdict(True))
    with pytest.raises(InvalidInputError, match="L1 has no criteria"):
        validate((*CRITERIA, base))
    assert validate(CRITERIA) == CRITERIA


def test_validate_refuses_a_level_without_criteria() -> None:
    without = tuple(c for c in CRITERIA if c.id != "evolution.velocity")
    with pytest.raises(InvalidInputError) as caught:
        validate(without)
    assert (caught.value.field, caught.value.reason) == ("criteria", "evolution has no criteria at L5")
