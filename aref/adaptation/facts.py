"""What the adaptation pillar has in place and did, as measured: the inputs of its maturity criteria.

Adaptation latency is measured only for adaptations that answered a known alert, from the time
that alert fired; an adaptation logged before its alert fired is not a latency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from statistics import fmean


@dataclass(frozen=True)
class AdaptationFacts:
    """The adaptation engine's measured facts; the defaults describe an engine with nothing in place."""

    feature_flags: int = 0
    has_traffic_shifting: bool = False
    automated_scaling: bool = False
    decisions: int = 0
    escalations: int = 0
    adaptations: tuple[tuple[str, float], ...] = ()
    """``(alert_id, at)`` of each recent logged adaptation that answered an alert, oldest first."""

    def latency_seconds(self, fired_at: Mapping[str, float]) -> float | None:
        """Mean seconds from an alert firing (``fired_at`` by alert id) to the adaptations answering it."""
        latencies = [
            at - fired_at[alert_id]
            for alert_id, at in self.adaptations
            if alert_id in fired_at and at >= fired_at[alert_id]
        ]
        return fmean(latencies) if latencies else None
