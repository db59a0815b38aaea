"""The background load as the API shows it (``wire.LoadView``), built from a ``LoadDriver``.

Shared by the in-memory control plane and the ``loadgen`` actor, so both answer the same shape.
The record's stats cover every outcome of the current (or last) plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aref.control.wire import (
    ClientStatsView,
    LoadPlanView,
    LoadRecordView,
    LoadView,
    OutcomeView,
)
from aref.errors import InvalidInputError
from aref.records import json_ready
from chaos.loadgen import ClientRecord, ClientStats
from chaos.loadgen_driver import LoadDriver

IN_MEMORY_TARGET = "in-memory shop"


def plan_view(record: Mapping[str, Any]) -> LoadPlanView:
    """A ``TrafficPlan`` record (``to_record``) without the runner-only ``warmup_s``."""
    return {
        "profile": str(json_ready(record["profile"])),
        "rate_per_s": float(record["rate_per_s"]),
        "duration_s": float(record["duration_s"]),
        "ramp_s": _optional(record.get("ramp_s")),
        "spike_rate_per_s": _optional(record.get("spike_rate_per_s")),
        "spike_at_s": _optional(record.get("spike_at_s")),
        "spike_s": _optional(record.get("spike_s")),
    }


def stats_view(stats: ClientStats) -> ClientStatsView:
    return {
        "requests": stats.requests,
        "errors": stats.errors,
        "error_rate": stats.error_rate,
        "latency_p50_ms": stats.latency_p50_ms,
        "latency_p99_ms": stats.latency_p99_ms,
        "by_status": dict(stats.by_status),
        "skipped": stats.skipped,
    }


def driver_view(driver: LoadDriver, target: str) -> LoadView:
    status = driver.status()
    plan = status["plan"]
    return {
        "running": bool(status["running"]),
        "target": target,
        "plan": None if plan is None else plan_view(plan),
        "started_at": status["started_at"],
        "stopped_at": status["stopped_at"],
        "sent": int(status["sent"]),
        "in_flight": int(status["in_flight"]),
        "stats": stats_view(driver.record().stats()),
    }


def idle_view(target: str) -> LoadView:
    """No load was ever started here."""
    return {
        "running": False,
        "target": target,
        "plan": None,
        "started_at": None,
        "stopped_at": None,
        "sent": 0,
        "in_flight": 0,
        "stats": stats_view(ClientRecord().stats()),
    }


def _optional(value: Any) -> float | None:
    return None if value is None else float(value)


def check_after(after: int) -> None:
    if after < 0:
        raise InvalidInputError("after", f"must be >= 0, got {after}")


def record_view(record: ClientRecord, after: int) -> LoadRecordView:
    """The outcomes of ``record`` (already read from position ``after`` on) as the API shows them."""
    outcomes: list[OutcomeView] = [
        {"at": o.at, "status": o.status, "latency_ms": o.latency_ms, "error": o.error} for o in record.outcomes
    ]
    return {"outcomes": outcomes, "next": after + len(outcomes), "skipped": record.skipped}
