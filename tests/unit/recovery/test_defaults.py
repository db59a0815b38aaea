from __future__ import annotations

from pathlib import Path

from aref.config import RecoverySettings
from aref.models import RecoveryTier
from aref.recovery.defaults import configured_runbooks, default_runbooks
from aref.recovery.step_kinds import DEFAULT_STEP_KINDS
from aref.recovery.tiers import TierLadder


def test_three_default_runbooks_one_per_first_tier() -> None:
    t0, t1, t2 = default_runbooks()
    assert [(r.tier, r.service) for r in (t0, t1, t2)] == [
        (RecoveryTier.T0, None),
        (RecoveryTier.T1, None),
        (RecoveryTier.T2, None),
    ]
    assert t0.source == "aref/recovery/runbooks/t0_emergency_stabilization.yml"


def test_t0_has_four_automated_steps() -> None:
    t0 = default_runbooks()[0]
    assert [s.kind for s in t0.steps] == ["automated"] * 4


def test_t1_has_six_ic_led_steps_and_no_approval() -> None:
    t1 = default_runbooks()[1]
    assert len(t1.steps) == 6
    assert {s.role for s in t1.steps} == {"incident_commander"}
    assert not any(DEFAULT_STEP_KINDS.get(s.kind).needs_approval for s in t1.steps)


def test_t2_has_five_engineering_steps_with_an_approval() -> None:
    t2 = default_runbooks()[2]
    assert len(t2.steps) == 5
    assert [s.name for s in t2.steps if s.kind == "needs_approval"] == ["approve-remediation"]
    assert [s.role for s in t2.steps].count("engineering") == 4


def test_every_default_runbook_fits_its_default_tier_window() -> None:
    ladder = TierLadder(RecoverySettings())
    for rb in default_runbooks():
        spec = ladder.spec(rb.tier)
        assert sum(s.timeout_seconds for s in rb.steps) <= spec.target_seconds - spec.window_start_seconds, rb.name


def test_configured_runbooks_add_the_runbook_dir() -> None:
    repo_runbooks = Path(__file__).resolve().parents[3] / "runbooks"
    names = [r.name for r in configured_runbooks(RecoverySettings(runbook_dir=repo_runbooks))]
    assert names[:3] == [r.name for r in default_runbooks()]
    assert names[3:] == ["drill-flag-and-failure-check", "payment-provider-outage-t0", "payment-provider-outage-t1"]


def test_a_missing_runbook_dir_leaves_the_defaults(tmp_path: Path) -> None:
    settings = RecoverySettings(runbook_dir=tmp_path / "absent")
    assert configured_runbooks(settings) == default_runbooks()
