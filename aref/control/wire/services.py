"""Services with their health and real replicas, and the controls a human sets (scale, flags, traffic)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, with_config
from typing_extensions import TypedDict

from aref.control.wire.config import CLOSED


class TelemetryView(TypedDict):
    """A service's latest telemetry sample, merged over its replicas."""

    at: Annotated[float, Field(description="when the sample was taken (epoch seconds)")]
    requests: Annotated[int, Field(description="requests served in the sample")]
    errors: Annotated[int, Field(description="requests that failed")]
    error_rate: Annotated[float, Field(description="errors / requests, 0..1")]
    latency_p50_ms: Annotated[float, Field(description="median latency (ms)")]
    latency_p99_ms: Annotated[float, Field(description="99th percentile latency (ms)")]


@with_config(CLOSED)  # nested in the open AdaptationView
class ReplicaCounts(TypedDict):
    """A service's replicas: the ones really serving beside the ones asked for."""

    running: Annotated[int, Field(description="replicas really serving")]
    target: Annotated[int, Field(description="replicas asked for")]
    running_ids: Annotated[
        list[str],
        Field(description="the running replicas' ids, when the runtime names its replicas (Serve does); else empty"),
    ]


class ServiceView(TypedDict):
    """One service: its health (the worst of what is observed about it), replicas, alerts, faults, telemetry."""

    name: Annotated[str, Field(description="service name")]
    status: Annotated[
        str,
        Field(
            description="healthy | degraded | critical | down | unknown (nothing to judge: no request nor probe lately)"
        ),
    ]
    reasons: Annotated[list[str], Field(description="why it is not healthy (empty when healthy)")]
    replicas: Annotated[ReplicaCounts, Field(description="replicas running beside the target")]
    degradation_tier: Annotated[
        str | None, Field(description="full | reduced | minimal | emergency; None when not known")
    ]
    open_alerts: Annotated[int, Field(description="alerts open on the service")]
    active_faults: Annotated[list[str], Field(description="ids of the chaos faults active on it")]
    dependencies: Annotated[list[str], Field(description="services it calls")]
    dependents: Annotated[list[str], Field(description="services that call it")]
    telemetry: Annotated[TelemetryView | None, Field(description="the latest merged sample; None before the first")]
    version: Annotated[str, Field(description="the AREF version the service runs")]


class ServicesView(TypedDict):
    """Every service of the topology."""

    services: Annotated[list[ServiceView], Field(description="every service, in topology order")]


class ReplicaView(TypedDict):
    """A service's replicas after a scale request, with the bounds a request must respect."""

    service: Annotated[str, Field(description="service name")]
    running: Annotated[int, Field(description="replicas really serving")]
    target: Annotated[int, Field(description="replicas asked for")]
    min: Annotated[int, Field(description="the fewest replicas a scale request may ask for")]
    max: Annotated[int, Field(description="the most replicas a scale request may ask for")]


class FlagView(TypedDict):
    """A feature flag after a change."""

    name: Annotated[str, Field(description='"{service}.{kind}"')]
    service: Annotated[str, Field(description="the service the flag belongs to")]
    kind: Annotated[
        str,
        Field(
            description="the feature it switches: analytics and core_api on every service; the gateway also "
            "receipts; notifications also recommendations, search, experimental"
        ),
    ]
    enabled: Annotated[bool, Field(description="whether the feature is on")]
    critical: Annotated[bool, Field(description="a critical feature: adaptation never disables it, a human may")]
    effect: Annotated[str, Field(description="what switching it off does on the service's request path")]
    changed_by: Annotated[str | None, Field(description="human | auto; None while never changed")]
    changed_at: Annotated[float | None, Field(description="when it last changed; None while never changed")]
    reason: Annotated[str, Field(description="why it last changed")]


class TrafficView(TypedDict):
    """A service's traffic weights after a change."""

    service: Annotated[str, Field(description="service name")]
    weights: Annotated[dict[str, int], Field(description="route -> percent; the percents sum to 100")]
