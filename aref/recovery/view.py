"""JSON-ready description of an active recovery for the dashboard: tier progress and steps."""

from __future__ import annotations

from typing import Any

from aref.records import to_record
from aref.recovery.state import Recovery
from aref.recovery.tiers import TierLadder


def describe(rec: Recovery, ladder: TierLadder, now: float) -> dict[str, Any]:
    elapsed = now - rec.started_at
    target = ladder.target(rec.tier)
    execution = rec.execution
    current = execution.current_step if execution is not None else None
    return {
        "recovery_id": rec.id,
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
    }
