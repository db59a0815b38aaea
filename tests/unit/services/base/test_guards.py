from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable

import pytest

from aref.absorption.breaker import BreakerConfig, BreakerState
from aref.absorption.shared_breaker import BreakerDecision, OutcomeReport
from aref.config import AbsorptionSettings
from aref.errors import InvalidInputError
from aref.testing import FakeClock
from services.base.envelope import Envelope
from services.base.guards import EdgeGuard, GuardPolicy
from services.base.synthetic import synthetic_scope

OK = Envelope(200, {"ok": True})
BAD_INPUT = Envelope(422, {"error": "amount: must be > 0"})
BROKEN = Envelope(500, {"error": "internal error (KeyError)"})
INJECTED = Envelope(503, {"error": "injected error fault in payments", "fault": {"id": "FLT-1", "kind": "error"}})


class FakeSleep:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.slept: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock.advance(seconds)


def answers(*replies: Envelope | BaseException) -> tuple[Callable[[], Awaitable[Envelope]], list[int]]:
    """A downstream call answering ``replies`` in order; the list counts the calls made."""
    made: list[int] = []
    queue = list(replies)

    async def call() -> Envelope:
        made.append(1)
        reply = queue.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        return reply

    return call, made


def guard(
    clock: FakeClock, sleep: FakeSleep | None = None, seen: list[tuple[str, str]] | None = None, **policy: object
) -> EdgeGuard:
    defaults: dict[str, object] = {
        "breaker": BreakerConfig(failure_rate_threshold=0.5, window_size=4, minimum_calls=4, recovery_timeout=30.0),
        "timeout_s": 0.05,
        "retries": 1,
        "backoff_s": 0.1,
    }
    listener = None if seen is None else (lambda edge, what: seen.append((edge, what)))
    return EdgeGuard(
        "gateway->payments",
        "gateway#gateway#r1",
        GuardPolicy(**{**defaults, **policy}),  # type: ignore[arg-type]
        clock,
        sleep or FakeSleep(clock),
        listener=listener,
    )


def run_all(
    edge: EdgeGuard, calls: Iterable[Callable[[], Awaitable[Envelope]]], *, idempotent: bool = False
) -> list[Envelope]:
    async def main() -> list[Envelope]:
        return [await edge.call(c, idempotent=idempotent) for c in calls]

    return asyncio.run(main())


def test_a_success_passes_through_and_is_counted() -> None:
    clock = FakeClock(10.0)
    seen: list[tuple[str, str]] = []
    edge = guard(clock, seen=seen)
    call, made = answers(OK)

    assert run_all(edge, [call]) == [OK]
    assert len(made) == 1
    assert seen == [("gateway->payments", "successes")]
    assert edge.drain_report() == OutcomeReport("gateway->payments", "gateway#gateway#r1", 1, 0, 0, 10.0, 1)
    assert edge.drain_report() is None


def test_a_client_error_is_an_excluded_outcome_and_never_retried() -> None:
    edge = guard(FakeClock())
    call, made = answers(BAD_INPUT)

    assert run_all(edge, [call], idempotent=True) == [BAD_INPUT]
    assert len(made) == 1
    report = edge.drain_report()
    assert report is not None
    assert (report.successes, report.failures, report.excluded) == (0, 0, 1)


def test_an_injected_failure_is_retried_once_after_the_backoff() -> None:
    clock = FakeClock()
    sleep = FakeSleep(clock)
    edge = guard(clock, sleep)
    call, made = answers(INJECTED, OK)

    assert run_all(edge, [call]) == [OK]
    assert (len(made), sleep.slept, edge.totals["retries"]) == (2, [0.1], 1)
    report = edge.drain_report()
    assert report is not None
    assert (report.successes, report.failures) == (1, 1)


def test_a_real_server_error_is_retried_only_for_idempotent_calls() -> None:
    edge = guard(FakeClock())
    once, made_once = answers(BROKEN)
    twice, made_twice = answers(BROKEN, BROKEN)

    assert run_all(edge, [once]) == [BROKEN]
    assert run_all(edge, [twice], idempotent=True) == [BROKEN]
    assert (len(made_once), len(made_twice)) == (1, 2)


def test_retries_are_bounded() -> None:
    edge = guard(FakeClock(), retries=2, breaker=BreakerConfig(window_size=20, minimum_calls=20))
    call, made = answers(INJECTED, INJECTED, INJECTED, OK)

    assert run_all(edge, [call]) == [INJECTED]
    assert len(made) == 3


