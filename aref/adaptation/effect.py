"""Judging a scale-out by its effect: did the service's signal improve within N ticks?

At a scale-out the judge notes the service's mean latency and request rate over the load that
justified it (the samples of the last ``before_seconds``, the scale-up stabilization window, or
the latest sample). ``effect_ticks`` decision ticks later it compares them
with the samples of the second half of that span (the new replica had time to start). The
scale-out was effective when the mean latency fell by at least ``tolerance``, or the rate rose by
at least ``tolerance`` while latency did not rise by more than it. Otherwise, or when no load came
in after it, it is ineffective. The mean latency, not the p99, is compared: the p99 comes from
coarse histogram buckets (250, 500, 1000 ms...) and would hide a real change or invent one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from aref.adaptation.scaling import LoadSignals

KEPT_SAMPLES = 60


@dataclass(frozen=True)
class Verdict:
    service: str
    effective: bool
    previous: int
    desired: int
    scaled_at: float
    judged_at: float
    latency_before_ms: float
    latency_after_ms: float
    rate_before: float
    rate_after: float
    reason: str


@dataclass(frozen=True)
class _Pending:
    service: str
    previous: int
    desired: int
    at: float
    ticks_left: int
    latency_before_ms: float
    rate_before: float


class EffectJudge:
    def __init__(self, effect_ticks: int, tolerance: float, before_seconds: float = 0.0) -> None:
        self.effect_ticks = effect_ticks
        self.before_seconds = before_seconds
        self.tolerance = tolerance
        self._samples: dict[str, deque[tuple[float, LoadSignals]]] = {}
        self._pending: dict[str, _Pending] = {}

    def sample(self, service: str, at: float, signals: LoadSignals) -> None:
        self._samples.setdefault(service, deque(maxlen=KEPT_SAMPLES)).append((at, signals))

    def pending(self, service: str) -> bool:
        return service in self._pending

    def scaled_out(self, service: str, previous: int, desired: int, now: float) -> None:
        """Start judging a scale-out from ``previous`` to ``desired`` replicas."""
        samples = list(self._samples.get(service, ()))
        recent = [s for at, s in samples if at >= now - self.before_seconds] or [s for _, s in samples[-1:]]
        latency, rate = _means(recent)
        self._pending[service] = _Pending(service, previous, desired, now, self.effect_ticks, latency, rate)

    def forget(self, service: str) -> None:
        """Stop judging (the count changed by other means)."""
        self._pending.pop(service, None)

    def tick(self, now: float) -> list[Verdict]:
        """Count one decision tick; the verdicts of the scale-outs whose N ticks are up."""
        verdicts = []
        for service, pending in list(self._pending.items()):
            if pending.ticks_left > 1:
                self._pending[service] = _Pending(**{**pending.__dict__, "ticks_left": pending.ticks_left - 1})
                continue
            del self._pending[service]
            verdicts.append(self._judge(pending, now))
        return verdicts

    def _judge(self, pending: _Pending, now: float) -> Verdict:
        since = pending.at + (now - pending.at) / 2
        after = [s for at, s in self._samples.get(pending.service, ()) if at > since]
        latency, rate = _means(after)
        before_l, before_r = pending.latency_before_ms, pending.rate_before
        tol = self.tolerance
        if not after:
            effective, reason = False, "no load reported after the scale-out"
        elif before_l > 0 and latency <= before_l * (1 - tol):
            effective, reason = True, f"mean latency {before_l:.0f} -> {latency:.0f} ms"
        elif rate >= before_r * (1 + tol) and rate > 0 and latency <= before_l * (1 + tol):
            effective, reason = True, f"rate {before_r:.1f} -> {rate:.1f}/s, latency held"
        else:
            effective = False
            reason = (
                f"no improvement: mean latency {before_l:.0f} -> {latency:.0f} ms, rate {before_r:.1f} -> {rate:.1f}/s"
            )
        return Verdict(
            pending.service,
            effective,
            pending.previous,
            pending.desired,
            pending.at,
            now,
            round(before_l, 1),
            round(latency, 1),
            round(before_r, 2),
            round(rate, 2),
            reason,
        )


def _means(samples: Sequence[LoadSignals]) -> tuple[float, float]:
    """Mean latency weighted by requests, and the mean rate."""
    if not samples:
        return 0.0, 0.0
    rate = sum(s.request_rate for s in samples) / len(samples)
    weight = sum(s.request_rate for s in samples)
    if weight <= 0:
        return sum(s.latency_mean_ms for s in samples) / len(samples), rate
    return sum(s.latency_mean_ms * s.request_rate for s in samples) / weight, rate
