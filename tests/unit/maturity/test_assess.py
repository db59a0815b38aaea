from __future__ import annotations

import json

import pytest

from aref.errors import InvalidInputError
from aref.maturity.assess import MaturityAssessor
from aref.maturity.criteria import CRITERIA, Criterion, MaturityContext
from aref.maturity.evidence import Evidence, EvidenceKind, Verdict
from aref.maturity.levels import MaturityLevel
from aref.models import Pillar
from aref.scoring import RiskProfile

L1, L2, L3, L4, L5 = MaturityLevel
EDGES = ("gateway->orders", "gateway->payments")
REPORTS = tuple(Evidence(EvidenceKind.REPORT, e, 100.0, "replica r-1") for e in EDGES)


def seen(kind: EvidenceKind, n: int) -> tuple[Evidence, ...]:
    return tuple(Evidence(kind, f"{kind.value}-{i}", 100.0 + i, "") for i in range(n))


# Detection at L4, absorption L3, adaptation L2, recovery L5, evolution L1.
MIXED = MaturityContext(
    has_threshold_rules=True,
    has_slos=True,
    has_synthetic_probes=True,
    has_anomaly_detection=True,
    has_burn_rate_alerts=True,
    mttd_seconds=120.0,
    alert_to_action_ratio=2.0,
    breaker_edges=EDGES,
    called_edges=EDGES,
    guard_reports=REPORTS,
    has_degradation_tiers=True,
    passed_runs=seen(EvidenceKind.RUN, 1),
    feature_flags=30,
    automated_scaling=True,
    runbooks=3,
    drills=seen(EvidenceKind.DRILL, 1),
    t0_automated=True,
    t1_automated=True,
    mttr_seconds=600.0,
    automated_resolution_pct=95.0,
    knowledge_entries=4,
)

EVERYTHING = MaturityContext(
    has_threshold_rules=True,
    has_slos=True,
    has_synthetic_probes=True,
    has_anomaly_detection=True,
    has_burn_rate_alerts=True,
    has_predictive_detection=True,
    mttd_seconds=120.0,
    alert_to_action_ratio=2.0,
    breaker_edges=EDGES,
    called_edges=EDGES,
    guard_reports=REPORTS,
    has_degradation_tiers=True,
    blast_radius_containment_pct=98.0,
    passed_runs=seen(EvidenceKind.RUN, 3),
    feature_flags=30,
    has_traffic_shifting=True,
    automated_scaling=True,
    adaptations=seen(EvidenceKind.ADAPTATION, 20),
    escalations_to_recovery=1,
    adaptation_latency_seconds=12.0,
    runbooks=3,
    drills=seen(EvidenceKind.DRILL, 1),
    t0_automated=True,
    t1_automated=True,
    mttr_seconds=600.0,
    automated_resolution_pct=95.0,
    reviews=seen(EvidenceKind.REVIEW, 12),
    review_completion_pct=100.0,
    knowledge_entries=12,
    action_completion_rate_pct=90.0,
    recurrence_rate_pct=5.0,
    improvement_velocity=9,
)


def test_levels_for_a_mixed_context() -> None:
    assessment = MaturityAssessor().assess(MIXED)
    assert assessment.levels == {
        Pillar.DETECTION: L4,
        Pillar.ABSORPTION: L3,
        Pillar.ADAPTATION: L2,
        Pillar.RECOVERY: L5,
        Pillar.EVOLUTION: L1,
    }


def test_an_empty_context_is_l1_everywhere_and_a_full_one_l5() -> None:
    assert set(MaturityAssessor().assess(MaturityContext()).levels.values()) == {L1}
    assert set(MaturityAssessor().assess(EVERYTHING).levels.values()) == {L5}


def test_a_failing_level_stops_the_climb_even_when_higher_criteria_hold() -> None:
    absorption = MaturityAssessor().assess(MIXED).pillars[Pillar.ABSORPTION]
    assert absorption.level == L3
    assert "absorption.chaos_verified" in [c.id for c in absorption.met]  # an L5 criterion holds ...
    assert [c.id for c in absorption.unmet] == ["absorption.blast_radius"]  # ... but L4 is incomplete


