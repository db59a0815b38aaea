"""Streaming z-score anomaly detection.

``RunningStats`` keeps Welford's running mean and variance over the last ``window`` values
(adding and removing in O(1)). ``ZScoreDetector`` judges a value against the baseline *before*
learning it, says nothing until ``min_samples`` values are known, and does not learn values it
judged anomalous, so a sustained fault does not become the new normal. The standard deviation
is floored (absolutely and relative to the mean) so a flat baseline does not turn noise into
infinite scores.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from aref.config import DetectionSettings
from aref.detection.anomaly import AnomalyMonitor, AnomalyVerdict, StreamSpec
from aref.errors import InvalidInputError

DETECTOR = "zscore"


class Tail(StrEnum):
    """Which deviations count: rises (latency, errors), drops (throughput) or both."""

    UPPER = "upper"
    LOWER = "lower"
    BOTH = "both"


class RunningStats:
    """Welford mean/variance over a sliding window of at most ``window`` values."""

    def __init__(self, window: int) -> None:
        if window < 2:
            raise InvalidInputError("window", "must be >= 2")
        self._values: deque[float] = deque()
        self._window = window
        self._mean = 0.0
        self._m2 = 0.0

    @property
    def count(self) -> int:
        return len(self._values)

    @property
    def mean(self) -> float:
        return self._mean

    @property
    def std(self) -> float:
        """Sample standard deviation; 0.0 below two values."""
        n = len(self._values)
        return math.sqrt(max(self._m2, 0.0) / (n - 1)) if n > 1 else 0.0

    def push(self, x: float) -> None:
        if len(self._values) == self._window:
            self._remove(self._values.popleft())
        self._values.append(x)
        n = len(self._values)
        delta = x - self._mean
        self._mean += delta / n
        self._m2 += delta * (x - self._mean)

    def _remove(self, y: float) -> None:
        n = len(self._values) + 1  # count before removal
        if n == 1:
            self._mean, self._m2 = 0.0, 0.0
            return
        delta = y - self._mean
        new_mean = self._mean - delta / (n - 1)
        self._m2 = max(self._m2 - delta * (y - new_mean), 0.0)
        self._mean = new_mean


class ZScoreDetector:
    """Judges one value per observation: anomalous when its tail z-score exceeds ``threshold``."""

    def __init__(
        self,
        threshold: float = 3.0,
        window: int = 60,
        min_samples: int = 10,
        tail: Tail = Tail.UPPER,
        min_std: float = 1e-6,
        relative_min_std: float = 0.0,
    ) -> None:
        if threshold <= 0:
            raise InvalidInputError("threshold", "must be > 0")
        if min_samples < 2:
            raise InvalidInputError("min_samples", "must be >= 2")
        if min_samples > window:
            raise InvalidInputError("min_samples", "must be <= window")
        if min_std <= 0:
            raise InvalidInputError("min_std", "must be > 0")
        if relative_min_std < 0:
            raise InvalidInputError("relative_min_std", "must be >= 0")
        self._threshold = threshold
        self._min_samples = min_samples
        self._tail = tail
        self._min_std = min_std
        self._relative_min_std = relative_min_std
        self._stats = RunningStats(window)

    def observe(self, features: Sequence[float], at: float) -> AnomalyVerdict:
        if len(features) != 1:
            raise InvalidInputError("features", "a z-score detector judges exactly one value")
        x = float(features[0])
        n = self._stats.count
        if n < self._min_samples:
            self._stats.push(x)
            return AnomalyVerdict(DETECTOR, at, 0.0, self._threshold, is_anomaly=False, ready=False, samples=n + 1)
        mean = self._stats.mean
        std = max(self._stats.std, self._min_std, self._relative_min_std * abs(mean))
        z = (x - mean) / std
        score = {Tail.UPPER: z, Tail.LOWER: -z, Tail.BOTH: abs(z)}[self._tail]
        upward = self._tail is Tail.UPPER or (self._tail is Tail.BOTH and x >= mean)
        bound = mean + self._threshold * std if upward else mean - self._threshold * std
        is_anomaly = score > self._threshold
        if not is_anomaly:
            self._stats.push(x)
        return AnomalyVerdict(
            DETECTOR,
            at,
            score,
            self._threshold,
            is_anomaly=is_anomaly,
            ready=True,
            samples=self._stats.count,
            baseline=mean,
            bound=bound,
        )

    def stats(self) -> dict[str, Any]:
        return {"samples": self._stats.count, "mean": self._stats.mean, "std": self._stats.std}


# absolute and relative std floors per metric: below them a deviation is noise, not an anomaly
STD_FLOORS: dict[str, tuple[float, float]] = {"error_rate": (0.01, 0.1), "latency_p99": (1.0, 0.1)}


def zscore_monitor(settings: DetectionSettings, services: Sequence[str]) -> AnomalyMonitor:
    """Two z-score streams per service (seed §4): error rate and p99 latency."""

    def build(spec: StreamSpec) -> ZScoreDetector:
        floor, relative = STD_FLOORS[spec.metrics[0]]
        return ZScoreDetector(settings.zscore_threshold, min_std=floor, relative_min_std=relative)

    streams = [StreamSpec(service, (metric,)) for service in services for metric in STD_FLOORS]
    return AnomalyMonitor(DETECTOR, streams, build, confirmations=settings.confirmations)
