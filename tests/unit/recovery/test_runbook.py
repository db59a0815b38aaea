from __future__ import annotations

import pytest

from aref.errors import NotFoundError
from aref.models import RecoveryTier
from aref.recovery.runbook import OnFailure, Runbook, RunbookStep


def _runbook() -> Runbook:
    steps = (RunbookStep("a", "automated", "x.a", 10), RunbookStep("b", "verify", "x.b", 20))
    return Runbook("rb", RecoveryTier.T1, steps, service="orders", source="f.yml")


def test_step_defaults() -> None:
    s = RunbookStep("a", "automated", "x.a", 10)
    assert (s.role, s.on_failure, s.params, s.description) == ("automation", OnFailure.ESCALATE, {}, "")


def test_step_keeps_a_private_copy_of_params() -> None:
    params = {"level": "minimal"}
    s = RunbookStep("a", "automated", "x.a", 10, params=params)
    params["level"] = "full"
    assert s.params == {"level": "minimal"}


def test_index_of_finds_steps_by_name() -> None:
    rb = _runbook()
    assert rb.index_of("b") == 1
    with pytest.raises(NotFoundError):
        rb.index_of("c")


def test_summary() -> None:
    assert _runbook().summary() == {
        "name": "rb",
        "tier": "T1",
        "service": "orders",
        "description": "",
        "trigger": None,
        "steps": ["a", "b"],
        "source": "f.yml",
    }
