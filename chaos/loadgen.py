"""Traffic plans, their send schedules, and the client-side record of every outcome (pure).

A plan's rate is piecewise linear in time (steady: flat; ramp: 0 -> rate over ``ramp_s``, then
flat; spike: flat with one burst at ``spike_rate_per_s``). Request *n* (n = 0, 1, ...) is sent at
the time the expected count ``N(t) = integral of rate`` reaches *n*, so schedules are exact and
reproducible. The record is the load generator's own truth: a request counts as an error unless
its HTTP status is 2xx/3xx (status 0 = no answer: refused connection, timeout).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from aref.errors import InvalidInputError

MAX_RATE_PER_S = 200.0
MAX_DURATION_S = 3600.0


class Profile(StrEnum):
    STEADY = "steady"
    RAMP = "ramp"
    SPIKE = "spike"


@dataclass(frozen=True)
class TrafficPlan:
    """What to send: ``rate_per_s`` for ``duration_s`` seconds in the shape of ``profile``.

    ``warmup_s`` is how long a runner lets traffic flow before it judges the steady state.
    """

    profile: Profile = Profile.STEADY
    rate_per_s: float = 5.0
    duration_s: float = 60.0
    warmup_s: float = 0.0
    ramp_s: float | None = None  # ramp: seconds to reach rate_per_s (default: the whole duration)
    spike_rate_per_s: float | None = None  # spike: the burst rate (default: 5 x rate_per_s)
    spike_at_s: float | None = None  # spike: when the burst starts (default: a third in)
    spike_s: float | None = None  # spike: how long it lasts (default: a sixth of the duration)

    def __post_init__(self) -> None:
        _check_rate("rate_per_s", self.rate_per_s)
        if not 0.0 < self.duration_s <= MAX_DURATION_S:
            raise InvalidInputError("duration_s", f"must be > 0 and <= {MAX_DURATION_S:g} s, got {self.duration_s:g}")
        if not 0.0 <= self.warmup_s < self.duration_s:
            raise InvalidInputError("warmup_s", "must be >= 0 and shorter than duration_s")
        if self.ramp_s is not None and not 0.0 < self.ramp_s <= self.duration_s:
            raise InvalidInputError("ramp_s", "must be > 0 and <= duration_s")
        if self.spike_rate_per_s is not None:
            _check_rate("spike_rate_per_s", self.spike_rate_per_s)
        if self.spike_at_s is not None and not 0.0 <= self.spike_at_s < self.duration_s:
            raise InvalidInputError("spike_at_s", "must be >= 0 and before the end of the traffic")
        if self.spike_s is not None and self.spike_s <= 0.0:
            raise InvalidInputError("spike_s", "must be > 0")

    def scaled(self, factor: float) -> TrafficPlan:
        """Every duration times ``factor`` (rates unchanged)."""

        def times(value: float | None) -> float | None:
            return None if value is None else value * factor

        return replace(
            self,
            duration_s=self.duration_s * factor,
            warmup_s=self.warmup_s * factor,
            ramp_s=times(self.ramp_s),
            spike_at_s=times(self.spike_at_s),
            spike_s=times(self.spike_s),
        )


def _check_rate(name: str, rate: float) -> None:
    if not 0.0 < rate <= MAX_RATE_PER_S:
        raise InvalidInputError(name, f"must be > 0 and <= {MAX_RATE_PER_S:g} requests/s, got {rate:g}")


@dataclass(frozen=True)
class Segment:
    """Between ``start`` and ``end`` the rate goes linearly from ``rate_start`` to ``rate_end``."""

    start: float
    end: float
    rate_start: float
    rate_end: float

    def count(self) -> float:
        return (self.rate_start + self.rate_end) / 2.0 * (self.end - self.start)

    def time_of(self, n: float) -> float:
        """When this segment's expected count reaches ``n`` (0 <= n <= count())."""
        slope = (self.rate_end - self.rate_start) / (self.end - self.start)
        if slope == 0.0:
            return self.start + n / self.rate_start
        # rate_start * x + slope / 2 * x^2 = n, the positive root, in a cancellation-free form
        root = math.sqrt(self.rate_start**2 + 2.0 * slope * n)
        return self.start + 2.0 * n / (self.rate_start + root) if root + self.rate_start > 0 else self.start