def test_gap_analysis_lists_exactly_the_unmet_next_level_criteria() -> None:
    gaps = MaturityAssessor().assess(MIXED).gap_analysis()
    assert {pillar: [c.id for c in found] for pillar, found in gaps.items()} == {
        Pillar.DETECTION: ["detection.predictive"],
        Pillar.ABSORPTION: ["absorption.blast_radius"],
        Pillar.ADAPTATION: ["adaptation.traffic_shifting"],
        Pillar.RECOVERY: [],
        Pillar.EVOLUTION: ["evolution.reviews"],
    }


def test_met_and_unmet_partition_the_pillars_criteria() -> None:
    evolution = MaturityAssessor().assess(MIXED).pillars[Pillar.EVOLUTION]
    assert [c.id for c in evolution.met] == ["evolution.knowledge_base"]
    assert [c.id for c in evolution.unmet] == [
        "evolution.reviews",
        "evolution.review_completion",
        "evolution.action_completion",
        "evolution.recurrence",
        "evolution.velocity",
    ]
    assert evolution.next_level == L2


def test_crs_per_profile_matches_hand_computed_values() -> None:
    # D=4, Ab=3, Ad=2, R=5, E=1
    scores = MaturityAssessor().assess(MIXED).crs_by_profile
    assert scores[RiskProfile.BALANCED] == pytest.approx((4 + 3 + 2 + 5 + 1) * 0.20)  # 3.0
    assert scores[RiskProfile.AVAILABILITY_CRITICAL] == pytest.approx(
        0.30 * 4 + 0.25 * 3 + 0.20 * 2 + 0.15 * 5 + 0.10 * 1
    )
    assert scores[RiskProfile.DATA_INTEGRITY_CRITICAL] == pytest.approx(
        0.20 * 4 + 0.20 * 3 + 0.15 * 2 + 0.30 * 5 + 0.15 * 1
    )
    assert scores[RiskProfile.INNOVATION_HEAVY] == pytest.approx(0.15 * 4 + 0.15 * 3 + 0.25 * 2 + 0.15 * 5 + 0.30 * 1)
    assert [round(scores[p], 2) for p in RiskProfile] == [3.0, 3.2, 3.35, 2.6]


def test_the_chosen_profile_selects_the_headline_crs() -> None:
    assert MaturityAssessor().assess(MIXED).crs == pytest.approx(3.0)
    assessment = MaturityAssessor(profile="innovation_heavy").assess(MIXED)
    assert assessment.profile == RiskProfile.INNOVATION_HEAVY
    assert assessment.crs == pytest.approx(2.6)
    with pytest.raises(InvalidInputError) as caught:
        MaturityAssessor(profile="reckless")
    assert caught.value.field == "risk_profile"


def test_to_dict_is_json_ready() -> None:
    data = MaturityAssessor().assess(MIXED).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["profile"] == "balanced"
    assert data["crs"] == pytest.approx(3.0)
    assert data["crs_percent"] == pytest.approx(50.0)
    assert data["crs_by_profile"]["availability_critical"] == pytest.approx(3.2)
    adaptation = data["pillars"]["adaptation"]
    assert (adaptation["level"], adaptation["label"], adaptation["next_level"]) == (2, "Managed", 3)
    assert adaptation["gaps"] == [
        {
            "id": "adaptation.traffic_shifting",
            "pillar": "adaptation",
            "level": "L3",
            "description": "Traffic can be shifted between routes",
        }
    ]
    assert data["pillars"]["recovery"]["next_level"] is None


def test_extra_criteria_extend_the_model() -> None:
    extra = Criterion(
        "recovery.many_runbooks", Pillar.RECOVERY, L3, "five runbooks", lambda c: Verdict(c.runbooks >= 5)
    )
    assessor = MaturityAssessor(criteria=(*CRITERIA, extra))
    recovery = assessor.assess(MIXED).pillars[Pillar.RECOVERY]
    assert recovery.level == L2
    assert [c.id for c in recovery.gaps] == ["recovery.many_runbooks"]


def test_a_criteria_set_with_a_free_level_is_refused() -> None:
    only = (Criterion("recovery.any_runbook", Pillar.RECOVERY, L3, "a runbook", lambda c: Verdict(c.runbooks > 0)),)
    with pytest.raises(InvalidInputError) as caught:
        MaturityAssessor(criteria=only)
    assert caught.value.field == "criteria"
