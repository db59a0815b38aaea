"""Detection pillar: notices that something is wrong.

Threshold rules with consecutive confirmation, z-score and Isolation Forest anomaly detection,
synthetic-probe evaluation and SLO burn-rate alerts feed one alert lifecycle (fire, dedup,
acknowledge, resolve) and alert-fatigue statistics; ``DetectionEngine`` is the facade.
"""

from aref.detection.alerts import Alert, AlertState, AlertTracker, FireOutcome
from aref.detection.detector import Detector, Signal
from aref.detection.engine import DetectionEngine
from aref.detection.probes import ProbeResult
from aref.detection.slo import SLO, BurnRatePolicy, SloTracker
from aref.detection.thresholds import Comparison, ThresholdRule

__all__ = [
    "SLO",
    "Alert",
    "AlertState",
    "AlertTracker",
    "BurnRatePolicy",
    "Comparison",
    "DetectionEngine",
    "Detector",
    "FireOutcome",
    "ProbeResult",
    "Signal",
    "SloTracker",
    "ThresholdRule",
]
