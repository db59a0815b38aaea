"""Threshold rules with N-consecutive confirmation.

A rule has warning and critical levels (and an optional emergency level). A level is confirmed
on the ``confirmations``-th consecutive sample that breaches it, never earlier; a sample that
breaches no level resets every streak. A firing rule escalates when a higher level is confirmed,
never de-escalates, and clears after ``clear_after`` consecutive non-breaching samples. The
onset of a breach is the time of the first breaching sample of its streak.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aref.config import DetectionSettings
from aref.detection.detector import Signal
from aref.detection.metrics import metric_value, require_metric
from aref.errors import InvalidInputError
from aref.events import Severity
from aref.models import DetectionClass, HealthSample

DETECTOR = "threshold"
LEVELS = (Severity.WARNING, Severity.CRITICAL, Severity.EMERGENCY)


class Comparison(StrEnum):
    ABOVE = "above"
    BELOW = "below"


@dataclass(frozen=True)
class ThresholdRule:
    name: str
    service: str
    metric: str
    warning: float
    critical: float
    confirmations: int = 3
    comparison: Comparison = Comparison.ABOVE
    emergency: float | None = None
    clear_after: int = 1

    def __post_init__(self) -> None:
        for field_name in ("name", "service"):
            if not getattr(self, field_name):
                raise InvalidInputError(field_name, "must not be empty")
        require_metric(self.metric)
        ordered = [("warning", self.warning), ("critical", self.critical)]
        if self.emergency is not None:
            ordered.append(("emergency", self.emergency))
        for field_name, level in ordered:
            if level < 0:
                raise InvalidInputError(field_name, "must be >= 0")
        for (lower_name, lower), (higher_name, higher) in itertools.pairwise(ordered):
            if self.comparison is Comparison.ABOVE and higher < lower:
                raise InvalidInputError(higher_name, f"must be >= {lower_name} for an 'above' rule")
            if self.comparison is Comparison.BELOW and higher > lower:
                raise InvalidInputError(higher_name, f"must be <= {lower_name} for a 'below' rule")
        if self.confirmations < 1:
            raise InvalidInputError("confirmations", "must be >= 1")
        if self.clear_after < 1:
            raise InvalidInputError("clear_after", "must be >= 1")

    def limit(self, level: Severity) -> float | None:
        return {Severity.WARNING: self.warning, Severity.CRITICAL: self.critical, Severity.EMERGENCY: self.emergency}[
            level
        ]

    def breaches(self, value: float, level: Severity) -> bool:
        limit = self.limit(level)
        if limit is None:
            return False
        return value > limit if self.comparison is Comparison.ABOVE else value < limit


@dataclass(frozen=True)
class ThresholdVerdict:
    """A definite judgment: ``level`` is the firing level, or ``None`` when the rule is clear."""

    rule: ThresholdRule
    level: Severity | None
    value: float
    at: float
    onset_at: float | None


class ThresholdState:
    """Streaks of one rule. ``observe`` returns ``None`` while the outcome is still unconfirmed."""

    def __init__(self, rule: ThresholdRule) -> None:
        self.rule = rule
        self.streaks: dict[Severity, int] = dict.fromkeys(LEVELS, 0)
        self.clear_streak = 0
        self.onset_at: float | None = None
        self.level: Severity | None = None
        self.last_value: float | None = None

    def observe(self, value: float, at: float) -> ThresholdVerdict | None:
        self.last_value = value
        if not self.rule.breaches(value, Severity.WARNING):
            self.streaks = dict.fromkeys(LEVELS, 0)
            self.onset_at = None
            self.clear_streak += 1
            if self.clear_streak < self.rule.clear_after:
                return None
            self.level = None
            return ThresholdVerdict(self.rule, None, value, at, None)
        self.clear_streak = 0
        if self.onset_at is None:
            self.onset_at = at
        for level in LEVELS:
            self.streaks[level] = self.streaks[level] + 1 if self.rule.breaches(value, level) else 0
        confirmed = [lvl for lvl in LEVELS if self.streaks[lvl] >= self.rule.confirmations]
        if confirmed and (self.level is None or confirmed[-1].rank > self.level.rank):
            self.level = confirmed[-1]
        if self.level is None:
            return None
        return ThresholdVerdict(self.rule, self.level, value, at, self.onset_at)

    def status(self) -> dict[str, Any]:
        rule = self.rule
        return {
            "name": rule.name,
            "service": rule.service,
            "metric": rule.metric,
            "comparison": rule.comparison.value,
            "warning": rule.warning,
            "critical": rule.critical,
            "emergency": rule.emergency,
            "confirmations": rule.confirmations,
            "streak": self.streaks[Severity.WARNING],
            "level": None if self.level is None else self.level.value,
            "last_value": self.last_value,
            "onset_at": self.onset_at,
        }


def default_rules(settings: DetectionSettings, services: Sequence[str]) -> list[ThresholdRule]:
    """Two rules per service (seed §4): error rate and p99 latency, warning and critical."""
    rules = []
    for service in services:
        rules.append(
            ThresholdRule(
                f"{service}.error_rate",
                service,
                "error_rate",
                settings.error_rate_warning,
                settings.error_rate_critical,
                confirmations=settings.confirmations,
                emergency=settings.error_rate_emergency,
            )
        )
        rules.append(
            ThresholdRule(
                f"{service}.latency_p99",
                service,
                "latency_p99",
                settings.latency_warning_ms,
                settings.latency_critical_ms,
                confirmations=settings.confirmations,
            )
        )
    return rules


class ThresholdDetector:
    """The threshold detector: every rule judged on every sample of its service."""

    name = DETECTOR

    def __init__(self, rules: Sequence[ThresholdRule]) -> None:
        self._states: dict[str, list[ThresholdState]] = {}
        seen: set[tuple[str, str]] = set()
        for rule in rules:
            if (rule.service, rule.metric) in seen:
                raise InvalidInputError("rules", f"two rules watch {rule.metric} of {rule.service}")
            seen.add((rule.service, rule.metric))
            self._states.setdefault(rule.service, []).append(ThresholdState(rule))

    @classmethod
    def from_settings(cls, settings: DetectionSettings, services: Sequence[str]) -> ThresholdDetector:
        return cls(default_rules(settings, services))

    def observe(self, observation: object) -> list[Signal]:
        if not isinstance(observation, HealthSample):
            return []
        signals = []
        for state in self._states.get(observation.service, []):
            value = metric_value(observation, state.rule.metric)
            if value is None:
                continue
            verdict = state.observe(value, observation.at)
            if verdict is not None:
                signals.append(_signal(verdict))
        return signals

    @property
    def has_rules(self) -> bool:
        """Whether any threshold rule is configured."""
        return any(self._states.values())

    def evaluate(self, now: float) -> list[Signal]:
        return []

    def status(self) -> dict[str, Any]:
        return {"rules": [state.status() for states in self._states.values() for state in states]}


def _signal(verdict: ThresholdVerdict) -> Signal:
    rule = verdict.rule
    limit = None if verdict.level is None else rule.limit(verdict.level)
    if verdict.level is None or limit is None:
        return Signal.clear(DETECTOR, DetectionClass.THRESHOLD, rule.service, rule.metric, verdict.at, verdict.value)
    return Signal(
        detector=DETECTOR,
        detection_class=DetectionClass.THRESHOLD,
        service=rule.service,
        metric=rule.metric,
        firing=True,
        at=verdict.at,
        severity=verdict.level,
        value=verdict.value,
        threshold=limit,
        onset_at=verdict.onset_at,
        details={"rule": rule.name},
    )
