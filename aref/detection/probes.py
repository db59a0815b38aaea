"""Synthetic-probe evaluation: results in, per-target verdicts out. No HTTP here.

A probe target is a service and a check: ``readyz`` (the service's readiness route) or ``order``
(a synthetic order through the gateway, tagged so it never counts as customer traffic). Each
target is judged on its own (metric ``probe.<check>``, so one alert per service and check).
Per target: consecutive failures, availability over a sliding time window (memory bounded by
the window and ``max_results``) and a *down* verdict once ``down_after`` consecutive probes
failed. A down readiness target fires an EMERGENCY signal (the service is unreachable); a down
synthetic order a CRITICAL one (the customers' journey fails, its cause may lie in any service the
order crosses, for adaptation to find); a successful probe clears it; failures below
``down_after`` are not yet a judgment.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aref.config import DetectionSettings
from aref.detection.detector import Signal
from aref.errors import InvalidInputError
from aref.events import Severity
from aref.models import DetectionClass

DETECTOR = "synthetic"
METRIC = "probe"
READYZ = "readyz"
ORDER = "order"
CHECKS = (READYZ, ORDER)
SYNTHETIC_HEADER = "X-AREF-Synthetic"
"""The header (value ``1``) that marks a request as the prober's: no replica counts it as customer traffic."""
SYNTHETIC_CUSTOMER = "aref-synthetic-prober"
"""The customer of every synthetic order, so the orders it leaves in the shop are told apart."""


@dataclass(frozen=True)
class ProbeTarget:
    """What one probe checks: ``service`` by ``check`` (one of ``CHECKS``)."""

    service: str
    check: str = READYZ

    def __post_init__(self) -> None:
        if not self.service:
            raise InvalidInputError("service", "must not be empty")
        if self.check not in CHECKS:
            raise InvalidInputError("check", f"must be one of {', '.join(CHECKS)}")

    @property
    def key(self) -> str:
        return f"{self.service}.{self.check}"


def probe_targets(services: Sequence[str], gateway: str = "gateway") -> tuple[ProbeTarget, ...]:
    """Every service's readiness, plus a synthetic order when the gateway is among them."""
    order = (ProbeTarget(gateway, ORDER),) if gateway in services else ()
    return (*(ProbeTarget(s, READYZ) for s in services), *order)


@dataclass(frozen=True)
class ProbeResult:
    """One probe's outcome; ``target`` is the service probed, ``at`` when the probe was sent."""

    target: str
    ok: bool
    latency_ms: float
    status_code: int | None
    at: float
    check: str = READYZ
    error: str | None = None

    def __post_init__(self) -> None:
        if not self.target:
            raise InvalidInputError("target", "must not be empty")
        ProbeTarget(self.target, self.check)
        if self.latency_ms < 0:
            raise InvalidInputError("latency_ms", "must be >= 0")
        if self.status_code is not None and not 100 <= self.status_code <= 599:
            raise InvalidInputError("status_code", "must be an HTTP status (100-599) or None")


@dataclass(frozen=True)
class ProbeVerdict:
    target: str
    at: float
    ok: bool
    consecutive_failures: int
    availability: float | None
    down: bool
    failing_since: float | None


