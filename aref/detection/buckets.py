"""Good/total event counts in fixed time buckets over a bounded horizon.

Memory is bounded by ``horizon_seconds / bucket_seconds + 1`` buckets whatever the event rate.
A window query counts every bucket that overlaps the window, so a window is read with at most
one bucket of extra history at its old end.
"""

from __future__ import annotations

import math
from collections import deque

from aref.errors import InvalidInputError


class BucketSeries:
    def __init__(self, bucket_seconds: float, horizon_seconds: float) -> None:
        if bucket_seconds <= 0:
            raise InvalidInputError("bucket_seconds", "must be > 0")
        if horizon_seconds < bucket_seconds:
            raise InvalidInputError("horizon_seconds", "must be >= bucket_seconds")
        self.bucket_seconds = bucket_seconds
        self.horizon_seconds = horizon_seconds
        self._buckets: deque[list[float]] = deque()  # [start, good, total, first_bad_at], oldest first
        self._latest = -math.inf

    def __len__(self) -> int:
        return len(self._buckets)

    def add(self, at: float, good: int, total: int) -> None:
        if good < 0 or total < 0:
            raise InvalidInputError("good" if good < 0 else "total", "must be >= 0")
        if good > total:
            raise InvalidInputError("good", "cannot exceed total")
        self._latest = max(self._latest, at)
        self.prune(self._latest)
        start = math.floor(at / self.bucket_seconds) * self.bucket_seconds
        if start + self.bucket_seconds <= self._latest - self.horizon_seconds:
            return  # older than the horizon: already forgotten
        position = len(self._buckets)
        while position > 0 and self._buckets[position - 1][0] > start:
            position -= 1
        if position > 0 and self._buckets[position - 1][0] == start:
            bucket = self._buckets[position - 1]
        else:
            bucket = [start, 0.0, 0.0, math.inf]
            self._buckets.insert(position, bucket)
        bucket[1] += good
        bucket[2] += total
        if total > good:
            bucket[3] = min(bucket[3], at)

    def prune(self, now: float) -> None:
        while self._buckets and self._buckets[0][0] + self.bucket_seconds <= now - self.horizon_seconds:
            self._buckets.popleft()

    def totals(self, since: float) -> tuple[int, int]:
        """(good, total) over the buckets that end after ``since``."""
        good = total = 0.0
        for start, g, t, _ in reversed(self._buckets):
            if start + self.bucket_seconds <= since:
                break
            good += g
            total += t
        return int(good), int(total)

    def first_bad_at(self, since: float) -> float | None:
        """Time of the oldest bad event in the buckets that end after ``since``."""
        first = math.inf
        for start, _, _, bad_at in reversed(self._buckets):
            if start + self.bucket_seconds <= since:
                break
            first = min(first, bad_at)
        return None if first == math.inf else first
