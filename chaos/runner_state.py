"""The mutable state of one run while it lasts, and the frozen record made from it (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aref.events import new_id
from chaos.loadgen import ClientRecord
from chaos.runner_expectations import ExpectationKind, Status, Verdict
from chaos.runner_observation import (
    ControlSample,
    Observation,
    ReplicaSample,
    SeenAlert,
    SeenEvent,
    SteadySample,
    alerts_per_detector,
    detector_truths,
)
from chaos.runner_ports import RunnerConfig
from chaos.runner_record import ExpectationResult, GroundTruth, RunRecord, SteadyStateCheck
from chaos.schema import Experiment


@dataclass
class RunState:
    """Everything gathered so far; owned by one ``ExperimentRunner.run`` call."""

    experiment: Experiment
    started_at: float
    fault_id: str | None = None
    correlation_id: str | None = None
    injected_at: float | None = None
    fault_end: float = 0.0
    rolled_back_at: float | None = None
    rollback_error: str | None = None
    replicas_before: int | None = None
    replicas_killed: tuple[str, ...] = ()
    alerts: dict[str, SeenAlert] = field(default_factory=dict)
    events: dict[str, SeenEvent] = field(default_factory=dict)
    breakers: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    steady: list[SteadySample] = field(default_factory=list)
    replicas: list[ReplicaSample] = field(default_factory=list)
    controls: list[ControlSample] = field(default_factory=list)
    client: ClientRecord = field(default_factory=ClientRecord)
    poll_errors: int = 0

    def restored_after_rollback(self) -> bool:
        """The latest steady-state sample was taken after the rollback and holds."""
        if self.rolled_back_at is None or not self.steady:
            return False
        latest = self.steady[-1]
        return latest.ok and latest.at >= self.rolled_back_at

    def observation(self, now: float, config: RunnerConfig) -> Observation:
        if self.injected_at is None:
            raise RuntimeError("nothing to observe before the injection")
        return Observation(
            target=self.experiment.target,
            started_at=self.started_at,
            injected_at=self.injected_at,
            fault_end=self.fault_end,
            now=now,
            rolled_back_at=self.rolled_back_at,
            alerts=tuple(self.alerts.values()),
            events=tuple(self.events.values()),
            breakers=self.breakers,
            steady=tuple(self.steady),
            client=self.client,
            replicas_before=self.replicas_before,
            replicas=tuple(self.replicas),
            replicas_killed=self.replicas_killed,
            controls=tuple(self.controls),
            grace_s=config.grace_s,
            lag_s=config.lag_s,
        )


def judge(experiment: Experiment, kinds: Mapping[str, ExpectationKind], obs: Observation) -> list[Verdict]:
    """One verdict per expectation, in hypothesis order."""
    return [kinds[e.kind].evaluate(e.params, obs) for e in experiment.hypothesis]


def build_record(
    state: RunState,
    obs: Observation,
    kinds: Mapping[str, ExpectationKind],
    *,
    before: SteadyStateCheck,
    after: SteadyStateCheck | None,
    detectors: Sequence[str],
    budget: tuple[float | None, float | None],
    forced: bool,
) -> RunRecord:
    """The final record; an expectation still pending fails with what it was waiting for."""
    experiment = state.experiment
    results = []
    for expectation, verdict in zip(experiment.hypothesis, judge(experiment, kinds, obs), strict=True):
        detail = verdict.detail
        if verdict.status is Status.PENDING:
            detail = f"not settled after {obs.now - obs.injected_at:.1f} s of observation: {detail}"
        results.append(
            ExpectationResult(
                kind=expectation.kind,
                expected=kinds[expectation.kind].describe(expectation.params),
                params=dict(expectation.params),
                measured=verdict.measured,
                passed=verdict.status is Status.PASSED,
                detail=detail,
            )
        )
    first = obs.first_detection()
    mitigation = obs.first_mitigation()
    restored, note = obs.recovery()
    fault_end = obs.fault_ended_at if obs.fault_ended_at is not None else obs.now
    return RunRecord(
        id=new_id("RUN"),
        experiment=experiment.name,
        target=experiment.target,
        fault=experiment.fault.spec(experiment.target),
        time_scale=experiment.time_scale,
        forced=forced,
        started_at=state.started_at,
        injected_at=obs.injected_at,
        rolled_back_at=state.rolled_back_at,
        ended_at=obs.now,
        fault_window=(obs.injected_at, obs.window_end),
        fault_id=state.fault_id,
        correlation_id=state.correlation_id,
        incident_correlation_id=None if first is None else first.correlation_id,
        mttd_s=None if first is None else first.fired_at - obs.injected_at,
        time_to_mitigate_s=None if mitigation is None else mitigation.timestamp - obs.injected_at,
        mitigation=None if mitigation is None else mitigation.topic,
        mttr_s=None if restored is None else restored - obs.injected_at,
        recovery_note=note,
        expectations=tuple(results),
        steady_state_before=before,
        steady_state_after=after,
        alerts_per_detector=alerts_per_detector(obs),
        ground_truth=GroundTruth(
            client=state.client.stats(),
            during_fault=state.client.window(obs.injected_at, fault_end).stats(),
            detectors=detector_truths(obs, detectors),
        ),
        error_budget_remaining=budget[0],
        error_budget_with_experiments=budget[1],
        poll_errors=state.poll_errors,
        rollback_error=state.rollback_error,
    )
