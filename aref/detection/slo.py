"""SLI/SLO tracking: error budgets and multi-window, multi-burn-rate alerts (SRE workbook ch. 5).

burn rate = observed error rate / (1 - target). A policy fires only when the burn rate reaches
its factor over *both* its long and its short window: the long window proves the burn is
significant, the short one that it is still happening (so the alert clears soon after the burn
stops). Default policies: page at 14.4x over 1h and 5m, page at 6x over 6h and 30m, ticket at
1x over 3d and 6h, for a 30-day SLO. ``scale`` multiplies every window so a simulation can run
them in seconds. Counts live in time buckets: memory is bounded whatever the traffic.

Each service has an availability SLO (good events: requests answered without error) and a
latency SLO (good events: requests of the sample's latency histogram answered within
``latency_target_ms``), alerting alike. A firing signal carries the SLO's ``budget_consumed``.

Requests seen while a deliberate fault acts (``aref.detection.experiments``) count in the SLO's
budget and availability, and apart (``experiment_events``); the burn-rate policies judge only the
others, and a firing signal's ``budget_consumed`` is ``budget_outside_experiments``. A deliberate
fault is for the other detectors to see: its burn pages nobody, freezes no feature and spends
nothing an experiment's budget gate reads, while an outage's burn does all three. (Judged on every
request, a page's 1 h / 5 min windows kept firing for minutes after each experiment and froze the
gateway's receipts through the next one.)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aref.config import DetectionSettings
from aref.detection.buckets import BucketSeries
from aref.detection.detector import Signal
from aref.detection.experiments import ExperimentWindows, FaultWindowChange
from aref.errors import InvalidInputError
from aref.events import Severity
from aref.models import DetectionClass, HealthSample
from aref.scoring import ErrorBudget, error_budget
from aref.telemetry import LatencyHistogram

DETECTOR = "slo_burn"
SLO_WINDOW_SECONDS = 30 * 86400.0
AVAILABILITY = "availability"
LATENCY = "latency"


@dataclass(frozen=True)
class SLO:
    name: str
    service: str
    target: float
    window_seconds: float = SLO_WINDOW_SECONDS
    sli: str = AVAILABILITY
    latency_target_ms: float | None = None
    """Set for a latency SLO: a request is good when answered within it; unset, a request is good
    when it did not fail."""

    def __post_init__(self) -> None:
        for field_name in ("name", "service", "sli"):
            if not getattr(self, field_name):
                raise InvalidInputError(field_name, "must not be empty")
        if not 0.0 < self.target < 1.0:
            raise InvalidInputError("target", "must be strictly between 0 and 1")
        if self.window_seconds <= 0:
            raise InvalidInputError("window_seconds", "must be > 0")
        if self.latency_target_ms is not None and self.latency_target_ms <= 0:
            raise InvalidInputError("latency_target_ms", "must be > 0")

    def events(self, sample: HealthSample) -> tuple[int, int] | None:
        """Good and total events of this SLO in one sample; None when the sample says nothing about
        it (a latency SLO reads a sample without a latency histogram as no evidence)."""
        if self.latency_target_ms is None:
            return sample.requests - sample.errors, sample.requests
        if not sample.latency_counts:
            return None
        histogram = LatencyHistogram(sample.latency_counts)
        return histogram.within(self.latency_target_ms), histogram.total


@dataclass(frozen=True)
class BurnRatePolicy:
    name: str
    factor: float
    long_window: float
    short_window: float
    severity: Severity

    def __post_init__(self) -> None:
        if self.factor <= 0:
            raise InvalidInputError("factor", "must be > 0")
        if self.short_window <= 0:
            raise InvalidInputError("short_window", "must be > 0")
        if self.long_window < self.short_window:
            raise InvalidInputError("long_window", "must be >= short_window")

    def scaled(self, scale: float) -> BurnRatePolicy:
        if scale <= 0:
            raise InvalidInputError("scale", "must be > 0")
        return dataclasses.replace(self, long_window=self.long_window * scale, short_window=self.short_window * scale)


DEFAULT_BURN_POLICIES: tuple[BurnRatePolicy, ...] = (
    BurnRatePolicy("page_fast", 14.4, 3600.0, 300.0, Severity.CRITICAL),
    BurnRatePolicy("page_slow", 6.0, 6 * 3600.0, 1800.0, Severity.CRITICAL),
    BurnRatePolicy("ticket", 1.0, 3 * 86400.0, 6 * 3600.0, Severity.WARNING),
)


@dataclass(frozen=True)
class BurnVerdict:
    policy: BurnRatePolicy
    long_burn: float
    short_burn: float
    firing: bool


def _reaches(burn: float, factor: float) -> bool:
    return burn >= factor or math.isclose(burn, factor, rel_tol=1e-9)


class SloTracker:
    """Good/total events of one SLO.

    Each policy reads its own bucket series, ``resolution`` buckets per short window over its
    long window (120 buckets for each default policy); the budget is read over the SLO window
    at ``budget_buckets`` buckets. A policy needs at least ``min_events`` events in its short
    window before it may fire: one failed request out of one is no evidence.
    """

    def __init__(
        self,
        slo: SLO,
        policies: Sequence[BurnRatePolicy] = DEFAULT_BURN_POLICIES,
        resolution: int = 10,
        budget_buckets: int = 720,
        min_events: int = 10,
    ) -> None:
        if not policies:
            raise InvalidInputError("policies", "must not be empty")
        if resolution < 1 or budget_buckets < 1:
            raise InvalidInputError("resolution" if resolution < 1 else "budget_buckets", "must be >= 1")
        self.slo = slo
        self.policies = tuple(policies)
        self._min_events = min_events
        self._series = [BucketSeries(p.short_window / resolution, p.long_window) for p in self.policies]
        self._budget = BucketSeries(slo.window_seconds / budget_buckets, slo.window_seconds)
        self._experiments = BucketSeries(slo.window_seconds / budget_buckets, slo.window_seconds)
        self.records = 0

    def record(self, at: float, good: int, total: int, *, experiment: bool = False) -> None:
        """Count events; ``experiment`` ones (a deliberate fault was acting) go to the budget and apart,
        never to the burn-rate windows."""
        for series in (self._budget, self._experiments) if experiment else (*self._series, self._budget):
            series.add(at, good, total)
        self.records += 1

    def _burn(self, series: BucketSeries, window: float, now: float) -> tuple[float, int]:
        good, total = series.totals(now - window)
        return (0.0 if total == 0 else (total - good) / total / (1.0 - self.slo.target)), total

    def burn_rate(self, window: float, now: float) -> float:
        """Burn rate over ``window``, read from the finest series whose horizon covers it."""
        fitting = [s for s in self._series if s.horizon_seconds >= window] or [self._budget]
        return self._burn(min(fitting, key=lambda s: s.bucket_seconds), window, now)[0]

    def budget(self, now: float) -> ErrorBudget:
        self._budget.prune(now)
        good, total = self._budget.totals(now - self.slo.window_seconds)
        return error_budget(self.slo.target, good, total)

    def experiment_events(self, now: float) -> tuple[int, int]:
        """Good and total events of the SLO window seen while a deliberate fault acted."""
        self._experiments.prune(now)
        return self._experiments.totals(now - self.slo.window_seconds)

    def budget_outside_experiments(self, now: float) -> ErrorBudget:
        """The budget over the events seen while no deliberate fault acted: an outage's burn only."""
        everything = self.budget(now)
        good, total = self.experiment_events(now)
        return error_budget(self.slo.target, everything.total - everything.bad - good, everything.total - total)

    def evaluate(self, now: float) -> tuple[BurnVerdict, ...]:
        verdicts = []
        for policy, series in zip(self.policies, self._series, strict=True):
            series.prune(now)
            long_burn, _ = self._burn(series, policy.long_window, now)
            short_burn, events = self._burn(series, policy.short_window, now)
            enough = events >= self._min_events
            firing = enough and _reaches(long_burn, policy.factor) and _reaches(short_burn, policy.factor)
            verdicts.append(BurnVerdict(policy, long_burn, short_burn, firing))
        return tuple(verdicts)

    def onset(self, policy: BurnRatePolicy, now: float) -> float:
        """When the burn a policy sees began: the first bad event of its short window."""
        first = self._series[self.policies.index(policy)].first_bad_at(now - policy.short_window)
        return now if first is None else min(first, now)

    def status(self, now: float) -> dict[str, Any]:
        budget = self.budget(now)
        outside = self.budget_outside_experiments(now)
        return {
            "name": self.slo.name,
            "service": self.slo.service,
            "sli": self.slo.sli,
            "target": self.slo.target,
            "latency_target_ms": self.slo.latency_target_ms,
            "window_seconds": self.slo.window_seconds,
            "events": budget.total,
            "bad_events": budget.bad,
            "budget_consumed": budget.consumed,
            "budget_remaining": budget.remaining,
            "experiment_events": budget.total - outside.total,
            "experiment_bad_events": budget.bad - outside.bad,
            "budget_remaining_outside_experiments": outside.remaining,
            "burn_rates": [
                {
                    "policy": v.policy.name,
                    "factor": v.policy.factor,
                    "long_window": v.policy.long_window,
                    "short_window": v.policy.short_window,
                    "long_burn": v.long_burn,
                    "short_burn": v.short_burn,
                    "firing": v.firing,
                }
                for v in self.evaluate(now)
            ],
        }


