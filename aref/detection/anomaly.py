"""Anomaly detection over streams of health samples.

An ``AnomalyModel`` (z-score, Isolation Forest, ...) judges one feature vector at a time and
returns a frozen ``AnomalyVerdict``. An ``AnomalyMonitor`` is a detector: it keeps one model per
stream (a service and the metrics it reads), fires on ``confirmations`` consecutive anomalous
verdicts and clears on the first normal verdict from a model that is ready to judge.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from aref.detection.detector import Signal
from aref.detection.metrics import metric_value, require_metric
from aref.errors import InvalidInputError
from aref.events import Severity
from aref.models import DetectionClass, HealthSample


@dataclass(frozen=True)
class AnomalyVerdict:
    """One judgment. ``score`` is compared with ``threshold`` (higher is more anomalous).

    ``ready`` is false while the model has too few samples to judge; such a verdict is never
    anomalous. ``bound`` is the limit in the metric's own units when the model has one.
    """

    detector: str
    at: float
    score: float
    threshold: float
    is_anomaly: bool
    ready: bool
    samples: int
    baseline: float | None = None
    bound: float | None = None


class AnomalyModel(Protocol):
    def observe(self, features: Sequence[float], at: float) -> AnomalyVerdict: ...

    def stats(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class StreamSpec:
    """A stream: the metrics of one service fed, as one feature vector, to one model."""

    service: str
    metrics: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.metrics:
            raise InvalidInputError("metrics", "a stream reads at least one metric")
        for metric in self.metrics:
            require_metric(metric, "metrics")

    @property
    def metric(self) -> str:
        return "+".join(self.metrics)


class _Stream:
    def __init__(self, spec: StreamSpec, model: AnomalyModel) -> None:
        self.spec = spec
        self.model = model
        self.streak = 0
        self.onset_at: float | None = None
        self.firing = False
        self.last: AnomalyVerdict | None = None


class AnomalyMonitor:
    """Detector over anomaly streams; ``model_factory`` builds one fresh model per stream."""

    def __init__(
        self,
        name: str,
        streams: Sequence[StreamSpec],
        model_factory: Callable[[StreamSpec], AnomalyModel],
        confirmations: int = 3,
        severity: Severity = Severity.WARNING,
    ) -> None:
        if confirmations < 1:
            raise InvalidInputError("confirmations", "must be >= 1")
        self.name = name
        self._confirmations = confirmations
        self._severity = severity
        self._streams: dict[str, list[_Stream]] = {}
        for spec in streams:
            self._streams.setdefault(spec.service, []).append(_Stream(spec, model_factory(spec)))

    @property
    def stream_count(self) -> int:
        """How many streams this monitor watches (one model each)."""
        return sum(len(streams) for streams in self._streams.values())

    def observe(self, observation: object) -> list[Signal]:
        if not isinstance(observation, HealthSample):
            return []
        signals = []
        for stream in self._streams.get(observation.service, []):
            values = [metric_value(observation, m) for m in stream.spec.metrics]
            features = [v for v in values if v is not None]
            if len(features) != len(values):
                continue
            signal = self._judge(stream, features, observation.at)
            if signal is not None:
                signals.append(signal)
        return signals

    def _judge(self, stream: _Stream, features: list[float], at: float) -> Signal | None:
        verdict = stream.model.observe(features, at)
        stream.last = verdict
        if not verdict.ready:
            return None
        spec = stream.spec
        value = features[0] if verdict.bound is not None else verdict.score
        threshold = verdict.bound if verdict.bound is not None else verdict.threshold
        if not verdict.is_anomaly:
            stream.streak, stream.onset_at, stream.firing = 0, None, False
            return Signal.clear(self.name, DetectionClass.ANOMALY, spec.service, spec.metric, at, value)
        stream.streak += 1
        if stream.onset_at is None:
            stream.onset_at = at
        if stream.streak < self._confirmations:
            return None
        stream.firing = True
        return Signal(
            detector=self.name,
            detection_class=DetectionClass.ANOMALY,
            service=spec.service,
            metric=spec.metric,
            firing=True,
            at=at,
            severity=self._severity,
            value=value,
            threshold=threshold,
            onset_at=stream.onset_at,
            details={"score": verdict.score, "score_threshold": verdict.threshold},
        )

    def evaluate(self, now: float) -> list[Signal]:
        return []

    def status(self) -> dict[str, Any]:
        return {
            "streams": [
                {
                    "service": s.spec.service,
                    "metric": s.spec.metric,
                    "streak": s.streak,
                    "firing": s.firing,
                    "last_score": None if s.last is None else s.last.score,
                    "last_anomalous": None if s.last is None else s.last.is_anomaly,
                    **s.model.stats(),
                }
                for streams in self._streams.values()
                for s in streams
            ]
        }