def segments(plan: TrafficPlan) -> tuple[Segment, ...]:
    rate, end = plan.rate_per_s, plan.duration_s
    if plan.profile is Profile.STEADY:
        parts = [Segment(0.0, end, rate, rate)]
    elif plan.profile is Profile.RAMP:
        ramp = plan.ramp_s if plan.ramp_s is not None else end
        parts = [Segment(0.0, ramp, 0.0, rate), Segment(ramp, end, rate, rate)]
    else:
        burst = plan.spike_rate_per_s if plan.spike_rate_per_s is not None else min(MAX_RATE_PER_S, 5.0 * rate)
        at = plan.spike_at_s if plan.spike_at_s is not None else end / 3.0
        until = min(end, at + (plan.spike_s if plan.spike_s is not None else end / 6.0))
        parts = [Segment(0.0, at, rate, rate), Segment(at, until, burst, burst), Segment(until, end, rate, rate)]
    return tuple(s for s in parts if s.end > s.start)


def schedule(plan: TrafficPlan) -> tuple[float, ...]:
    """Send times in seconds from the start, ascending, all in ``[0, duration_s)``."""
    times: list[float] = []
    before = 0.0  # expected count at the start of the current segment
    n = 0
    for part in segments(plan):
        total = part.count()
        while n - before < total - 1e-9:
            at = part.time_of(n - before)
            if at >= plan.duration_s:
                break
            times.append(at)
            n += 1
        before += total
    return tuple(times)


# -- what the client saw -----------------------------------------------------------------------


@dataclass(frozen=True)
class SendResult:
    """One request's answer as the sender saw it; status 0 means no HTTP answer at all."""

    status: int
    latency_ms: float
    error: str | None = None


@dataclass(frozen=True)
class Outcome:
    at: float  # when the request was sent
    status: int
    latency_ms: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 400


@dataclass(frozen=True)
class ClientStats:
    requests: int
    errors: int
    error_rate: float | None  # None without requests
    latency_p50_ms: float | None
    latency_p99_ms: float | None
    by_status: dict[str, int] = field(default_factory=dict)
    skipped: int = 0  # sends not made because too many requests were already in flight


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (``p`` in (0, 100]); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100.0 * len(ordered)) - 1)]


@dataclass(frozen=True)
class ClientRecord:
    """Every outcome the load generator recorded (in completion order) and the sends it skipped."""

    outcomes: tuple[Outcome, ...] = ()
    skipped: int = 0

    def extended(self, more: Iterable[Outcome], skipped: int | None = None) -> ClientRecord:
        return ClientRecord((*self.outcomes, *more), self.skipped if skipped is None else skipped)

    def window(self, start: float, end: float) -> ClientRecord:
        """The outcomes of requests sent in ``[start, end)`` (skips are not timed: dropped)."""
        return ClientRecord(tuple(o for o in self.outcomes if start <= o.at < end))

    def stats(self) -> ClientStats:
        requests = len(self.outcomes)
        errors = sum(not o.ok for o in self.outcomes)
        latencies = [o.latency_ms for o in self.outcomes]
        by_status: dict[str, int] = {}
        for outcome in self.outcomes:
            by_status[str(outcome.status)] = by_status.get(str(outcome.status), 0) + 1
        return ClientStats(
            requests=requests,
            errors=errors,
            error_rate=errors / requests if requests else None,
            latency_p50_ms=percentile(latencies, 50),
            latency_p99_ms=percentile(latencies, 99),
            by_status=dict(sorted(by_status.items())),
            skipped=self.skipped,
        )
