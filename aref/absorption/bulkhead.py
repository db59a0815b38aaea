"""Bulkhead: a concurrency limit for one partition, as a pure semaphore-like counter.

Invariants: at most ``max_concurrent`` permits are active and at most ``max_queue`` wait;
a full bulkhead refuses with ``RejectedError("bulkhead", name)``. Waiting permits are
promoted in FIFO order by ``release``, which hands the promoted permit back so the caller
(async glue) can wake its waiter. Releasing a permit twice is an error.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from aref.errors import InvalidInputError, RejectedError


@dataclass(frozen=True)
class Permit:
    bulkhead: str
    number: int
    queued: bool = False


@dataclass(frozen=True)
class BulkheadSnapshot:
    name: str
    max_concurrent: int
    max_queue: int
    active: int
    queued: int
    rejected: int
    peak: int
    total_admitted: int


class Bulkhead:
    def __init__(self, name: str, max_concurrent: int, max_queue: int = 0) -> None:
        if not name:
            raise InvalidInputError("name", "must not be empty")
        if max_concurrent < 1:
            raise InvalidInputError("max_concurrent", "must be >= 1")
        if max_queue < 0:
            raise InvalidInputError("max_queue", "must be >= 0")
        self._name = name
        self._max_concurrent = max_concurrent
        self._max_queue = max_queue
        self._active: set[int] = set()
        self._queue: deque[int] = deque()
        self._next = 1
        self._rejected = 0
        self._peak = 0
        self._admitted = 0

    @property
    def name(self) -> str:
        return self._name

    @property
    def active(self) -> int:
        return len(self._active)

    @property
    def queued(self) -> int:
        return len(self._queue)

    @property
    def rejected(self) -> int:
        return self._rejected

    @property
    def peak(self) -> int:
        return self._peak

    def try_acquire(self) -> Permit:
        """An active permit, else a queued one, else ``RejectedError``."""
        number = self._next
        if len(self._active) < self._max_concurrent:
            self._next += 1
            self._activate(number)
            return Permit(self._name, number)
        if len(self._queue) < self._max_queue:
            self._next += 1
            self._queue.append(number)
            return Permit(self._name, number, queued=True)
        self._rejected += 1
        raise RejectedError(
            "bulkhead", self._name, f"{len(self._active)}/{self._max_concurrent} active, {len(self._queue)} queued"
        )

    def is_active(self, permit: Permit) -> bool:
        return permit.bulkhead == self._name and permit.number in self._active

    def release(self, permit: Permit) -> Permit | None:
        """Give a permit back (a queued one is cancelled); returns the permit promoted, if any."""
        if permit.bulkhead == self._name and permit.number in self._queue:
            self._queue.remove(permit.number)
            return None
        if not self.is_active(permit):
            raise InvalidInputError("permit", f"#{permit.number} is not held in bulkhead {self._name!r}")
        self._active.remove(permit.number)
        if not self._queue:
            return None
        promoted = self._queue.popleft()
        self._activate(promoted)
        return Permit(self._name, promoted)

    def snapshot(self) -> BulkheadSnapshot:
        return BulkheadSnapshot(
            name=self._name,
            max_concurrent=self._max_concurrent,
            max_queue=self._max_queue,
            active=len(self._active),
            queued=len(self._queue),
            rejected=self._rejected,
            peak=self._peak,
            total_admitted=self._admitted,
        )

    def _activate(self, number: int) -> None:
        self._active.add(number)
        self._admitted += 1
        self._peak = max(self._peak, len(self._active))
