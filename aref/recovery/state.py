"""The durable record of one recovery: its incident, tier history and current runbook run.

A recovery is ACTIVE from ``begin_recovery`` until its incident is resolved. ``tier`` only
moves up; ``tiers`` lists every tier entered, in order, the first being T0 at
``started_at``. ``runs`` keeps every runbook run in order; the last one is the current
tier's run when its runbook belongs to that tier. ``open_alerts`` are the alert ids of the
incident not resolved yet. ``drill`` is set for a drill (``aref.recovery.drills``), and only a
drill can be a dry run on its own.
Stored in ``Collection.RECOVERIES`` keyed by ``id``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aref.models import Incident, RecoveryTier
from aref.records import to_record
from aref.recovery.drills import DrillPlan
from aref.recovery.executor import ExecutionStatus, RunbookExecution


class RecoveryStatus(StrEnum):
    ACTIVE = "active"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class TierEntry:
    tier: RecoveryTier
    entered_at: float
    reason: str


@dataclass(frozen=True)
class Recovery:
    id: str
    incident: Incident
    started_at: float
    tier: RecoveryTier = RecoveryTier.T0
    tiers: tuple[TierEntry, ...] = ()
    status: RecoveryStatus = RecoveryStatus.ACTIVE
    runs: tuple[RunbookExecution, ...] = ()
    open_alerts: tuple[str, ...] = ()
    resolved_at: float | None = None
    drill: DrillPlan | None = None

    @property
    def dry_run(self) -> bool:
        """Asked as a dry run (a drill); an engine without runner or verifier is one as a whole."""
        return self.drill is not None and self.drill.dry_run

    @property
    def correlation_id(self) -> str:
        return self.incident.correlation_id

    @property
    def service(self) -> str:
        return self.incident.service

    @property
    def execution(self) -> RunbookExecution | None:
        """The current tier's runbook run, if that tier has a runbook."""
        if self.runs and self.runs[-1].runbook.tier == self.tier:
            return self.runs[-1]
        return None

    def with_execution(self, execution: RunbookExecution) -> Recovery:
        """Replace the current run (same runbook) or append a new one."""
        same = self.execution is not None and self.execution.runbook.name == execution.runbook.name
        runs = (*self.runs[:-1], execution) if same else (*self.runs, execution)
        return dataclasses.replace(self, runs=runs)

    @property
    def drill_finished(self) -> bool:
        """An active drill whose last planned tier is reached and whose runbook no longer runs."""
        execution = self.execution
        running = execution is not None and execution.status == ExecutionStatus.RUNNING
        return (
            self.drill is not None
            and self.status == RecoveryStatus.ACTIVE
            and self.drill.after(self.tier) is None
            and not running
        )

    @property
    def tier_entered_at(self) -> float:
        return self.tiers[-1].entered_at if self.tiers else self.started_at

    def resolution(self, reason: str, dry_run: bool) -> dict[str, Any]:
        """The ``recovery.recovery_resolved`` payload of this (resolved) recovery."""
        return {
            "incident": to_record(self.incident),
            "tier": self.tier.name,
            "reason": reason,
            "duration_seconds": (self.resolved_at or self.started_at) - self.started_at,
            "tiers": [entry.tier.name for entry in self.tiers],
            "runbooks": [run.runbook.name for run in self.runs],
            "dry_run": dry_run or self.dry_run,
            "drill": self.drill is not None,
        }
