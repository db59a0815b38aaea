"""The HTTP models declare exactly the keys of the wire shapes they serve."""

from __future__ import annotations

from typing import get_type_hints

import pytest
from pydantic import BaseModel

from aref.control import wire
from aref.dashboard.schemas import alerts, chaos, controls, load, maturity, metrics, seed, services, status, timeline

PAIRS: list[tuple[type, type[BaseModel]]] = [
    (wire.StatusView, status.StatusOut),
    (wire.PillarScore, status.PillarScoreOut),
    (wire.AlertCounts, status.AlertCountsOut),
    (wire.ChaosSummary, status.ChaosSummaryOut),
    (wire.ServicesView, services.ServicesOut),
    (wire.ServiceView, services.ServiceOut),
    (wire.TelemetryView, services.TelemetryOut),
    (wire.ReplicaCounts, services.ReplicaCountsOut),
    (wire.ReplicaView, services.ReplicaOut),
    (wire.AlertView, alerts.AlertOut),
    (wire.AlertsView, alerts.AlertsOut),
    (wire.EventView, timeline.EventOut),
    (wire.TimelineSummary, timeline.TimelineSummaryOut),
    (wire.TimelineView, timeline.TimelineOut),
    (wire.FlagView, controls.FlagOut),
    (wire.TrafficView, controls.TrafficOut),
    (wire.MaturityView, maturity.MaturityOut),
    (wire.TimeToMetric, metrics.TimeToMetricOut),
    (wire.ServiceAvailability, metrics.ServiceAvailabilityOut),
    (wire.AvailabilityView, metrics.AvailabilityOut),
    (wire.ErrorBudgetView, metrics.ErrorBudgetOut),
    (wire.MetricsView, metrics.MetricsOut),
    (wire.FaultView, chaos.FaultOut),
    (wire.ExperimentView, chaos.ExperimentOut),
    (wire.ExperimentsView, chaos.ExperimentsOut),
    (wire.ChaosStatusView, chaos.ChaosStatusOut),
    (wire.ChaosStopView, chaos.ChaosStopOut),
    (wire.SeededView, seed.SeededOut),
    (wire.LoadPlanView, load.LoadPlanOut),
    (wire.ClientStatsView, load.ClientStatsOut),
    (wire.LoadView, load.LoadOut),
    (wire.OutcomeView, load.OutcomeOut),
    (wire.LoadRecordView, load.LoadRecordOut),
]


@pytest.mark.parametrize(("shape", "model"), PAIRS, ids=[m.__name__ for _, m in PAIRS])
def test_model_fields_equal_the_wire_keys(shape: type, model: type[BaseModel]) -> None:
    assert list(model.model_fields) == list(get_type_hints(shape))


def test_every_wire_shape_has_a_model() -> None:
    shapes = {name for name, value in vars(wire).items() if isinstance(value, type) and hasattr(value, "__total__")}
    assert shapes == {shape.__name__ for shape, _ in PAIRS}


def test_the_chaos_start_request_splits_into_a_fault() -> None:
    request = chaos.ChaosStartIn(service="orders", fault_type="error", rate=0.5, duration_s=10)
    assert request.fault() == {
        "service": "orders",
        "fault_type": "error",
        "rate": 0.5,
        "duration_s": 10,
        "delay_ms": None,
        "label": None,
    }


def test_the_load_start_request_is_a_traffic_plan_without_warmup() -> None:
    request = load.LoadStartIn(profile="spike", rate_per_s=2, duration_s=30, spike_at_s=5)
    plan = request.plan()
    assert (plan.profile, plan.rate_per_s, plan.duration_s, plan.warmup_s, plan.spike_at_s) == ("spike", 2, 30, 0, 5)
    assert (plan.ramp_s, plan.spike_rate_per_s, plan.spike_s) == (None, None, None)
    assert "warmup_s" not in load.LoadStartIn.model_fields
