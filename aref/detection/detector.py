"""The contract between detectors and the alert lifecycle.

A ``Detector`` turns observations (health samples, probe results, ...) into ``Signal`` values.
A signal is a definite judgment about one condition, identified by its fingerprint: either
*firing* (confirmed, with a severity) or *clear* (confirmed healthy). While a detector is still
unsure (a streak below its confirmation count, a model still warming up) it reports nothing, so
an alert reloaded after a restart stays open until a detector positively clears it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from aref.errors import InvalidInputError
from aref.events import Severity
from aref.models import DetectionClass


def fingerprint_of(detector: str, service: str, metric: str) -> str:
    """The identity of a condition: one open alert at most per fingerprint."""
    return f"{detector}:{service}:{metric}"


@dataclass(frozen=True)
class Signal:
    detector: str
    detection_class: DetectionClass
    service: str
    metric: str
    firing: bool
    at: float
    severity: Severity | None = None
    value: float = 0.0
    threshold: float = 0.0
    onset_at: float | None = None
    details: Mapping[str, float | str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.firing and (self.severity is None or self.onset_at is None):
            raise InvalidInputError("severity", "a firing signal needs a severity and an onset_at")

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.detector, self.service, self.metric)

    @classmethod
    def clear(
        cls, detector: str, detection_class: DetectionClass, service: str, metric: str, at: float, value: float = 0.0
    ) -> Signal:
        return cls(detector, detection_class, service, metric, firing=False, at=at, value=value)


class Detector(Protocol):
    """One kind of detector; the engine holds a list of them (see ``registry``)."""

    @property
    def name(self) -> str: ...

    def observe(self, observation: object) -> Sequence[Signal]:
        """Judge one observation; observations of a type this detector does not read give ``[]``."""
        ...

    def evaluate(self, now: float) -> Sequence[Signal]:
        """Periodic judgment for conditions that change with time alone (sliding windows)."""
        ...

    def status(self) -> dict[str, Any]:
        """JSON-ready snapshot for the dashboard."""
        ...
