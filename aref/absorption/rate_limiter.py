"""Token-bucket rate limiter driven by the injected clock.

Invariants: the bucket starts full (``burst`` tokens), refills at ``rate`` tokens per
second of clock time, never holds more than ``burst``, and a call takes ``n`` whole tokens
or nothing. A clock that steps back refills nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aref.clock import Clock
from aref.errors import InvalidInputError, RejectedError

# clock readings near 1.7e9 s are only exact to ~2.4e-7 s; this many units in the last place
# of the current time (times the rate) is forgiven, so k/rate seconds always yield k tokens
_ULPS_FORGIVEN = 4


@dataclass(frozen=True)
class RateLimiterSnapshot:
    name: str
    rate: float
    burst: int
    tokens: float
    allowed: int
    rejected: int


class TokenBucket:
    def __init__(self, rate: float, burst: int, clock: Clock, *, name: str = "") -> None:
        if rate <= 0:
            raise InvalidInputError("rate", "must be > 0")
        if burst < 1:
            raise InvalidInputError("burst", "must be >= 1")
        self._rate = rate
        self._burst = burst
        self._clock = clock
        self._name = name
        self._tokens = float(burst)
        self._last = clock.now()
        self._allowed = 0
        self._rejected = 0

    @property
    def name(self) -> str:
        return self._name

    @property
    def tokens(self) -> float:
        self._refill()
        return self._tokens

    def try_acquire(self, n: int = 1) -> bool:
        """Take ``n`` tokens if the bucket holds them."""
        self._check(n)
        slack = self._refill()
        if self._tokens + slack >= n:
            self._tokens = max(0.0, self._tokens - n)
            self._allowed += 1
            return True
        self._rejected += 1
        return False

    def acquire(self, n: int = 1) -> None:
        """Like ``try_acquire`` but raises ``RejectedError("rate_limiter", name)`` when empty."""
        if not self.try_acquire(n):
            raise RejectedError("rate_limiter", self._name, f"retry in {self.retry_after(n):.3f}s")

    def retry_after(self, n: int = 1) -> float:
        """Seconds until ``n`` tokens are available (0 when they already are)."""
        self._check(n)
        slack = self._refill()
        return 0.0 if self._tokens + slack >= n else (n - self._tokens) / self._rate

    def snapshot(self) -> RateLimiterSnapshot:
        return RateLimiterSnapshot(self._name, self._rate, self._burst, self.tokens, self._allowed, self._rejected)

    def _check(self, n: int) -> None:
        if not 1 <= n <= self._burst:
            raise InvalidInputError("n", f"must be between 1 and burst ({self._burst})")

    def _refill(self) -> float:
        """Add the tokens earned since the last refill; returns the rounding slack in tokens."""
        now = self._clock.now()
        elapsed = now - self._last
        if elapsed > 0:
            self._tokens = min(float(self._burst), self._tokens + elapsed * self._rate)
        self._last = now
        return _ULPS_FORGIVEN * math.ulp(now) * self._rate
