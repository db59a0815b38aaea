"""What the recovery pillar has in place, as measured: the inputs of its maturity criteria.

Which tiers run hands-free is judged from the runbooks themselves (``aref.maturity.facts.automated_tiers``)
and from the runs recovery really performed (``performed``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aref.recovery.executor import ExecutionStatus, StepOutcome
from aref.recovery.state import Recovery


@dataclass(frozen=True)
class PerformedRun:
    """A runbook run of an incident's recovery (no dry run, no drill) that completed with every step ``ok``."""

    tier: str
    recovery_id: str
    runbook: str
    finished_at: float
    correlation_id: str


@dataclass(frozen=True)
class RecoveryFacts:
    """The recovery engine's measured facts; the defaults describe an engine with nothing in place."""

    runbooks: int = 0
    """Runbooks in the engine's catalog."""
    performed: tuple[PerformedRun, ...] = ()
    """Every runbook run performed live that completed with every step ok."""


def performed_runs(recoveries: Iterable[Recovery]) -> tuple[PerformedRun, ...]:
    """The runs of ``recoveries`` that completed with every step ``ok``, oldest first; drills are left out."""
    found = [
        PerformedRun(run.runbook.tier.name, rec.id, run.runbook.name, run.finished_at, rec.correlation_id)
        for rec in recoveries
        if rec.drill is None
        for run in rec.runs
        if run.status == ExecutionStatus.COMPLETED
        and run.finished_at is not None
        and all(step.outcome == StepOutcome.OK for step in run.steps)
    ]
    return tuple(sorted(found, key=lambda p: p.finished_at))
