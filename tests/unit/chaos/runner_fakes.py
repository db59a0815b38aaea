"""Fakes for the runner tests: a scripted AREF API (and run sink), a scripted load, and a small experiment."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from aref.testing import FakeClock
from chaos.faults import FaultSpec
from chaos.loadgen import ClientRecord, Outcome, TrafficPlan
from chaos.runner import ExperimentRunner, RunnerConfig
from chaos.runner_main import RunOptions, RunPorts
from chaos.runner_ports import Progress
from chaos.schema import Experiment, parse_experiment

T0 = 1000.0  # the run starts here; the warm-up ends and the fault is injected at T0 + 10
DETECTORS = ["threshold", "zscore", "isolation_forest", "slo_burn", "synthetic"]


def alert(id_: str, service: str, detector: str, fired_at: float, correlation_id: str = "COR-A") -> dict[str, Any]:
    return {"id": id_, "service": service, "detector": detector, "fired_at": fired_at, "correlation_id": correlation_id}


def event(
    id_: str, topic: str, at: float, payload: dict[str, Any], correlation_id: str | None = None
) -> dict[str, Any]:
    return {"id": id_, "topic": topic, "timestamp": at, "correlation_id": correlation_id, "payload": payload}


class FakeApi:
    """The AREF API as a script: a fact is visible once the fake clock has passed its time."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.budgets: list[dict[str, Any]] = [{"service": "payments", "slo": "payments-availability", "remaining": 0.9}]
        self.alert_list: list[dict[str, Any]] = []
        self.event_list: list[dict[str, Any]] = []
        self.breaker_map: dict[str, dict[str, Any]] = {}
        self.replicas: Callable[[float], int] = lambda now: 2
        self.injected: list[tuple[FaultSpec, str]] = []
        self.stopped: list[str] = []
        self.fail_alerts_with: Exception | None = None
        self.inject_extra: dict[str, Any] = {}
        self.saved: dict[str, dict[str, Any]] = {}
        self.fail_save_with: Exception | None = None
        self.flag_states: Callable[[float], dict[str, bool]] = lambda now: {}
        self.captures: Callable[[float], dict[str, int]] = lambda now: {}

    async def error_budgets(self) -> list[dict[str, Any]]:
        return list(self.budgets)

    async def detectors(self) -> list[str]:
        return list(DETECTORS)

    async def services(self) -> list[dict[str, Any]]:
        running = self.replicas(self.clock.now())
        return [{"name": "payments", "replicas": {"running": running, "target": 2}, "telemetry": None}]

    async def inject(self, spec: FaultSpec, experiment: str) -> dict[str, Any]:
        self.injected.append((spec, experiment))
        now = self.clock.now()
        return {
            "fault_id": "FLT-1",
            "started_at": now,
            "expires_at": now + spec.duration_s,
            "correlation_id": "COR-F",
            **self.inject_extra,
        }

    async def stop_fault(self, fault_id: str) -> None:
        self.stopped.append(fault_id)

    async def alerts(self) -> list[dict[str, Any]]:
        if self.fail_alerts_with is not None:
            raise self.fail_alerts_with
        return [a for a in self.alert_list if a["fired_at"] <= self.clock.now()]

    async def events(self, category: str) -> list[dict[str, Any]]:
        now = self.clock.now()
        return [e for e in self.event_list if e["topic"].startswith(category + ".") and e["timestamp"] <= now]

    async def breakers(self) -> dict[str, dict[str, Any]]:
        return dict(self.breaker_map)

    async def flags(self) -> dict[str, bool]:
        return self.flag_states(self.clock.now())

    async def captured(self, service: str) -> dict[str, int]:
        return self.captures(self.clock.now()) if service == "payments" else {}

    async def save_run(self, run_id: str, record: Mapping[str, Any]) -> None:
        """The run sink: keeps the record, or fails with ``fail_save_with``."""
        if self.fail_save_with is not None:
            raise self.fail_save_with
        self.saved[run_id] = dict(record)


class FakeLoad:
    """Sends every 0.5 s from T0; a request sent in a failing period gets a 503."""

    def __init__(self, clock: FakeClock, failing: Callable[[float], bool] = lambda at: False) -> None:
        self.clock = clock
        self.failing = failing
        self.started: list[TrafficPlan] = []
        self.started_at: list[float] = []
        self.stops = 0

    async def start(self, plan: TrafficPlan) -> None:
        self.started.append(plan)
        self.started_at.append(self.clock.now())

    async def stop(self) -> None:
        self.stops += 1

    async def record(self) -> ClientRecord:
        outcomes = []
        at = T0
        while at < self.clock.now():
            bad = self.failing(at)
            outcomes.append(Outcome(at, 503 if bad else 201, 120.0 if bad else 50.0))
            at += 0.5
        return ClientRecord(tuple(outcomes))


