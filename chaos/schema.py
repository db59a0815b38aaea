"""Experiment files: the YAML schema (pydantic, at the edge) and the frozen experiment model.

An experiment names a ``target`` service, one ``fault`` (within the chaos safety bounds; an
error fault may target one alternative of the target, ``provider: stripe-sim``),
the ``traffic`` the load generator drives, ``steady_state`` probes with tolerances, and a
``hypothesis``: a list of expectations whose kinds come from ``EXPECTATION_KINDS``. A broken
file raises ``InvalidInputError(field, reason, source=path)``, e.g. field ``fault.rate``.
``Experiment.scaled(f)`` shortens every duration by ``f`` (``--time-scale``) for tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aref.errors import InvalidInputError
from aref.topology import SERVICES
from chaos.faults import MAX_DURATION_S, MAX_RATE, FaultSpec, FaultType
from chaos.loadgen import MAX_DURATION_S as MAX_TRAFFIC_S
from chaos.loadgen import MAX_RATE_PER_S, Profile, TrafficPlan
from chaos.runner_expectations import EXPECTATION_KINDS, ExpectationKind

DEFAULT_SETTLE_S = 120.0  # observation after the fault ends, unless observe_s says otherwise


class ProbeMetric(StrEnum):
    ERROR_RATE = "error_rate"
    LATENCY_P50_MS = "latency_p50_ms"
    LATENCY_P99_MS = "latency_p99_ms"


class ProbeSource(StrEnum):
    CLIENT = "client"  # the load generator's own record over the last window_s
    SERVICE = "service"  # the API's latest telemetry of ``service``


@dataclass(frozen=True)
class Probe:
    name: str
    metric: ProbeMetric
    max: float
    source: ProbeSource = ProbeSource.CLIENT
    service: str = "gateway"
    window_s: float = 10.0


@dataclass(frozen=True)
class FaultPlan:
    type: FaultType
    rate: float
    duration_s: float
    delay_ms: float | None = None
    provider: str | None = None  # one alternative of the target (a payment provider), see chaos.faults

    def spec(self, target: str) -> FaultSpec:
        return FaultSpec.build(target, self.type.value, self.rate, self.duration_s, self.delay_ms, self.provider)


@dataclass(frozen=True)
class Expectation:
    kind: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Experiment:
    name: str
    description: str
    target: str
    fault: FaultPlan
    traffic: TrafficPlan
    steady_state: tuple[Probe, ...]
    hypothesis: tuple[Expectation, ...]
    observe_s: float  # from the injection until the last verdict
    source: str | None = None
    time_scale: float = 1.0

    def hypothesis_text(self, kinds: Mapping[str, ExpectationKind] = EXPECTATION_KINDS) -> str:
        """The hypothesis in words, e.g. for the API's experiment list."""
        return "; ".join(kinds[e.kind].describe(e.params) for e in self.hypothesis)

    def scaled(self, factor: float, kinds: Mapping[str, ExpectationKind] = EXPECTATION_KINDS) -> Experiment:
        """The same experiment with every duration multiplied by ``factor`` (0 < factor <= 1)."""
        if not 0.0 < factor <= 1.0:
            raise InvalidInputError("time_scale", f"must be > 0 and <= 1, got {factor:g}")
        hypothesis = tuple(
            Expectation(
                e.kind,
                {k: v * factor if k in kinds[e.kind].durations and v is not None else v for k, v in e.params.items()},
            )
            for e in self.hypothesis
        )
        return replace(
            self,
            fault=replace(self.fault, duration_s=self.fault.duration_s * factor),
            traffic=self.traffic.scaled(factor),
            steady_state=tuple(replace(p, window_s=p.window_s * factor) for p in self.steady_state),
            hypothesis=hypothesis,
            observe_s=self.observe_s * factor,
            time_scale=self.time_scale * factor,
        )


# -- the YAML schema -----------------------------------------------------------------------


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FaultIn(_In):
    type: FaultType
    rate: float = Field(gt=0, le=MAX_RATE)
    duration_s: float = Field(gt=0, le=MAX_DURATION_S)
    delay_ms: float | None = Field(None, ge=0)
    provider: str | None = Field(None, min_length=1)


class TrafficIn(_In):
    profile: Profile = Profile.STEADY
    rate_per_s: float = Field(gt=0, le=MAX_RATE_PER_S)
    duration_s: float = Field(gt=0, le=MAX_TRAFFIC_S)
    warmup_s: float = Field(10.0, ge=0)
    ramp_s: float | None = Field(None, gt=0)
    spike_rate_per_s: float | None = Field(None, gt=0, le=MAX_RATE_PER_S)
    spike_at_s: float | None = Field(None, ge=0)
    spike_s: float | None = Field(None, gt=0)


class ProbeIn(_In):
    name: str | None = None
    metric: ProbeMetric
    max: float = Field(ge=0)
    source: ProbeSource = ProbeSource.CLIENT
    service: str = "gateway"
    window_s: float = Field(10.0, gt=0)


