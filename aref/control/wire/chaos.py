"""Faults, experiments, run records and demo history."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from typing_extensions import TypedDict


class FaultView(TypedDict):
    """One chaos fault, active or rolled back."""

    fault_id: Annotated[str, Field(description="fault id")]
    service: Annotated[str, Field(description="the service it hits")]
    fault_type: Annotated[str, Field(description="latency | error | timeout | crash")]
    provider: Annotated[str | None, Field(description="the one alternative it hits (a payment provider); None: all")]
    rate: Annotated[float, Field(description="share of requests hit, at most 0.9")]
    delay_ms: Annotated[float, Field(description="latency/timeout delay (ms)")]
    duration_s: Annotated[float, Field(description="how long it lasts (seconds)")]
    started_at: Annotated[float, Field(description="when it was injected (epoch seconds)")]
    expires_at: Annotated[float, Field(description="when it rolls back by itself")]
    remaining_s: Annotated[float, Field(description="seconds left while active; 0 once rolled back")]
    state: Annotated[str, Field(description="active | rolled_back")]
    ended_at: Annotated[float | None, Field(description="when it was rolled back; None while active")]
    end_reason: Annotated[str | None, Field(description="why it was rolled back; None while active")]
    experiment: Annotated[str | None, Field(description="the experiment it belongs to; None for an unlabelled fault")]
    correlation_id: Annotated[str | None, Field(description="correlates its effects in the timeline")]
    replicas_killed: Annotated[
        list[str], Field(description="crash faults: the Serve replicas killed when it was injected")
    ]


class ExperimentView(TypedDict):
    """A registered chaos experiment and its fault."""

    name: Annotated[str, Field(description="experiment name")]
    description: Annotated[str, Field(description="what it does")]
    hypothesis: Annotated[str, Field(description="what the system is expected to do")]
    service: Annotated[str, Field(description="the service its fault hits")]
    fault_type: Annotated[str, Field(description="latency | error | timeout | crash")]
    rate: Annotated[float, Field(description="share of requests hit, at most 0.9")]
    duration_s: Annotated[float, Field(description="how long the fault lasts (seconds)")]
    delay_ms: Annotated[float, Field(description="latency/timeout delay (ms)")]
    running: Annotated[bool, Field(description="whether a fault of it is active now")]


class ExperimentsView(TypedDict):
    """The registered chaos experiments."""

    experiments: Annotated[list[ExperimentView], Field(description="every registered experiment, by name")]


class ChaosStatusView(TypedDict):
    """The fault board: active faults and recently rolled back ones."""

    version: Annotated[int, Field(description="fault board version")]
    active: Annotated[list[FaultView], Field(description="faults active now")]
    recent: Annotated[list[FaultView], Field(description="faults rolled back, newest first")]


class ChaosStopView(TypedDict):
    """What a stop rolled back."""

    stopped: Annotated[list[FaultView], Field(description="the faults rolled back")]


class RunSavedView(TypedDict):
    """The key of a run record just kept."""

    id: Annotated[str, Field(description="the run record's id")]


class RunsView(TypedDict):
    """Experiment run records, as the runner posted them."""

    runs: Annotated[list[dict[str, Any]], Field(description="run records (the runner's RunRecord JSON), newest first")]


class SeededView(TypedDict):
    """What one ``POST /seed`` added (demo history, never measured)."""

    incidents: Annotated[int, Field(description="past, resolved demo incidents added")]
    reviews: Annotated[int, Field(description="post-incident reviews the evolution engine wrote for them")]
    action_items: Annotated[int, Field(description="action items those reviews created")]
    events: Annotated[int, Field(description="history events replayed into the evolution engine")]