def test_a_timeout_answers_504_and_is_a_failure() -> None:
    async def hang() -> Envelope:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    edge = guard(FakeClock(), retries=0, timeout_s=0.001)

    [answer] = run_all(edge, [hang])

    assert answer == Envelope(504, {"error": "gateway->payments timed out after 0.001s", "edge": "gateway->payments"})
    assert (edge.totals["timeouts"], edge.totals["failures"]) == (1, 1)


def test_an_exception_from_the_transport_answers_503() -> None:
    edge = guard(FakeClock(), retries=0)
    call, _ = answers(ConnectionError("replica died"))

    [answer] = run_all(edge, [call])

    assert answer.status == 503
    assert answer.body["error"] == "gateway->payments unavailable: ConnectionError: replica died"


def test_failures_open_the_breaker_which_then_refuses_without_calling() -> None:
    clock = FakeClock()
    edge = guard(clock, retries=0)
    calls = [answers(BROKEN)[0] for _ in range(4)]
    refused, made = answers(OK)

    run_all(edge, calls)
    [answer] = run_all(edge, [refused])

    assert edge.breaker.state is BreakerState.OPEN
    assert answer.status == 503
    assert answer.body["guard"] == "circuit_breaker"
    assert (len(made), edge.totals["rejected"]) == (0, 1)
    report = edge.drain_report()
    assert report is not None
    assert report.failures == 4


def test_a_shed_refusal_is_excluded_never_retried_and_never_opens_the_breaker() -> None:
    edge = guard(FakeClock())
    shed = Envelope(503, {"error": "orders: new_orders is off at degradation tier emergency"}, shed=True)
    calls = [answers(shed) for _ in range(6)]

    assert run_all(edge, [c for c, _ in calls], idempotent=True) == [shed] * 6
    assert [len(made) for _, made in calls] == [1] * 6
    assert edge.breaker.state is BreakerState.CLOSED
    report = edge.drain_report()
    assert report is not None
    assert (report.successes, report.failures, report.excluded) == (0, 0, 6)


def test_no_retry_once_the_breaker_has_opened() -> None:
    edge = guard(FakeClock(), retries=1)
    for _ in range(3):
        run_all(edge, [answers(BROKEN)[0]])
    last, made = answers(INJECTED, OK)

    assert run_all(edge, [last]) == [INJECTED]
    assert len(made) == 1
    assert edge.breaker.state is BreakerState.OPEN


def test_a_shared_open_decision_opens_the_local_breaker_until_its_retry_time() -> None:
    clock = FakeClock(100.0)
    edge = guard(clock)

    state = edge.apply_decision(
        BreakerDecision("gateway->payments", BreakerState.OPEN, 7, since=99.0, opened_at=99.0, retry_at=120.0)
    )
    [refused] = run_all(edge, [answers(OK)[0]])
    clock.set(120.0)

    assert state is BreakerState.OPEN
    assert refused.status == 503
    assert edge.breaker.state is BreakerState.HALF_OPEN


def test_the_rate_limiter_answers_429_when_the_bucket_is_empty() -> None:
    edge = guard(FakeClock(), rate_per_second=1.0, burst=2)
    calls = [answers(OK)[0] for _ in range(3)]

    assert [a.status for a in run_all(edge, calls)] == [200, 200, 429]


def test_a_full_bulkhead_refuses_and_a_queued_call_runs_when_a_permit_frees() -> None:
    async def main() -> tuple[list[Envelope], list[Envelope]]:
        gate = asyncio.Event()

        async def slow() -> Envelope:
            await gate.wait()
            return OK

        edge = guard(FakeClock(), max_concurrent=1, max_queue=1, timeout_s=5.0)
        first = asyncio.create_task(edge.call(slow))
        await asyncio.sleep(0)
        queued = asyncio.create_task(edge.call(answers(OK)[0]))
        await asyncio.sleep(0)
        refused = await edge.call(answers(OK)[0])
        gate.set()
        done = await asyncio.gather(first, queued)
        assert edge.bulkhead.snapshot().active == 0
        return [refused], list(done)

    refused, done = asyncio.run(main())

    assert refused[0].status == 503
    assert refused[0].body["guard"] == "bulkhead"
    assert done == [OK, OK]


def test_a_call_queued_too_long_is_refused_and_leaves_the_bulkhead_clean() -> None:
    async def main() -> Envelope:
        gate = asyncio.Event()

        async def slow() -> Envelope:
            await gate.wait()
            return OK

        edge = guard(FakeClock(), max_concurrent=1, max_queue=1, timeout_s=0.001, retries=0)
        first = asyncio.create_task(edge.call(slow))
        await asyncio.sleep(0)
        queued = await edge.call(answers(OK)[0])
        gate.set()
        await first
        snapshot = edge.bulkhead.snapshot()
        assert (snapshot.active, snapshot.queued) == (0, 0)
        return queued

    answer = asyncio.run(main())

    assert answer.status == 503
    assert answer.body["guard"] == "bulkhead"