class SloDetector:
    """Detector over SLO trackers: one alert per SLO, at the severity of its worst firing policy."""

    name = DETECTOR

    def __init__(self, trackers: Sequence[SloTracker], experiments: ExperimentWindows | None = None) -> None:
        self._experiments = experiments or ExperimentWindows(grace_s=0.0)
        self._trackers: dict[str, list[SloTracker]] = {}
        for tracker in trackers:
            same = self._trackers.setdefault(tracker.slo.service, [])
            if any(t.slo.sli == tracker.slo.sli for t in same):
                raise InvalidInputError("trackers", f"two SLOs on the {tracker.slo.sli} of {tracker.slo.service}")
            same.append(tracker)
        self._now = -math.inf

    @classmethod
    def from_settings(cls, settings: DetectionSettings, services: Sequence[str]) -> SloDetector:
        """An availability and a latency SLO per service; the 30-day SLO window scales with the burn
        windows so the policy factors keep their meaning (14.4x over 1h spends 2% of the budget)."""
        scale = settings.burn_rate_window_scale
        policies = [p.scaled(scale) for p in DEFAULT_BURN_POLICIES]
        window = SLO_WINDOW_SECONDS * scale
        slos = [
            slo
            for s in services
            for slo in (
                SLO(f"{s}.{AVAILABILITY}", s, settings.slo_availability_target, window),
                SLO(
                    f"{s}.{LATENCY}",
                    s,
                    settings.slo_latency_objective,
                    window,
                    sli=LATENCY,
                    latency_target_ms=settings.slo_latency_target_ms,
                ),
            )
        ]
        return cls([SloTracker(slo, policies) for slo in slos], ExperimentWindows(settings.experiment_grace_seconds))

    @property
    def slo_count(self) -> int:
        """How many SLOs this detector tracks."""
        return sum(len(trackers) for trackers in self._trackers.values())

    @property
    def has_burn_rate_policies(self) -> bool:
        """Whether any tracked SLO alerts on a burn-rate policy."""
        return any(t.policies for trackers in self._trackers.values() for t in trackers)

    def observe(self, observation: object) -> list[Signal]:
        if isinstance(observation, FaultWindowChange):
            self._experiments.note(observation)
        if not isinstance(observation, HealthSample):
            return []
        self._now = max(self._now, observation.at)
        experiment = self._experiments.covers(observation.at)
        signals = []
        for tracker in self._trackers.get(observation.service, []):
            events = tracker.slo.events(observation)
            if events is None:
                continue
            tracker.record(observation.at, *events, experiment=experiment)
            signals.append(self._judge(tracker, observation.at))
        return signals

    def evaluate(self, now: float) -> list[Signal]:
        self._now = max(self._now, now)
        return [self._judge(t, now) for ts in self._trackers.values() for t in ts if t.records]

    def _judge(self, tracker: SloTracker, now: float) -> Signal:
        slo = tracker.slo
        verdicts = tracker.evaluate(now)
        firing = [v for v in verdicts if v.firing]
        if not firing:
            worst_short = max(v.short_burn for v in verdicts)
            return Signal.clear(DETECTOR, DetectionClass.SLO_BURN, slo.service, slo.sli, now, worst_short)
        top = max(firing, key=lambda v: (v.policy.severity.rank, v.policy.factor))
        return Signal(
            detector=DETECTOR,
            detection_class=DetectionClass.SLO_BURN,
            service=slo.service,
            metric=slo.sli,
            firing=True,
            at=now,
            severity=top.policy.severity,
            value=top.long_burn,
            threshold=top.policy.factor,
            onset_at=tracker.onset(top.policy, now),
            details={
                "slo": slo.name,
                "policy": top.policy.name,
                "short_burn": top.short_burn,
                "budget_consumed": tracker.budget_outside_experiments(now).consumed,
            },
        )

    def status(self) -> dict[str, Any]:
        now = self._now if self._now > -math.inf else 0.0
        return {
            "slos": [t.status(now) for ts in self._trackers.values() for t in ts],
            "faults_acting": self._experiments.acting,
        }
