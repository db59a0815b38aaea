"""Alerts with their lifecycle, and the event timeline."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from typing_extensions import TypedDict

from aref.control.wire.status import AlertCounts


class AlertView(TypedDict):
    """One alert with its lifecycle state (one open alert at most per fingerprint)."""

    id: Annotated[str, Field(description="alert id")]
    fingerprint: Annotated[str, Field(description="what the alert is about: detector, service and metric")]
    service: Annotated[str, Field(description="the service alerted on")]
    metric: Annotated[str, Field(description="the metric alerted on")]
    detector: Annotated[str, Field(description="the detector that fired it")]
    detection_class: Annotated[
        str,
        Field(
            description="threshold | anomaly | synthetic | slo_burn | change_correlation | human_observation"
            " | predictive"
        ),
    ]
    severity: Annotated[str, Field(description="info | warning | critical | emergency (the worst seen)")]
    state: Annotated[str, Field(description="firing | acknowledged | resolved")]
    value: Annotated[float | None, Field(description="the metric's latest value; None when not finite")]
    threshold: Annotated[float | None, Field(description="the bound it crossed; None when not finite")]
    onset_at: Annotated[float, Field(description="when the problem began (epoch seconds)")]
    onset_witness: Annotated[
        str,
        Field(
            description="who saw onset_at: clients (the first bad order the load generator saw), probes (the "
            "first failed probe), or breaching_sample (the detector's first breaching sample)"
        ),
    ]
    fired_at: Annotated[float, Field(description="when the alert fired")]
    last_seen: Annotated[float, Field(description="when the condition was last seen")]
    correlation_id: Annotated[str, Field(description="the incident the alert belongs to")]
    count: Annotated[int, Field(description="firing signals folded into the alert")]
    acked_at: Annotated[float | None, Field(description="when it was acknowledged; None if never")]
    resolved_at: Annotated[float | None, Field(description="when it was resolved; None while open")]
    actioned_at: Annotated[float | None, Field(description="when an adaptation strategy answered it; None if none did")]
    resolution: Annotated[
        str | None,
        Field(
            description="why it resolved: condition_cleared, no_data (its service sent nothing to judge) or manual; "
            "None while open"
        ),
    ]


class AlertsView(TypedDict):
    """Open and recently resolved alerts, with the open ones counted."""

    active: Annotated[list[AlertView], Field(description="open alerts (firing or acknowledged)")]
    recent_resolved: Annotated[list[AlertView], Field(description="recently resolved alerts, newest first")]
    counts: Annotated[AlertCounts, Field(description="the open alerts, counted")]


class EventView(TypedDict):
    """One event of the timeline."""

    id: Annotated[str, Field(description="event id")]
    topic: Annotated[str, Field(description='"{category}.{type}"')]
    category: Annotated[
        str, Field(description="detection | absorption | adaptation | recovery | evolution | chaos | system")
    ]
    type: Annotated[str, Field(description="what happened, within the category")]
    severity: Annotated[str, Field(description="info | warning | critical | emergency")]
    source: Annotated[str, Field(description="who emitted it")]
    timestamp: Annotated[float, Field(description="when it happened (epoch seconds)")]
    correlation_id: Annotated[str | None, Field(description="the incident it belongs to, if any")]
    payload: Annotated[dict[str, Any], Field(description="the event's own data")]


class TimelineSummary(TypedDict):
    """The matched events, counted."""

    by_category: Annotated[dict[str, int], Field(description="category -> matched events")]
    by_severity: Annotated[dict[str, int], Field(description="severity -> matched events")]
    by_source: Annotated[dict[str, int], Field(description="source -> matched events")]


class TimelineView(TypedDict):
    """Timeline events matching a filter, newest first, with a summary over all of them."""

    events: Annotated[list[EventView], Field(description="newest first, at most 'limit'")]
    matched: Annotated[int, Field(description="events matching the filter before the limit")]
    retained: Annotated[int, Field(description="events the log holds")]
    summary: Annotated[TimelineSummary, Field(description="counts over the matched events")]
