"""Applied beside desired: the control state each replica reported acting on, next to what the
pillars want now (absorption's tier, adaptation's flags and weights). A replica is in sync when
every part matches; it catches up within a tick or two of a change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aref.control.wire.controls import AppliedReplicaView, AppliedView, ControlState


def control_state(tier: str, control: Mapping[str, Any]) -> ControlState:
    return {
        "tier": tier,
        "control_version": int(control.get("version", control.get("control_version", 0))),
        "flags": dict(control.get("flags", {})),
        "traffic": dict(control.get("traffic", {})),
    }


def applied_view(
    reports: Sequence[Mapping[str, Any]], tiers: Mapping[str, str], controls: Mapping[str, Mapping[str, Any]]
) -> AppliedView:
    """``reports``: replicas' applied records; ``tiers`` and ``controls`` (adaptation's ``control_for``) by service."""
    replicas: list[AppliedReplicaView] = []
    for report in reports:
        service = str(report["service"])
        applied = control_state(str(report.get("tier", "full")), report)
        desired = control_state(tiers.get(service, "full"), controls.get(service, {}))
        replicas.append(
            {
                "service": service,
                "replica_id": str(report["replica_id"]),
                "applied": applied,
                "disabled_features": [str(f) for f in report.get("disabled_features", [])],
                "skipped": {str(k): int(v) for k, v in report.get("skipped", {}).items()},
                "desired": desired,
                "in_sync": applied == desired,
                "reported_at": float(report.get("at", 0.0)),
            }
        )
    return {"replicas": replicas}
