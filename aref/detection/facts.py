"""What the detection pillar has in place, as measured: the inputs of its maturity criteria.

A capability counts only when it is there to see: a threshold rule, an SLO, an anomaly stream,
a burn-rate policy. A synthetic probe counts only once a probe result arrived (a probe target
that never reported measures nothing). Detectors are found by their type, through a ``Cadence``
that paces them, and each is asked through its own typed accessors, never through its status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aref.detection import slo
from aref.detection.anomaly import AnomalyMonitor
from aref.detection.cadence import unwrapped
from aref.detection.detector import Detector
from aref.detection.probes import ProbeDetector
from aref.detection.slo import SloDetector
from aref.detection.thresholds import ThresholdDetector

SLO_BURN = slo.DETECTOR
"""The SLO detector's name, under which the engine's ``status()`` lists the SLOs."""


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


def measured_facts(detectors: Iterable[Detector], *, alerts_per_action: float | None) -> DetectionFacts:
    """The facts of these detectors (each read through any ``Cadence`` wrapping it)."""
    found = [unwrapped(d) for d in detectors]
    thresholds = [d for d in found if isinstance(d, ThresholdDetector)]
    probes = [d for d in found if isinstance(d, ProbeDetector)]
    slos = [d for d in found if isinstance(d, SloDetector)]
    anomaly = [d for d in found if isinstance(d, AnomalyMonitor)]
    return DetectionFacts(
        has_threshold_rules=any(d.has_rules for d in thresholds),
        has_synthetic_probes=any(d.has_reported for d in probes),
        has_slos=any(d.slo_count > 0 for d in slos),
        has_anomaly_detection=any(d.stream_count > 0 for d in anomaly),
        has_burn_rate_alerts=any(d.has_burn_rate_policies for d in slos),
        alerts_per_action=alerts_per_action,
    )
