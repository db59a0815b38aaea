"""GET /api/aref/services and POST /api/aref/services/{service}/scale."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TelemetryOut(BaseModel):
    at: float
    requests: int
    errors: int
    error_rate: float
    latency_p50_ms: float
    latency_p99_ms: float


class ReplicaCountsOut(BaseModel):
    running: int
    target: int
    running_ids: list[str] = Field(
        default_factory=list, description="the running replicas' ids, when the runtime names them (Serve does)"
    )


class ServiceOut(BaseModel):
    name: str
    status: str = Field(description="healthy | degraded | critical | down")
    reasons: list[str]
    replicas: ReplicaCountsOut
    degradation_tier: str | None
    open_alerts: int
    active_faults: list[str]
    dependencies: list[str]
    dependents: list[str]
    telemetry: TelemetryOut | None
    version: str


class ServicesOut(BaseModel):
    services: list[ServiceOut]


class ScaleIn(BaseModel):
    replicas: int = Field(strict=True, description="the replica count to run")


class ReplicaOut(BaseModel):
    service: str
    running: int
    target: int
    min: int
    max: int