class ExperimentIn(_In):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    description: str = Field(min_length=1)
    target: str
    fault: FaultIn
    traffic: TrafficIn
    steady_state: list[ProbeIn] = Field(min_length=1)
    hypothesis: list[Any] = Field(min_length=1)
    observe_s: float | None = Field(None, gt=0, le=MAX_TRAFFIC_S)


def _field(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "document"


def parse_experiment(
    data: Any, source: str | None = None, kinds: Mapping[str, ExpectationKind] = EXPECTATION_KINDS
) -> Experiment:
    """Validate one experiment document (already parsed from YAML)."""
    if not isinstance(data, Mapping):
        raise InvalidInputError("document", "an experiment file must be a mapping of fields", source=source)
    try:
        raw = ExperimentIn.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInputError(_field(first["loc"]), first["msg"], source=source) from None

    def refuse(field: str, reason: str) -> InvalidInputError:
        return InvalidInputError(field, reason, source=source)

    if raw.target not in SERVICES:
        raise refuse("target", f"unknown service {raw.target!r} (known: {', '.join(SERVICES)})")
    probes = []
    for i, p in enumerate(raw.steady_state):
        if p.service not in SERVICES:
            raise refuse(f"steady_state.{i}.service", f"unknown service {p.service!r}")
        name = p.name or f"{p.source.value} {p.metric.value}" + (
            f" of {p.service}" if p.source is ProbeSource.SERVICE else ""
        )
        probes.append(Probe(name, p.metric, p.max, p.source, p.service, p.window_s))
    observe_s = raw.observe_s if raw.observe_s is not None else raw.fault.duration_s + DEFAULT_SETTLE_S
    if observe_s < raw.fault.duration_s:
        raise refuse("observe_s", f"must be >= fault.duration_s ({raw.fault.duration_s:g} s)")
    after_check = max(p.window_s for p in probes)  # the steady state after the fault is judged over this much load
    needed = raw.traffic.warmup_s + observe_s + after_check
    if raw.traffic.duration_s < needed:
        raise refuse(
            "traffic.duration_s",
            f"must cover warmup_s + observe_s + the longest probe window = {needed:g} s, "
            f"got {raw.traffic.duration_s:g}",
        )
    try:
        traffic = TrafficPlan(**raw.traffic.model_dump())
    except InvalidInputError as exc:
        raise refuse(f"traffic.{exc.field}", exc.reason) from None
    hypothesis = tuple(_expectation(i, item, kinds, refuse) for i, item in enumerate(raw.hypothesis))
    fault = FaultPlan(raw.fault.type, raw.fault.rate, raw.fault.duration_s, raw.fault.delay_ms, raw.fault.provider)
    try:
        fault.spec(raw.target)
    except InvalidInputError as exc:
        raise refuse(f"fault.{'type' if exc.field == 'fault_type' else exc.field}", exc.reason) from None
    return Experiment(
        raw.name, raw.description.strip(), raw.target, fault, traffic, tuple(probes), hypothesis, observe_s, source
    )


def _expectation(
    i: int, item: Any, kinds: Mapping[str, ExpectationKind], refuse: Callable[[str, str], InvalidInputError]
) -> Expectation:
    where = f"hypothesis.{i}"
    if not isinstance(item, Mapping) or len(item) != 1:
        raise refuse(where, "each expectation is a mapping with one key, the kind (e.g. 'detected_within_s: 30')")
    name, value = next(iter(item.items()))
    kind = kinds.get(name)
    if kind is None:
        raise refuse(where, f"unknown expectation {name!r} (known: {', '.join(kinds)})")
    if value is False:
        raise refuse(f"{where}.{name}", "'false' expects nothing: remove the line")
    if value is True or value is None:
        value = {}
    elif not isinstance(value, Mapping):
        if kind.shorthand is None:
            raise refuse(f"{where}.{name}", "needs a mapping of parameters")
        value = {kind.shorthand: value}
    try:
        params = kind.params.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise refuse(f"{where}.{name}.{_field(first['loc'])}", first["msg"]) from None
    return Expectation(name, params.model_dump())


def load_experiment(path: str | Path, kinds: Mapping[str, ExpectationKind] = EXPECTATION_KINDS) -> Experiment:
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError("path", f"cannot read the file: {exc.strerror or exc}", source=source) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InvalidInputError(
            "yaml", f"not valid YAML{where}: {getattr(exc, 'problem', exc)}", source=source
        ) from None
    return parse_experiment(data, source, kinds)


def load_experiments(
    directory: str | Path, kinds: Mapping[str, ExpectationKind] = EXPECTATION_KINDS
) -> tuple[Experiment, ...]:
    """Every ``*.yaml``/``*.yml`` file of ``directory``, by file name; names must be unique."""
    folder = Path(directory)
    if not folder.is_dir():
        raise InvalidInputError("directory", "not a directory", source=str(folder))
    loaded: dict[str, Experiment] = {}
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        experiment = load_experiment(path, kinds)
        if experiment.name in loaded:
            other = loaded[experiment.name].source
            raise InvalidInputError(
                "name", f"duplicate experiment {experiment.name!r} (also in {other})", source=str(path)
            )
        loaded[experiment.name] = experiment
    return tuple(loaded.values())


EXPERIMENTS_DIR = Path(__file__).resolve().parent / "experiments"
