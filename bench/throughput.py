"""Bench piece of ``bench/reaction.py``: events through AREF's wiring beside raw one-way actor calls.

``wiring_burst`` publishes ``system.bench_probe`` events (only the timeline receives them) through
``RayPublisher`` and counts the deliveries its clients saw answered; ``raw_burst`` sends the same
batches to a trivial actor of its own, for the floor of a one-way call in the same run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from actors.client import ActorClient, client

BURST_S = 3.0
BATCHES = (1, 100)
MAX_EVENTS = 60_000


class RecordingClient(ActorClient):
    """An ``ActorClient`` that keeps every reply, so the bench can wait for and count deliveries."""

    def __init__(self, name: str) -> None:
        super().__init__(name, retry_lookup_s=5.0)
        self.replies: list[Any] = []

    def __getattr__(self, method: str) -> Callable[..., Any]:
        call = super().__getattr__(method)

        def keep(*args: Any, **kwargs: Any) -> Any:
            reply = call(*args, **kwargs)
            self.replies.append(reply)
            return reply

        return keep


async def wiring_burst(batch: int, seconds: float = BURST_S) -> dict[str, Any]:
    """``batch`` events per publish through ``RayPublisher`` for ``seconds``: events delivered per second
    (from the first publish until the subscriber answered the last delivery)."""
    from actors.environment import RayPublisher
    from aref.clock import SystemClock
    from aref.control.pillars.timeline import TimelineService
    from aref.control.wiring import TIMELINE, route
    from aref.events import Event, EventCategory

    clock, source = SystemClock(), f"bench-batch-{batch}"

    def events(n: int) -> list[Event]:
        return [
            Event.create(EventCategory.SYSTEM, "bench_probe", source=source, clock=clock, payload={"n": n + i})
            for i in range(batch)
        ]

    receivers = sorted(route(events(0), "bench"))
    publisher = RayPublisher()
    recorders = {name: RecordingClient(name) for name in receivers}
    publisher._clients.update(recorders)  # the publisher's own clients, recording: same routing, same calls
    sent, started = 0, time.monotonic()
    stop_at = started + seconds
    while sent < MAX_EVENTS and time.monotonic() < stop_at:
        publisher("bench", events(sent))
        sent += batch
    sending_s = time.monotonic() - started
    for recorder in recorders.values():
        await recorder.replies[-1]  # one caller's calls to an actor run in order: the last answered, all did
    done_s = time.monotonic() - started
    delivered = {name: sum(await asyncio.gather(*r.replies)) for name, r in recorders.items()}
    all_read_s = time.monotonic() - started
    timeline = await client(TimelineService, TIMELINE).status()
    return {
        "batch": batch,
        "receivers": receivers,
        "published": sent,
        "publish_calls": sent // batch,
        "sending_s": round(sending_s, 3),
        "delivered_s": round(done_s, 3),
        "all_replies_read_s": round(all_read_s, 3),
        "delivered": delivered,
        "publisher_failed": publisher.failed,
        "timeline_retains": timeline["by_source"].get(source, 0),
        "sent_per_s": round(sent / sending_s),
        "events_per_s": round(sum(delivered.values()) / done_s),
        "calls_per_s": round(sent // batch * len(receivers) / done_s),
    }


class _Sink:
    """A trivial async actor: counts what it is sent."""

    def __init__(self) -> None:
        self.taken = 0

    async def take(self) -> int:
        self.taken += 1
        return 1

    async def take_batch(self, batch: list[Any]) -> int:
        self.taken += len(batch)
        return len(batch)


async def raw_burst(batch: int, seconds: float = BURST_S) -> dict[str, Any]:
    """One-way calls on a fresh trivial actor for ``seconds`` (``batch`` 0: no argument; else a list of
    ``batch`` events): calls answered per second, from the first call until the last answered."""
    import ray

    from aref.clock import SystemClock
    from aref.events import Event, EventCategory

    sink: Any = ray.remote(num_cpus=0.05)(_Sink).remote()
    try:
        await sink.take.remote()
        payload = [
            Event.create(EventCategory.SYSTEM, "bench_probe", source="bench-raw", clock=SystemClock())
            for _ in range(batch)
        ]
        refs: list[Any] = []
        started = time.monotonic()
        stop_at = started + seconds
        while len(refs) * max(1, batch) < MAX_EVENTS and time.monotonic() < stop_at:
            refs.append(sink.take_batch.remote(payload) if batch else sink.take.remote())
        sending_s = time.monotonic() - started
        await refs[-1]
        done_s = time.monotonic() - started
        taken = sum(await asyncio.gather(*refs))
    finally:
        ray.kill(sink)
    return {
        "batch": batch,
        "calls": len(refs),
        "sending_s": round(sending_s, 3),
        "answered_s": round(done_s, 3),
        "received": taken,
        "calls_per_s": round(len(refs) / done_s),
        "events_per_s": round(taken / done_s) if batch else None,
    }