class ProbeTracker:
    """The probe history of one target."""

    def __init__(self, target: str, down_after: int = 3, window_seconds: float = 300.0, max_results: int = 1000):
        if down_after < 1:
            raise InvalidInputError("down_after", "must be >= 1")
        if window_seconds <= 0:
            raise InvalidInputError("window_seconds", "must be > 0")
        self.target = target
        self._down_after = down_after
        self._window = window_seconds
        self._results: deque[tuple[float, bool]] = deque(maxlen=max_results)
        self.consecutive_failures = 0
        self.failing_since: float | None = None
        self.last: ProbeResult | None = None
        self.last_ok_at: float | None = None
        self.last_failure_at: float | None = None

    @property
    def down(self) -> bool:
        return self.consecutive_failures >= self._down_after

    def record(self, result: ProbeResult) -> ProbeVerdict:
        if result.target != self.target:
            raise InvalidInputError("target", f"this tracker follows {self.target!r}, not {result.target!r}")
        self.last = result
        self._results.append((result.at, result.ok))
        if result.ok:
            self.last_ok_at = result.at
            self.consecutive_failures, self.failing_since = 0, None
        else:
            self.last_failure_at = result.at
            self.consecutive_failures += 1
            if self.failing_since is None:
                self.failing_since = result.at
        return ProbeVerdict(
            self.target,
            result.at,
            result.ok,
            self.consecutive_failures,
            self.availability(result.at),
            self.down,
            self.failing_since,
        )

    def availability(self, now: float) -> float | None:
        """Fraction of successful probes in the window ending at ``now``; ``None`` without probes."""
        while self._results and self._results[0][0] < now - self._window:
            self._results.popleft()
        if not self._results:
            return None
        return sum(ok for _, ok in self._results) / len(self._results)


class ProbeDetector:
    """Detector over probe results; one tracker per service and check, created on its first result."""

    name = DETECTOR

    def __init__(self, down_after: int = 3, window_seconds: float = 300.0, targets: Sequence[str] = ()) -> None:
        ProbeTracker("", down_after, window_seconds)  # validates the parameters even without targets
        self._down_after = down_after
        self._window = window_seconds
        self._trackers: dict[tuple[str, str], ProbeTracker] = {}
        for target in targets:
            self._tracker(target)

    @classmethod
    def from_settings(cls, settings: DetectionSettings, services: Sequence[str]) -> ProbeDetector:
        return cls(settings.synthetic_probe_failures, 20 * settings.synthetic_probe_interval, services)

    def _tracker(self, target: str, check: str = READYZ) -> ProbeTracker:
        key = (target, check)
        if key not in self._trackers:
            self._trackers[key] = ProbeTracker(target, self._down_after, self._window)
        return self._trackers[key]

    def observe(self, observation: object) -> list[Signal]:
        if not isinstance(observation, ProbeResult):
            return []
        verdict = self._tracker(observation.target, observation.check).record(observation)
        metric = f"{METRIC}.{observation.check}"
        if verdict.ok:
            return [Signal.clear(DETECTOR, DetectionClass.SYNTHETIC, verdict.target, metric, verdict.at)]
        if not verdict.down:
            return []
        details: dict[str, float | str] = {"availability": verdict.availability or 0.0}
        if observation.status_code is not None:
            details["status_code"] = observation.status_code
        if observation.error is not None:
            details["error"] = observation.error
        return [
            Signal(
                detector=DETECTOR,
                detection_class=DetectionClass.SYNTHETIC,
                service=verdict.target,
                metric=metric,
                firing=True,
                at=verdict.at,
                severity=Severity.EMERGENCY if observation.check == READYZ else Severity.CRITICAL,
                value=float(verdict.consecutive_failures),
                threshold=float(self._down_after),
                onset_at=verdict.failing_since,
                details=details,
            )
        ]

    @property
    def has_reported(self) -> bool:
        """Whether a probe result arrived for any target (a target that never reported measures nothing)."""
        return any(tracker.last is not None for tracker in self._trackers.values())

    def evaluate(self, now: float) -> list[Signal]:
        return []

    def status(self) -> dict[str, Any]:
        targets = []
        for (_, check), tracker in self._trackers.items():
            last = tracker.last
            targets.append(
                {
                    "target": tracker.target,
                    "check": check,
                    "down": tracker.down,
                    "consecutive_failures": tracker.consecutive_failures,
                    "availability": None if last is None else tracker.availability(last.at),
                    "last_at": None if last is None else last.at,
                    "last_latency_ms": None if last is None else last.latency_ms,
                    "last_status_code": None if last is None else last.status_code,
                    "last_ok": None if last is None else last.ok,
                    "last_error": None if last is None else last.error,
                    "last_ok_at": tracker.last_ok_at,
                    "last_failure_at": tracker.last_failure_at,
                    "failing_since": tracker.failing_since,
                }
            )
        return {"down_after": self._down_after, "window_seconds": self._window, "targets": targets}
