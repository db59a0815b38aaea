"""The control plane's answers: JSON-ready shapes as TypedDicts, the one definition of each API shape.

Plain data only: dicts, lists, str, int, float (always finite), bool and None
(``aref.records.json_ready`` turns engine output into that form).

The HTTP API serves these TypedDicts as they are (its routes' response models): every field
carries its description (``Annotated[T, Field(description=...)]``) and every TypedDict's
docstring describes its shape, both shown in the OpenAPI document. A TypedDict is closed (keys
it does not declare are dropped from a response) unless it is configured ``extra="allow"``:
the pillar views (``DetectionView`` .. ``EvolutionView``) guarantee their declared keys and pass
every other key the engine reports through. Pydantic propagates a TypedDict's config to nested
TypedDicts without their own, so one nested inside an open view declares ``extra="ignore"``.
TypedDict is typing_extensions' (pydantic needs it on Python < 3.12). One module per resource;
every shape is importable from here.
"""

from __future__ import annotations

from aref.control.wire.alerts import (
    AlertsView,
    AlertView,
    EventView,
    TimelineSummary,
    TimelineView,
)
from aref.control.wire.chaos import (
    ChaosStatusView,
    ChaosStopView,
    ExperimentsView,
    ExperimentView,
    FaultView,
    RunSavedView,
    RunsView,
    SeededView,
)
from aref.control.wire.controls import AppliedReplicaView, AppliedView, ControlState, TierView
from aref.control.wire.load import (
    ClientStatsView,
    LoadPlanView,
    LoadRecordView,
    LoadView,
    OutcomeView,
)
from aref.control.wire.pillars import (
    AbsorptionView,
    AdaptationView,
    DetectionView,
    EvolutionView,
    RecoveryRunView,
    RecoveryView,
)
from aref.control.wire.scores import (
    AvailabilityView,
    CriterionView,
    ErrorBudgetView,
    EvidenceView,
    MaturityView,
    MetricsView,
    PillarMaturityView,
    ServiceAvailability,
    TimeToMetric,
)
from aref.control.wire.services import (
    FlagView,
    ReplicaCounts,
    ReplicaView,
    ServicesView,
    ServiceView,
    TelemetryView,
    TrafficView,
)
from aref.control.wire.status import (
    AlertCounts,
    ChaosSummary,
    PillarScore,
    StatusView,
)

__all__ = [
    "AbsorptionView",
    "AdaptationView",
    "AlertCounts",
    "AlertView",
    "AlertsView",
    "AppliedReplicaView",
    "AppliedView",
    "AvailabilityView",
    "ChaosStatusView",
    "ChaosStopView",
    "ChaosSummary",
    "ClientStatsView",
    "ControlState",
    "CriterionView",
    "DetectionView",
    "ErrorBudgetView",
    "EventView",
    "EvidenceView",
    "EvolutionView",
    "ExperimentView",
    "ExperimentsView",
    "FaultView",
    "FlagView",
    "LoadPlanView",
    "LoadRecordView",
    "LoadView",
    "MaturityView",
    "MetricsView",
    "OutcomeView",
    "PillarMaturityView",
    "PillarScore",
    "RecoveryRunView",
    "RecoveryView",
    "ReplicaCounts",
    "ReplicaView",
    "RunSavedView",
    "RunsView",
    "SeededView",
    "ServiceAvailability",
    "ServiceView",
    "ServicesView",
    "StatusView",
    "TelemetryView",
    "TierView",
    "TimeToMetric",
    "TimelineSummary",
    "TimelineView",
    "TrafficView",
]
