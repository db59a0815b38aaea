"""GET /api/aref/{detection,absorption,adaptation,recovery,evolution}: engine status views.

Each declares the keys the API guarantees; everything else the engine reports passes through.
"""

from __future__ import annotations

from typing import Any

from aref.dashboard.schemas.common import OpenView
from aref.dashboard.schemas.services import ReplicaCountsOut


class DetectionOut(OpenView):
    services: list[str]
    detectors: dict[str, Any]
    active_alerts: list[dict[str, Any]]
    recent_resolved: list[dict[str, Any]]
    alert_counts: dict[str, Any]
    fatigue: dict[str, Any]


class AbsorptionOut(OpenView):
    version: int
    breakers: dict[str, dict[str, Any]]
    bulkheads: dict[str, dict[str, Any]]
    rate_limiters: dict[str, dict[str, Any]]
    blast_radius: dict[str, Any]
    degradation: dict[str, dict[str, Any]]


class AdaptationOut(OpenView):
    version: int
    flags: dict[str, dict[str, Any]]
    traffic: dict[str, dict[str, int]]
    scaling: dict[str, dict[str, Any]]
    replicas: dict[str, ReplicaCountsOut]
    adaptations: list[dict[str, Any]]
    windows: dict[str, Any]


class RecoveryOut(OpenView):
    active: list[dict[str, Any]]
    total_active: int
    total_recovered: int
    runbooks: list[dict[str, Any]]


class EvolutionOut(OpenView):
    reviews: dict[str, Any]
    actions: dict[str, Any]
    knowledge_base: dict[str, Any]
    improvement_velocity: dict[str, Any]
    recurrence: dict[str, Any]
    patterns: list[dict[str, Any]]
