"""The one place detector kinds are registered.

A new detector is a new module with a factory ``(settings, services) -> Detector``, listed here;
the engine never changes. Order matters only for the order signals are handled within a tick.
Threshold rules judge samples every ``threshold_check_interval``, anomaly streams every
``anomaly_check_interval`` (``aref.detection.cadence``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from aref.config import DetectionSettings
from aref.detection.cadence import Cadence
from aref.detection.detector import Detector
from aref.detection.isolation import isolation_monitor
from aref.detection.probes import ProbeDetector
from aref.detection.slo import SloDetector
from aref.detection.thresholds import ThresholdDetector
from aref.detection.zscore import zscore_monitor
from aref.errors import InvalidInputError

DetectorFactory = Callable[[DetectionSettings, Sequence[str]], Detector]


def threshold_detector(settings: DetectionSettings, services: Sequence[str]) -> Detector:
    return Cadence(ThresholdDetector.from_settings(settings, services), settings.threshold_check_interval)


def anomaly_detector(factory: DetectorFactory) -> DetectorFactory:
    def build(settings: DetectionSettings, services: Sequence[str]) -> Detector:
        return Cadence(factory(settings, services), settings.anomaly_check_interval)

    return build


DETECTOR_FACTORIES: Mapping[str, DetectorFactory] = {
    "threshold": threshold_detector,
    "zscore": anomaly_detector(zscore_monitor),
    "isolation_forest": anomaly_detector(isolation_monitor),
    "slo_burn": SloDetector.from_settings,
    "synthetic": ProbeDetector.from_settings,
}


def build_detectors(
    settings: DetectionSettings, services: Sequence[str], kinds: Sequence[str] | None = None
) -> list[Detector]:
    """Build the named detector kinds (all registered kinds by default)."""
    chosen = list(DETECTOR_FACTORIES) if kinds is None else list(kinds)
    unknown = [k for k in chosen if k not in DETECTOR_FACTORIES]
    if unknown:
        raise InvalidInputError("detectors", f"unknown kinds {unknown} (known: {', '.join(DETECTOR_FACTORIES)})")
    return [DETECTOR_FACTORIES[kind](settings, services) for kind in chosen]
