"""What the detection pillar has in place, as measured: the inputs of its maturity criteria.

A capability counts only when it is there to see: a threshold rule, an SLO, an anomaly stream,
a burn-rate policy. A synthetic probe counts only once a probe result arrived (a probe target
that never reported measures nothing). Detectors are found by their registered names
(``aref.detection.registry``), whatever class implements them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

THRESHOLD = "threshold"
SYNTHETIC = "synthetic"
SLO_BURN = "slo_burn"
ANOMALY = ("zscore", "isolation_forest")


@dataclass(frozen=True)
class DetectionFacts:
    """The detection engine's measured facts; the defaults describe an engine with nothing in place."""

    has_threshold_rules: bool = False
    has_synthetic_probes: bool = False
    has_slos: bool = False
    has_anomaly_detection: bool = False
    has_burn_rate_alerts: bool = False
    alerts_per_action: float | None = None
    """Alerts fired per alert that led to an action, over the fatigue window; None before any action."""

    @classmethod
    def from_detectors(
        cls, detectors: Mapping[str, Mapping[str, Any]], *, alerts_per_action: float | None
    ) -> DetectionFacts:
        """The facts from each detector's own ``status()``, keyed by detector name."""
        slos = list(detectors.get(SLO_BURN, {}).get("slos", []))
        probes = detectors.get(SYNTHETIC, {}).get("targets", [])
        streams = [stream for name in ANOMALY for stream in detectors.get(name, {}).get("streams", [])]
        return cls(
            has_threshold_rules=bool(detectors.get(THRESHOLD, {}).get("rules")),
            has_synthetic_probes=any(t.get("last_at") is not None for t in probes),
            has_slos=bool(slos),
            has_anomaly_detection=bool(streams),
            has_burn_rate_alerts=any(s.get("burn_rates") for s in slos),
            alerts_per_action=alerts_per_action,
        )
