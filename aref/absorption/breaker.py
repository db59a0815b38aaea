"""Circuit breaker: a clock-driven CLOSED/OPEN/HALF_OPEN state machine over a count window.

Invariants:
- CLOSED judges the last ``window_size`` counted outcomes; once the window holds at least
  ``minimum_calls`` and the failure rate is >= ``failure_rate_threshold`` it opens.
- With ``window_max_age`` an outcome observed longer ago than that leaves the window (and the
  failure rate a snapshot reports): old failures say nothing about the callee now, whether the
  breaker is closed or is half-open with its opening window still held.
- OPEN refuses every call until ``recovery_timeout`` has passed, then becomes HALF_OPEN
  lazily (on the next ``state`` read, ``allow()`` or ``tick()``); the transition is dated
  at ``retry_at``, not at the moment it is noticed.
- HALF_OPEN admits at most ``half_open_max_calls`` probes; when that many succeed it closes
  with an empty window, any probe failure reopens it and restarts the timer. A probe that ends
  without a judging outcome (excluded, refused further on, cancelled) frees its slot (``release``).
- Error kinds in ``excluded_errors`` count as neither success nor failure.
- A batch of outcomes (``record``) is judged once, failures entering the window last.
- Outcomes observed before the current state began (``at`` earlier than ``since``) count
  in the totals but decide nothing: they belong to a state that is gone.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from aref.clock import Clock
from aref.config import AbsorptionSettings
from aref.errors import InvalidInputError, RejectedError


class BreakerState(StrEnum):
    """Declared from least to most restrictive; compare with ``rank``."""

    CLOSED = "closed"
    HALF_OPEN = "half_open"
    OPEN = "open"

    @property
    def rank(self) -> int:
        return list(BreakerState).index(self)


@dataclass(frozen=True)
class BreakerConfig:
    failure_rate_threshold: float = 0.5
    window_size: int = 20
    minimum_calls: int = 5
    recovery_timeout: float = 30.0
    half_open_max_calls: int = 3
    excluded_errors: frozenset[str] = field(default_factory=frozenset)
    window_max_age: float | None = None  # seconds an outcome stays in the window; None: until pushed out

    def __post_init__(self) -> None:
        if not 0 < self.failure_rate_threshold <= 1:
            raise InvalidInputError("failure_rate_threshold", "must be in (0, 1]")
        if self.minimum_calls < 1:
            raise InvalidInputError("minimum_calls", "must be >= 1")
        if self.window_size < self.minimum_calls:
            raise InvalidInputError("window_size", f"must be >= minimum_calls ({self.minimum_calls})")
        if self.recovery_timeout <= 0:
            raise InvalidInputError("recovery_timeout", "must be > 0")
        if self.half_open_max_calls < 1:
            raise InvalidInputError("half_open_max_calls", "must be >= 1")
        if self.window_max_age is not None and self.window_max_age <= 0:
            raise InvalidInputError("window_max_age", "must be > 0")
        object.__setattr__(self, "excluded_errors", frozenset(self.excluded_errors))

    @classmethod
    def from_settings(
        cls, settings: AbsorptionSettings, excluded_errors: frozenset[str] = frozenset()
    ) -> BreakerConfig:
        return cls(
            failure_rate_threshold=settings.circuit_breaker_failure_rate,
            window_size=settings.circuit_breaker_window_size,
            minimum_calls=settings.circuit_breaker_failure_threshold,
            recovery_timeout=settings.circuit_breaker_recovery_timeout,
            half_open_max_calls=settings.circuit_breaker_half_open_max_calls,
            excluded_errors=excluded_errors,
            window_max_age=settings.signal_max_age_seconds,
        )


@dataclass(frozen=True)
class BreakerTransition:
    breaker: str
    from_state: BreakerState
    to_state: BreakerState
    at: float
    reason: str
    failure_rate: float


TransitionListener = Callable[[BreakerTransition], None]


@dataclass(frozen=True)
class BreakerSnapshot:
    name: str
    state: BreakerState
    failure_rate: float
    calls_in_window: int
    failures: int
    opened_at: float | None
    retry_at: float | None
    total_calls: int
    total_rejected: int
    transitions: int
    since: float
    last_outcome_at: float | None = None  # when the newest counted outcome was observed; None: never


class CircuitBreaker:
    """One breaker; all state changes go through ``_transition`` and reach every listener."""

    def __init__(self, name: str, config: BreakerConfig, clock: Clock) -> None:
        if not name:
            raise InvalidInputError("name", "must not be empty")
        self._name = name
        self._config = config
        self._clock = clock
        self._window: deque[tuple[float, bool]] = deque(maxlen=config.window_size)  # (observed at, failed)
        self._state = BreakerState.CLOSED
        self._since = clock.now()
        self._opened_at: float | None = None
        self._retry_at: float | None = None
        self._probes_admitted = 0
        self._probe_successes = 0
        self._total_calls = 0
        self._total_rejected = 0
        self._transitions = 0
        self._last_outcome_at: float | None = None
        self._listeners: list[TransitionListener] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def config(self) -> BreakerConfig:
        return self._config

    def add_listener(self, listener: TransitionListener) -> None:
        self._listeners.append(listener)

    @property
    def state(self) -> BreakerState:
        self._refresh()
        return self._state

    @property
    def failure_rate(self) -> float:
        window = self._recent()
        return sum(window) / len(window) if window else 0.0

    def _recent(self) -> list[bool]:
        """The window's outcomes (True = failure) not older than ``window_max_age``."""
        if self._config.window_max_age is None:
            return [failed for _, failed in self._window]
        oldest = self._clock.now() - self._config.window_max_age
        return [failed for at, failed in self._window if at >= oldest]

    def allow(self) -> bool:
        """Whether a call may go through now; a HALF_OPEN admission uses up one probe."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and self._probes_admitted < self._config.half_open_max_calls:
            self._probes_admitted += 1
            return True
        self._total_rejected += 1
        return False

    def release(self) -> None:
        """An admitted half-open probe ended without an outcome that judges the callee (refused further
        on, cancelled, or an excluded answer): its slot is free again. Without this, three such probes
        would leave the breaker refusing every call until its state is changed from outside."""
        if self._state is BreakerState.HALF_OPEN and self._probes_admitted > 0:
            self._probes_admitted -= 1

    def acquire(self) -> None:
        """Like ``allow()`` but raises ``RejectedError("circuit_breaker", name)`` on refusal."""
        if not self.allow():
            detail = (
                f"open until {self._retry_at}"
                if self._state is BreakerState.OPEN
                else f"half-open, all {self._config.half_open_max_calls} probes in use"
            )
            raise RejectedError("circuit_breaker", self._name, detail)

    def record_success(self, *, at: float | None = None) -> BreakerState:
        return self.record(successes=1, at=at)

    def record_failure(self, error_kind: str | None = None, *, at: float | None = None) -> BreakerState:
        if error_kind is not None and error_kind in self._config.excluded_errors:
            return self.record(excluded=1, at=at)
        return self.record(failures=1, at=at)

    def record(
        self, *, successes: int = 0, failures: int = 0, excluded: int = 0, at: float | None = None
    ) -> BreakerState:
        """Record a batch of call outcomes observed at ``at`` (default: now); returns the new state."""
        for name, value in (("successes", successes), ("failures", failures), ("excluded", excluded)):
            if value < 0:
                raise InvalidInputError(name, "must be >= 0")
        state = self.state
        self._total_calls += successes + failures + excluded
        if successes + failures + excluded:
            observed = self._clock.now() if at is None else at
            self._last_outcome_at = max(observed, self._last_outcome_at or observed)
        if at is not None and at < self._since:
            return state
        if state is BreakerState.HALF_OPEN:
            for _ in range(excluded):
                self.release()
        if state is BreakerState.CLOSED:
            self._judge_window(successes, failures, self._clock.now() if at is None else at)
        elif state is BreakerState.HALF_OPEN:
            self._judge_probes(successes, failures)
        return self._state

    def tick(self) -> BreakerState:
        """Periodic check: performs a due OPEN -> HALF_OPEN transition."""
        return self.state

    def force_open(self, reason: str, *, until: float | None = None) -> None:
        """Open now (e.g. following a shared decision); stays open until ``until`` if given."""
        if self._state is not BreakerState.OPEN:
            self._transition(BreakerState.OPEN, self._clock.now(), reason, self.failure_rate)
        if until is not None:
            self._retry_at = until

    def restore(
        self, state: BreakerState, *, since: float, opened_at: float | None = None, retry_at: float | None = None
    ) -> None:
        """Reload a persisted state without notifying listeners; the window starts empty."""
        if state is BreakerState.OPEN and (opened_at is None or retry_at is None):
            raise InvalidInputError("retry_at", "an OPEN breaker needs opened_at and retry_at")
        self._window.clear()
        self._state = state
        self._since = since
        self._opened_at = None if state is BreakerState.CLOSED else opened_at
        self._retry_at = retry_at if state is BreakerState.OPEN else None
        self._probes_admitted = self._probe_successes = 0

    def snapshot(self) -> BreakerSnapshot:
        state = self.state
        window = self._recent()
        return BreakerSnapshot(
            name=self._name,
            state=state,
            failure_rate=sum(window) / len(window) if window else 0.0,
            calls_in_window=len(window),
            failures=sum(window),
            opened_at=self._opened_at,
            retry_at=self._retry_at,
            total_calls=self._total_calls,
            total_rejected=self._total_rejected,
            transitions=self._transitions,
            since=self._since,
            last_outcome_at=self._last_outcome_at,
        )

    def _refresh(self) -> None:
        if self._state is BreakerState.OPEN and self._retry_at is not None and self._clock.now() >= self._retry_at:
            self._transition(BreakerState.HALF_OPEN, self._retry_at, "recovery timeout elapsed", self.failure_rate)

    def _judge_window(self, successes: int, failures: int, at: float) -> None:
        self._window.extend([(at, False)] * min(successes, self._config.window_size))
        self._window.extend([(at, True)] * min(failures, self._config.window_size))
        window = self._recent()
        calls, rate = len(window), sum(window) / len(window) if window else 0.0
        if calls >= self._config.minimum_calls and rate >= self._config.failure_rate_threshold:
            reason = f"failure rate {rate:.2f} >= {self._config.failure_rate_threshold:.2f} over {calls} calls"
            self._transition(BreakerState.OPEN, self._clock.now(), reason, rate)

    def _judge_probes(self, successes: int, failures: int) -> None:
        if failures:
            rate = failures / (successes + failures)
            self._transition(BreakerState.OPEN, self._clock.now(), f"{failures} probe(s) failed", rate)
            return
        self._probe_successes += successes
        if self._probe_successes >= self._config.half_open_max_calls:
            reason = f"{self._probe_successes} probes succeeded"
            self._transition(BreakerState.CLOSED, self._clock.now(), reason, 0.0)

    def _transition(self, to: BreakerState, at: float, reason: str, failure_rate: float) -> None:
        change = BreakerTransition(self._name, self._state, to, at, reason, failure_rate)
        self._state = to
        self._since = at
        self._transitions += 1
        self._probes_admitted = self._probe_successes = 0
        if to is BreakerState.OPEN:
            self._opened_at = at
            self._retry_at = at + self._config.recovery_timeout
        elif to is BreakerState.HALF_OPEN:
            self._retry_at = None
        else:
            self._window.clear()
            self._opened_at = self._retry_at = None
        for listener in self._listeners:
            listener(change)
