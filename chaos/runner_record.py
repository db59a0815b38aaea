"""The run record: what one experiment run measured, and its steady-state checks (pure).

A ``RunRecord`` is frozen and self-contained: the scaled fault, the timestamps (injection,
rollback), MTTD / time to mitigate / MTTR, one result per expectation (measured value, pass or
fail, and why), the steady state before and after, alerts per detector, and the ground truth
from the load generator's own record. It round-trips through ``to_dict``/``from_dict``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aref.records import from_record, to_record
from chaos.faults import FaultSpec
from chaos.loadgen import ClientRecord, ClientStats
from chaos.runner_observation import DetectorTruth
from chaos.schema import Probe, ProbeMetric, ProbeSource

COLLECTION = "experiment_runs"  # aref.store.Collection.EXPERIMENT_RUNS
STALE_AFTER_S = 10.0


@dataclass(frozen=True)
class ProbeResult:
    name: str
    metric: str
    source: str
    service: str
    max: float
    value: float | None  # None: nothing to measure (no requests, no telemetry)
    ok: bool


@dataclass(frozen=True)
class SteadyStateCheck:
    at: float
    ok: bool
    probes: tuple[ProbeResult, ...] = ()

    @property
    def without_data(self) -> bool:
        """Some probe had nothing to measure (no answered order, no telemetry) in its window."""
        return any(p.value is None for p in self.probes)

    def summary(self) -> str:
        def one(p: ProbeResult) -> str:
            value = "no data" if p.value is None else f"{p.value:g}"
            return f"{p.name} = {value} (max {p.max:g}){'' if p.ok else ' VIOLATED'}"

        return "; ".join(one(p) for p in self.probes)


def _value(probe: Probe, client: ClientRecord, services: Mapping[str, Mapping[str, Any]], now: float) -> float | None:
    if probe.source is ProbeSource.CLIENT:
        stats = client.window(now - probe.window_s, now).stats()
        values = {
            ProbeMetric.ERROR_RATE: stats.error_rate,
            ProbeMetric.LATENCY_P50_MS: stats.latency_p50_ms,
            ProbeMetric.LATENCY_P99_MS: stats.latency_p99_ms,
        }
        return values[probe.metric]
    telemetry = (services.get(probe.service) or {}).get("telemetry")
    if not telemetry or not telemetry.get("requests"):
        return None
    if now - float(telemetry.get("at", now)) > max(probe.window_s, STALE_AFTER_S):
        return None  # a service that stopped reporting vouches for nothing
    value = telemetry.get(probe.metric.value)
    return float(value) if isinstance(value, (int, float)) else None


def check_steady_state(
    probes: Sequence[Probe], client: ClientRecord, services: Mapping[str, Mapping[str, Any]], now: float
) -> SteadyStateCheck:
    """Judge every probe now; a probe with nothing to measure fails (it cannot vouch for anything)."""
    results = []
    for probe in probes:
        value = _value(probe, client, services, now)
        ok = value is not None and value <= probe.max
        results.append(
            ProbeResult(probe.name, probe.metric.value, probe.source.value, probe.service, probe.max, value, ok)
        )
    return SteadyStateCheck(now, all(r.ok for r in results), tuple(results))


@dataclass(frozen=True)
class ExpectationResult:
    kind: str
    expected: str  # the expectation in words
    params: dict[str, Any]
    measured: float | None
    passed: bool
    detail: str  # the numbers behind the verdict, or why it could not be measured


@dataclass(frozen=True)
class GroundTruth:
    client: ClientStats  # every request of the run
    during_fault: ClientStats  # requests sent while the fault acted
    detectors: tuple[DetectorTruth, ...]


@dataclass(frozen=True)
class RunRecord:
    id: str
    experiment: str
    target: str
    fault: FaultSpec
    time_scale: float
    forced: bool
    started_at: float
    injected_at: float
    rolled_back_at: float | None
    ended_at: float
    fault_window: tuple[float, float]  # injection .. end of the fault + grace: inside = true positive
    fault_id: str | None
    correlation_id: str | None  # the fault's: its injection and rollback
    incident_correlation_id: str | None  # the first alert's on the target: the incident's whole chain
    mttd_s: float | None  # injection -> first alert on the target
    time_to_mitigate_s: float | None  # injection -> first absorption/adaptation event about it
    mitigation: str | None  # that event's topic
    mttr_s: float | None  # injection -> steady state restored
    recovery_note: str
    expectations: tuple[ExpectationResult, ...]
    steady_state_before: SteadyStateCheck
    steady_state_after: SteadyStateCheck | None
    alerts_per_detector: dict[str, int]
    ground_truth: GroundTruth
    error_budget_remaining: float | None  # the target's lowest remaining budget outside experiments (the gate's)
    poll_errors: int = 0
    rollback_error: str | None = None
    error_budget_with_experiments: float | None = None  # the same SLO's budget with earlier experiments' burn
    storage_error: str | None = field(default=None, compare=False)

    @property
    def passed(self) -> bool:
        return all(e.passed for e in self.expectations)

    @property
    def failures(self) -> tuple[ExpectationResult, ...]:
        return tuple(e for e in self.expectations if not e.passed)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = to_record(self)
        data["passed"] = self.passed
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunRecord:
        return from_record(cls, data)