def test_a_report_is_dated_at_its_first_outcome() -> None:
    clock = FakeClock(10.0)
    edge = guard(clock)
    run_all(edge, [answers(OK)[0]])
    clock.advance(0.7)
    run_all(edge, [answers(BROKEN)[0]])
    clock.advance(0.3)

    report = edge.drain_report()

    assert report == OutcomeReport("gateway->payments", "gateway#gateway#r1", 1, 1, 0, 10.0, 1)


def test_report_sequences_grow_by_one() -> None:
    edge = guard(FakeClock())
    run_all(edge, [answers(OK)[0]])
    first = edge.drain_report()
    run_all(edge, [answers(OK)[0]])
    second = edge.drain_report()

    assert first is not None
    assert second is not None
    assert (first.sequence, second.sequence) == (1, 2)


def test_policy_from_settings_and_bounds() -> None:
    policy = GuardPolicy.from_settings(AbsorptionSettings(), timeout_s=2.0)

    assert (policy.max_concurrent, policy.rate_per_second, policy.burst, policy.timeout_s) == (50, 100.0, 20, 2.0)
    assert policy.breaker.minimum_calls == 5
    with pytest.raises(InvalidInputError):
        GuardPolicy(retries=4)
    with pytest.raises(InvalidInputError):
        GuardPolicy(timeout_s=0)


def test_snapshot_shows_every_guard() -> None:
    edge = guard(FakeClock())
    run_all(edge, [answers(OK)[0]])

    snap = edge.snapshot()

    assert snap["edge"] == "gateway->payments"
    assert snap["breaker"]["state"] == "closed"
    assert snap["bulkhead"]["total_admitted"] == 1
    assert snap["totals"]["calls"] == 1


def run_synthetic(edge: EdgeGuard, calls: Iterable[Callable[[], Awaitable[Envelope]]]) -> list[Envelope]:
    async def main() -> list[Envelope]:
        with synthetic_scope():
            return [await edge.call(c) for c in calls]

    return asyncio.run(main())


def test_a_synthetic_call_is_answered_but_is_no_outcome_of_the_edge() -> None:
    edge = guard(FakeClock(), retries=0)
    calls = [answers(BROKEN)[0] for _ in range(4)]

    assert [a.status for a in run_synthetic(edge, calls)] == [BROKEN.status] * 4
    assert edge.breaker.state is BreakerState.CLOSED  # four failures, none of them a customer's
    assert edge.drain_report() is None
    assert (edge.totals["synthetic"], edge.totals["failures"]) == (4, 0)


def test_through_a_half_open_breaker_a_synthetic_call_is_a_trial_whose_outcome_counts() -> None:
    """With no customer traffic the prober's calls are what find the dependency back."""
    clock = FakeClock(100.0)
    edge = guard(clock)
    edge.apply_decision(
        BreakerDecision("gateway->payments", BreakerState.OPEN, 7, since=99.0, opened_at=99.0, retry_at=120.0)
    )
    clock.set(120.0)
    probe, made = answers(OK)

    assert run_synthetic(edge, [probe]) == [OK]
    report = edge.drain_report()
    assert (len(made), edge.totals["synthetic"]) == (1, 0)
    assert report is not None
    assert report.successes == 1


def test_a_half_open_probe_cancelled_mid_call_frees_its_slot() -> None:
    """A caller that gives up (a client disconnect cancels the request) must not use up a probe."""
    clock = FakeClock(100.0)
    edge = guard(clock)
    edge.apply_decision(
        BreakerDecision("gateway->payments", BreakerState.OPEN, 7, since=99.0, opened_at=99.0, retry_at=120.0)
    )
    clock.set(120.0)
    started = asyncio.Event()

    async def hangs() -> Envelope:
        started.set()
        await asyncio.Event().wait()
        return OK

    async def main() -> None:
        for _ in range(3):  # three probes, each cancelled before it answered
            task = asyncio.create_task(edge.call(hangs))
            await started.wait()
            started.clear()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    edge.policy = GuardPolicy(**{**edge.policy.__dict__, "timeout_s": 10.0})  # type: ignore[arg-type]
    asyncio.run(main())
    ok, made = answers(OK, OK, OK)
    assert run_all(edge, [ok, ok, ok]) == [OK, OK, OK]  # the slots were free: three probes, then closed
    assert (len(made), edge.breaker.state) == (3, BreakerState.CLOSED)
