"""ProberService: rounds paced by the interval, every target at once, failures as results, all to detection."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aref.config import DetectionSettings
from aref.control.host import in_process
from aref.control.pillars.prober import ProberService
from aref.control.ports import Probe, ProbeSink, Publish
from aref.detection.probes import ORDER, READYZ, ProbeResult, ProbeTarget
from aref.testing import FakeClock
from tests.unit.control.pillars.env import T0, RecordingPublisher

SERVICES = ("gateway", "orders", "inventory")


class ScriptedProbe:
    """Answers every target ok, except the services told to hang (never answer) or to raise."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.hang: set[str] = set()
        self.broken: set[str] = set()
        self.asked: list[str] = []

    async def probe(self, target: ProbeTarget) -> ProbeResult:
        self.asked.append(target.key)
        if target.service in self.hang:
            await asyncio.Event().wait()
        if target.service in self.broken:
            raise ConnectionError("refused")
        return ProbeResult(target.service, True, 4.0, 200, self.clock.now(), check=target.check)


class ProbeEnv:
    def __init__(self) -> None:
        self.clock = FakeClock(T0)
        self.probe = ScriptedProbe(self.clock)
        self.delivered: list[list[ProbeResult]] = []
        self.published = RecordingPublisher()

    def publish(self) -> Publish:
        return self.published

    def prober(self) -> Probe:
        return self.probe

    def probe_sink(self) -> ProbeSink:
        def sink(results: Sequence[ProbeResult]) -> None:
            self.delivered.append(list(results))

        return sink


def prober(env: ProbeEnv, **settings: float) -> ProberService:
    chosen = DetectionSettings(**{"synthetic_probe_interval": 2.0, "synthetic_probe_timeout": 0.05, **settings})
    return ProberService(chosen, env, SERVICES)  # type: ignore[arg-type]


def tick(service: ProberService) -> None:
    service.tick()
    asyncio.run(service.settle())


def test_a_round_probes_every_readiness_route_and_an_order_through_the_gateway() -> None:
    env = ProbeEnv()
    tick(prober(env))
    [batch] = env.delivered
    assert [(r.target, r.check, r.ok) for r in batch] == [
        ("gateway", READYZ, True),
        ("orders", READYZ, True),
        ("inventory", READYZ, True),
        ("gateway", ORDER, True),
    ]


def test_rounds_follow_the_interval_not_the_tick() -> None:
    env = ProbeEnv()
    service = prober(env)
    for _ in range(5):  # ticks at 0, 1, 2, 3, 4 s with a 2 s interval: rounds at 0, 2 and 4 s
        tick(service)
        env.clock.advance(1.0)
    assert (len(env.delivered), service.rounds) == (3, 3)


def test_a_hanging_target_fails_at_the_timeout_and_the_others_still_answer() -> None:
    env = ProbeEnv()
    env.probe.hang.add("orders")
    tick(prober(env))
    [batch] = env.delivered
    by_key = {f"{r.target}.{r.check}": r for r in batch}
    assert by_key["orders.readyz"].ok is False
    assert by_key["orders.readyz"].error == "no answer within 0.05 s"
    assert [r.ok for k, r in by_key.items() if k != "orders.readyz"] == [True, True, True]


def test_a_probe_that_raises_is_a_failed_result() -> None:
    env = ProbeEnv()
    env.probe.broken.add("inventory")
    tick(prober(env))
    failed = [r for r in env.delivered[0] if not r.ok]
    assert [(r.target, r.status_code, r.error) for r in failed] == [("inventory", None, "ConnectionError: refused")]


def test_the_status_lists_the_targets_and_their_last_results() -> None:
    env = ProbeEnv()
    service = in_process(prober(env))
    tick(prober(env))  # another prober's round changes nothing of this one
    status = asyncio.run(service.status())
    assert (status["rounds"], status["last"]) == (0, {})
    assert status["targets"] == ["gateway.readyz", "orders.readyz", "inventory.readyz", "gateway.order"]
    asyncio.run(service.round())
    status = asyncio.run(service.status())
    assert status["rounds"] == 1
    assert status["last"]["gateway.order"]["ok"] is True
