"""The guard chain a replica puts in front of one downstream edge (``"gateway->payments"``).

Order: token bucket -> circuit breaker -> bulkhead -> timeout -> bounded retry. A refusal by
a guard answers at once (429 rate limiter, 503 breaker/bulkhead) and is no outcome of the
dependency. Every attempt that reached the dependency is an outcome: 2xx/3xx success, 4xx
excluded (the dependency answered, the request was wrong), and so is a shed answer (its own tier
or flag switched the work off: counting it a failure would open the breaker against a refusal
AREF asked for), other 5xx / timeout / exception failure.
A failure is retried (at most ``retries`` times, with ``backoff_s * attempt`` between) only
when repeating is safe: the answer came from the fault hook (the operation never ran), or the
caller marked the call idempotent; never once the breaker has opened. Outcomes accumulate
until ``drain_report`` turns them into one ``OutcomeReport`` with the next sequence number.
A synthetic call (the prober's) through a closed breaker is no outcome: it is counted in
``totals["synthetic"]`` only, so breaker windows and the tiers judged on them hold customer
calls alone (a probe every 2 s would otherwise keep a window fresh long after the load stopped).
Through a half-open breaker it is a trial like any call, its outcome counted: with no customer
traffic, the prober is what finds the dependency back and closes the breaker.
The local breaker follows shared decisions through ``align_local`` (never less restrictive).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aref.absorption.breaker import BreakerConfig, BreakerState, CircuitBreaker
from aref.absorption.bulkhead import Bulkhead, Permit
from aref.absorption.rate_limiter import TokenBucket
from aref.absorption.shared_breaker import BreakerDecision, OutcomeReport, align_local
from aref.clock import Clock
from aref.config import AbsorptionSettings
from aref.errors import InvalidInputError, RejectedError
from aref.records import to_record
from services.base.envelope import Envelope, error_envelope, is_injected
from services.base.synthetic import is_synthetic

Sleep = Callable[[float], Awaitable[None]]
Call = Callable[[], Awaitable[Envelope]]
TOTALS = ("calls", "successes", "failures", "excluded", "rejected", "retries", "timeouts", "synthetic")
Listener = Callable[[str, str], None]
"""Told ``(edge, what)`` for every success, failure, exclusion, rejection, retry and timeout."""


@dataclass(frozen=True)
class GuardPolicy:
    breaker: BreakerConfig = field(default_factory=BreakerConfig)
    max_concurrent: int = 50
    max_queue: int = 0
    rate_per_second: float = 100.0
    burst: int = 20
    timeout_s: float = 5.0
    retries: int = 1
    backoff_s: float = 0.05

    def __post_init__(self) -> None:
        if self.timeout_s <= 0:
            raise InvalidInputError("timeout_s", "must be > 0")
        if not 0 <= self.retries <= 3:
            raise InvalidInputError("retries", "must be between 0 and 3")
        if self.backoff_s < 0:
            raise InvalidInputError("backoff_s", "must be >= 0")

    @classmethod
    def from_settings(cls, settings: AbsorptionSettings, **overrides: Any) -> GuardPolicy:
        base: dict[str, Any] = {
            "breaker": BreakerConfig.from_settings(settings),
            "max_concurrent": settings.bulkhead_max_concurrent,
            "rate_per_second": settings.rate_limit_requests_per_second,
            "burst": settings.rate_limit_burst,
        }
        return cls(**{**base, **overrides})


class EdgeGuard:
    def __init__(
        self,
        edge: str,
        reporter_id: str,
        policy: GuardPolicy,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        *,
        listener: Listener | None = None,
    ) -> None:
        self.edge = edge
        self._listener = listener
        self.policy = policy
        self._reporter = reporter_id
        self._clock = clock
        self._sleep = sleep
        self.breaker = CircuitBreaker(edge, policy.breaker, clock)
        self.bulkhead = Bulkhead(edge, policy.max_concurrent, policy.max_queue)
        self.limiter = TokenBucket(policy.rate_per_second, policy.burst, clock, name=edge)
        self._waiters: dict[int, asyncio.Future[None]] = {}
        self._pending = {"successes": 0, "failures": 0, "excluded": 0}
        self._first_at: float | None = None
        self._sequence = 0
        self.totals = dict.fromkeys(TOTALS, 0)
        self._outcomes = 0  # outcomes recorded on the breaker, to tell a call that ended without one

    async def call(self, call: Call, *, idempotent: bool = False) -> Envelope:
        """Run ``call`` through the chain; always answers with an envelope."""
        self.totals["calls"] += 1
        admitted = False
        try:
            self.limiter.acquire()
            counted = not is_synthetic() or self.breaker.state is not BreakerState.CLOSED
            if counted:
                self.breaker.acquire()
                admitted = True
            permit = await self._enter()
        except BaseException as exc:
            if admitted:  # let in by the breaker, refused or cancelled before the call: no outcome
                self.breaker.release()
            if not isinstance(exc, RejectedError):
                raise
            self._note("rejected")
            return error_envelope(exc)
        outcomes = self._outcomes
        try:
            return await self._attempts(call, idempotent, counted)
        finally:
            self._leave(permit)
            if admitted and self._outcomes == outcomes:  # cancelled mid-call: no outcome was recorded
                self.breaker.release()

    def apply_decision(self, decision: BreakerDecision) -> BreakerState:
        """Follow the registry's decision for this edge; returns the state acted on."""
        return align_local(self.breaker, decision)

    def drain_report(self) -> OutcomeReport | None:
        """The outcomes since the last report, or None when there were none.

        The report is dated at its first outcome, so a batch straddling a change of the shared
        state is not judged by the new state (the registry ignores outcomes older than its state).
        """
        if self._first_at is None:
            return None
        self._sequence += 1
        report = OutcomeReport(
            edge=self.edge, reporter_id=self._reporter, at=self._first_at, sequence=self._sequence, **self._pending
        )
        self._pending = dict.fromkeys(self._pending, 0)
        self._first_at = None
        return report

    def snapshot(self) -> dict[str, Any]:
        return {
            "edge": self.edge,
            "breaker": to_record(self.breaker.snapshot()),
            "bulkhead": to_record(self.bulkhead.snapshot()),
            "rate_limiter": to_record(self.limiter.snapshot()),
            "totals": dict(self.totals),
        }

    async def _attempts(self, call: Call, idempotent: bool, counted: bool) -> Envelope:
        attempt = 0
        while True:
            attempt += 1
            answer, repeatable = await self._once(call, idempotent, counted)
            if not answer.server_error:
                return answer
            if attempt > self.policy.retries or not repeatable or self.breaker.state is not BreakerState.CLOSED:
                return answer
            self._note("retries")
            await self._sleep(self.policy.backoff_s * attempt)

    async def _once(self, call: Call, idempotent: bool, counted: bool) -> tuple[Envelope, bool]:
        """One attempt and whether repeating it is safe."""
        try:
            answer = await asyncio.wait_for(call(), self.policy.timeout_s)
        except TimeoutError:
            self._note("timeouts")
            self._count("failures", counted)
            error = f"{self.edge} timed out after {self.policy.timeout_s:g}s"
            return Envelope(504, {"error": error, "edge": self.edge}), idempotent
        except Exception as exc:  # the dependency is unreachable (replica died, handle failed, ...)
            self._count("failures", counted)
            error = f"{self.edge} unavailable: {type(exc).__name__}: {exc}"
            return Envelope(503, {"error": error[:500], "edge": self.edge}), idempotent
        if answer.server_error and not answer.shed:
            self._count("failures", counted)
            return answer, is_injected(answer) or idempotent
        self._count("excluded" if answer.status >= 400 else "successes", counted)
        return answer, False

    def _note(self, what: str) -> None:
        self.totals[what] += 1
        if self._listener is not None:
            self._listener(self.edge, what)

    def _count(self, outcome: str, counted: bool) -> None:
        if not counted:
            self.totals["synthetic"] += 1
            return
        if self._first_at is None:
            self._first_at = self._clock.now()
        self._pending[outcome] += 1
        self._outcomes += 1
        self._note(outcome)
        if outcome == "successes":
            self.breaker.record_success()
        elif outcome == "failures":
            self.breaker.record_failure()
        else:
            self.breaker.record(excluded=1)

    async def _enter(self) -> Permit:
        permit = self.bulkhead.try_acquire()
        if not permit.queued:
            return permit
        active = Permit(self.edge, permit.number)
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters[permit.number] = waiter
        try:
            await asyncio.wait_for(waiter, self.policy.timeout_s)
        except BaseException as exc:
            self._waiters.pop(permit.number, None)
            if self.bulkhead.is_active(active):  # promoted just as the wait ended
                self._leave(active)
            else:
                self.bulkhead.release(permit)
            if isinstance(exc, TimeoutError):
                raise RejectedError("bulkhead", self.edge, f"queued longer than {self.policy.timeout_s:g}s") from None
            raise
        return active

    def _leave(self, permit: Permit) -> None:
        promoted = self.bulkhead.release(permit)
        if promoted is not None:
            waiter = self._waiters.pop(promoted.number, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
