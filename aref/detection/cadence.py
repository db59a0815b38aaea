"""The cadence at which a detector judges health samples.

``Cadence`` wraps a detector and holds each service's health samples until its evaluation is
due: the first sample of a service is judged at once; later ones when ``interval`` seconds have
passed since that service's last evaluation, either as a sample arrives or on the engine's tick.
Then every held sample is handed to the detector in arrival order, so none is lost: streaks
count every sample and anomaly models learn from every one. With an interval no longer than the
sample spacing (one telemetry tick) every sample is judged as it arrives, exactly as unwrapped.

Ticks jitter, so a sample a little early still counts as on time: by up to ``SLACK`` of the
interval, and never more than ``MAX_SLACK_SECONDS`` (a 10 s interval over 1 s ticks stays 10 s).
Observations other than health samples (probe results) pass straight through. What a wrapped
detector has in place is read from the detector itself (``unwrapped``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aref.detection.detector import Detector, Signal
from aref.errors import InvalidInputError
from aref.models import HealthSample

SLACK = 0.1
MAX_SLACK_SECONDS = 0.1


class Cadence:
    def __init__(self, detector: Detector, interval: float) -> None:
        if interval <= 0:
            raise InvalidInputError("interval", "must be > 0")
        self.detector = detector
        self.interval = interval
        self._slack = min(SLACK * interval, MAX_SLACK_SECONDS)
        self._pending: dict[str, list[HealthSample]] = {}
        self._last: dict[str, float] = {}
        self.evaluations = 0

    @property
    def name(self) -> str:
        return self.detector.name

    def observe(self, observation: object) -> Sequence[Signal]:
        if not isinstance(observation, HealthSample):
            return self.detector.observe(observation)
        self._pending.setdefault(observation.service, []).append(observation)
        return self._judge(observation.service, observation.at)

    def evaluate(self, now: float) -> Sequence[Signal]:
        held = [signal for service in list(self._pending) for signal in self._judge(service, now)]
        return [*held, *self.detector.evaluate(now)]

    def due(self, service: str, now: float) -> bool:
        last = self._last.get(service)
        return last is None or now - last >= self.interval - self._slack

    def _judge(self, service: str, now: float) -> list[Signal]:
        if not self._pending.get(service) or not self.due(service, now):
            return []
        samples = self._pending.pop(service)
        self._last[service] = now
        self.evaluations += 1
        return [signal for sample in samples for signal in self.detector.observe(sample)]

    def status(self) -> dict[str, Any]:
        return {
            **self.detector.status(),
            "check_interval": self.interval,
            "pending_samples": sum(len(samples) for samples in self._pending.values()),
        }


def unwrapped(detector: Detector) -> Detector:
    """The detector a ``Cadence`` paces (through any nesting); any other detector is itself."""
    while isinstance(detector, Cadence):
        detector = detector.detector
    return detector