def experiment(hypothesis: list[Any] | None = None, **overrides: Any) -> Experiment:
    return parse_experiment(experiment_doc(hypothesis, **overrides), "test.yaml")


def experiment_file(directory: Path, hypothesis: list[Any] | None = None, **overrides: Any) -> Path:
    """The same experiment as a YAML file (for the command lines, which take names or paths)."""
    path = directory / "payment_test.yaml"
    path.write_text(yaml.safe_dump(experiment_doc(hypothesis, **overrides)), encoding="utf-8")
    return path


def experiment_doc(hypothesis: list[Any] | None = None, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "payment_test",
        "description": "payments fail",
        "target": "payments",
        "fault": {"type": "error", "rate": 0.8, "duration_s": 60},
        "traffic": {"rate_per_s": 2, "warmup_s": 10, "duration_s": 200},
        "steady_state": [{"name": "errors", "metric": "error_rate", "max": 0.05, "window_s": 10}],
        "hypothesis": hypothesis
        or [
            {"detected_within_s": 30},
            {"breaker_opens": {"edge": "gateway->payments", "within_s": 30}},
            {"error_rate_below": 0.5},
            {"recovered_within_s": {"within_s": 60, "since": "rollback"}},
            {"review_generated": True},
        ],
        "observe_s": 120,
        **overrides,
    }


def incident(api: FakeApi) -> None:
    """Injected at T0+10: alerts at +7 (threshold) and +12 (zscore), one false positive before."""
    api.alert_list = [
        alert("A0", "payments", "threshold", T0 + 5, "COR-OLD"),
        alert("A1", "payments", "threshold", T0 + 17),
        alert("A2", "payments", "zscore", T0 + 22),
        alert("A3", "gateway", "slo_burn", T0 + 15),
    ]
    api.event_list = [
        event("E1", "adaptation.strategy_executed", T0 + 18, {"service": "payments", "strategy": "shed"}, "COR-A"),
        event("E2", "absorption.circuit_breaker_opened", T0 + 20, {"breaker": "gateway->payments"}, "COR-A"),
        event("E3", "evolution.review_generated", T0 + 80, {"review_id": "REV-1"}, "COR-A"),
        event("E4", "evolution.review_generated", T0 + 40, {"review_id": "REV-0", "service": "orders"}, "COR-X"),
    ]


def errors_early(at: float) -> bool:
    return T0 + 10 <= at < T0 + 25  # 30 of the 120 requests sent during the fault fail


def build(
    clock: FakeClock,
    api: FakeApi,
    load: FakeLoad,
    *,
    interrupt_at: float | None = None,
    sink: Any = None,
    config: RunnerConfig | None = None,
    on_progress: Progress | None = None,
) -> ExperimentRunner:
    async def sleep(seconds: float) -> None:
        clock.advance(seconds)
        if interrupt_at is not None and clock.now() >= interrupt_at:
            raise KeyboardInterrupt

    config = config or RunnerConfig(grace_s=5, lag_s=0)
    return ExperimentRunner(api, clock, sleep, load, sink=sink, config=config, on_progress=on_progress)


@dataclass
class ScriptedPorts:
    """A ``connect`` (``chaos.runner_main.Connect``) handing out these fakes; the clock moves only
    when the runner sleeps, and ``interrupt`` (asked after each sleep) can stop the run."""

    clock: FakeClock = field(default_factory=lambda: FakeClock(T0))
    interrupt: Callable[[FakeApi], bool] = lambda api: False  # asked after each sleep
    options: list[RunOptions] = field(default_factory=list)
    closed: int = 0

    def __post_init__(self) -> None:
        self.api = FakeApi(self.clock)
        self.load = FakeLoad(self.clock, errors_early)

    def __call__(self, options: RunOptions) -> RunPorts:
        self.options.append(options)

        async def sleep(seconds: float) -> None:
            self.clock.advance(seconds)
            if self.interrupt(self.api):
                raise KeyboardInterrupt

        async def close() -> None:
            self.closed += 1

        return RunPorts(self.api, self.load, self.api if options.store else None, self.clock, sleep, close)
