from __future__ import annotations

import pytest

from aref.config import RecoverySettings
from aref.errors import InvalidInputError
from aref.models import RecoveryTier
from aref.recovery.tiers import AUTONOMOUS_TIERS, TIER_ROLES, TierLadder, next_tier, parse_tier


def test_default_windows_follow_the_seed_table() -> None:
    ladder = TierLadder(RecoverySettings())
    assert [s.target_seconds for s in ladder] == [300.0, 900.0, 3600.0, 14400.0, 14 * 86400.0]
    assert [s.window_start_seconds for s in ladder] == [0.0, 300.0, 900.0, 3600.0, 14400.0]


@pytest.mark.parametrize(
    ("tier", "name", "executor", "approval"),
    [
        (RecoveryTier.T0, "Emergency Stabilization", "automated", None),
        (RecoveryTier.T1, "Minimum Viable Recovery", "incident commander", None),
        (RecoveryTier.T2, "Functional Recovery", "engineering teams", "incident commander"),
        (RecoveryTier.T3, "Full Restoration", "cross-functional", "management"),
        (RecoveryTier.T4, "Post-Incident Hardening", "platform team", "planning"),
    ],
)
def test_each_tier_names_its_executor_and_approval(
    tier: RecoveryTier, name: str, executor: str, approval: str | None
) -> None:
    spec = TierLadder(RecoverySettings()).spec(tier)
    assert (spec.name, spec.executor, spec.approval, spec.needs_approval) == (
        name,
        executor,
        approval,
        approval is not None,
    )


def test_only_t0_and_t1_are_autonomous() -> None:
    assert {RecoveryTier.T0, RecoveryTier.T1} == AUTONOMOUS_TIERS
    assert set(TIER_ROLES) == set(RecoveryTier)


def test_targets_come_from_settings() -> None:
    ladder = TierLadder(RecoverySettings(t0_target_seconds=60, t1_target_seconds=120))
    assert ladder.target(RecoveryTier.T0) == 60.0
    assert ladder.spec(RecoveryTier.T1).window_start_seconds == 60.0
    assert ladder.target(RecoveryTier.T1) == 120.0


def test_targets_must_strictly_increase() -> None:
    with pytest.raises(InvalidInputError) as err:
        TierLadder(RecoverySettings(t0_target_seconds=900, t1_target_seconds=900))
    assert err.value.field == "t1_target_seconds"
    assert "t0_target_seconds (900)" in err.value.reason


def test_next_tier_climbs_to_t4_and_stops() -> None:
    assert [next_tier(t) for t in RecoveryTier] == [
        RecoveryTier.T1,
        RecoveryTier.T2,
        RecoveryTier.T3,
        RecoveryTier.T4,
        None,
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("T2", RecoveryTier.T2),
        ("t0", RecoveryTier.T0),
        (" T3 ", RecoveryTier.T3),
        (4, RecoveryTier.T4),
        ("1", RecoveryTier.T1),
    ],
)
def test_parse_tier_accepts_names_and_numbers(value: object, expected: RecoveryTier) -> None:
    assert parse_tier(value) is expected


@pytest.mark.parametrize("value", ["T5", "tier0", -1, True, None, 1.0, ""])
def test_parse_tier_refuses_anything_else(value: object) -> None:
    with pytest.raises(InvalidInputError) as err:
        parse_tier(value)
    assert err.value.field == "tier"
    assert "T0, T1, T2, T3, T4" in err.value.reason


def test_spec_to_dict_is_json_ready() -> None:
    assert TierLadder(RecoverySettings()).spec(RecoveryTier.T2).to_dict() == {
        "tier": "T2",
        "name": "Functional Recovery",
        "executor": "engineering teams",
        "approval": "incident commander",
        "window_start_seconds": 900.0,
        "target_seconds": 3600.0,
    }
