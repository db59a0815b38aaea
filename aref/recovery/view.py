"""JSON-ready description of a recovery for the dashboard: tier progress, and every runbook run
with each step's outcome, what it did (``detail``) and what was measured after it (``check``).
``trigger`` is ``drill`` for a drill (with its planned ``drill_tiers``), else ``incident``."""

from __future__ import annotations

from typing import Any

from aref.records import to_record
from aref.recovery.state import Recovery
from aref.recovery.tiers import TierLadder


def describe(rec: Recovery, ladder: TierLadder, now: float, dry_run: bool = False) -> dict[str, Any]:
    elapsed = (rec.resolved_at if rec.resolved_at is not None else now) - rec.started_at
    target = ladder.target(rec.tier)
    execution = rec.execution
    current = execution.current_step if execution is not None else None
    return {
        "recovery_id": rec.id,
        "status": rec.status.value,
        "dry_run": dry_run,
        "mode": "dry run" if dry_run else "live",
        "trigger": "drill" if rec.drill is not None else "incident",
        "drill_tiers": [t.name for t in rec.drill.tiers] if rec.drill is not None else [],
        "drill_by": rec.drill.by if rec.drill is not None else None,
        "incident_id": rec.incident.id,
        "correlation_id": rec.correlation_id,
        "service": rec.service,
        "severity": rec.incident.severity.value,
        "tier": rec.tier.name,
        "tier_name": ladder.spec(rec.tier).name,
        "started_at": rec.started_at,
        "elapsed_seconds": elapsed,
        "target_seconds": target,
        "remaining_seconds": max(0.0, target - elapsed),
        "runbook": execution.runbook.name if execution is not None else None,
        "runbook_status": execution.status.value if execution is not None else None,
        "steps_done": execution.steps_done if execution is not None else 0,
        "steps_total": len(execution.steps) if execution is not None else 0,
        "current_step": current.name if current is not None else None,
        "current_outcome": current.outcome.value if current is not None else None,
        "steps": [to_record(s) for s in execution.steps] if execution is not None else [],
        "open_alerts": list(rec.open_alerts),
        "tiers": [{"tier": e.tier.name, "entered_at": e.entered_at, "reason": e.reason} for e in rec.tiers],
        "runs": [
            {
                "runbook": run.runbook.name,
                "tier": run.runbook.tier.name,
                "status": run.status.value,
                "started_at": run.started_at,
                "finished_at": run.finished_at,
                "dry_run": run.dry_run or dry_run,
                "steps": [
                    {**to_record(s), "action": step.action}
                    for s, step in zip(run.steps, run.runbook.steps, strict=True)
                ],
            }
            for run in rec.runs
        ],
    }
