"""Every actor answers through its typed client, and a restarted detection actor keeps its open alerts."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

import pytest

from actors.client import ActorClient, client
from actors.options import ACTORS
from aref.clock import SystemClock
from aref.control.pillars.detection import DetectionService
from aref.control.wiring import DETECTION
from aref.detection.alerts import Alert
from aref.records import to_record
from aref.telemetry import TelemetryAccumulator
from tests.stack import wait_for

T = TypeVar("T")


async def _awaited(reply: Awaitable[T]) -> T:
    return await reply


def run(reply: Awaitable[T]) -> T:
    """Wait for one actor call from this (synchronous) test."""
    return asyncio.run(_awaited(reply))


@pytest.mark.parametrize("name", ACTORS)
def test_every_actor_answers_with_its_status(ray_client: Any, name: str) -> None:
    actor = ActorClient(name)

    async def ask() -> tuple[dict[str, Any], dict[str, Any]]:
        return await actor.host_info(), await actor.status()

    info, status = run(ask())
    assert info["actor"] == name
    assert info["ticks"] >= 0
    assert isinstance(status, dict)


def test_a_wrong_call_comes_back_as_the_aref_error(ray_client: Any) -> None:
    from aref.errors import NotFoundError

    with pytest.raises(NotFoundError):
        run(_ack_unknown())


async def _ack_unknown() -> Alert:
    return await client(DetectionService, DETECTION).ack("ALR-nope")


def test_killing_the_detection_actor_loses_no_open_alert(ray_client: Any) -> None:
    detection = client(DetectionService, DETECTION)
    clock = SystemClock()

    def push_tick(ok: bool) -> None:
        acc = TelemetryAccumulator("inventory", "it-fake-replica", clock.now() - 1)
        for _ in range(50):
            acc.record(20.0, ok=ok)
        detection.ingest_telemetry([to_record(acc.flush(clock.now()))])

    async def alerts() -> list[Alert]:
        return (await detection.alerts())[0]

    def threshold_alerts() -> set[str]:
        # the threshold alert is judged on every tick, so it cannot clear while nothing arrives
        return {a.id for a in run(alerts()) if a.service == "inventory" and a.detector == "threshold"}

    def inventory_alert_open() -> bool:
        push_tick(ok=False)
        return bool(threshold_alerts())

    wait_for(inventory_alert_open, timeout=30, interval=1.0, what="an inventory threshold alert")
    before = threshold_alerts()
    actor = ActorClient(DETECTION)
    pid = run(actor.host_info())["pid"]

    ray_client.kill(ray_client.get_actor(DETECTION, namespace="aref"), no_restart=False)

    def restarted() -> bool:
        try:
            return bool(run(actor.host_info())["pid"] != pid)
        except Exception:
            return False

    wait_for(restarted, timeout=60, interval=1.0, what="detection to restart")
    assert before <= {a.id for a in run(alerts())}
    assert run(actor.host_info())["restarted"] is True

    def threshold_alerts_cleared() -> bool:
        push_tick(ok=True)
        return not threshold_alerts()

    wait_for(threshold_alerts_cleared, timeout=60, interval=1.0, what="the inventory threshold alert to clear")
    # detectors that need a longer history (z-score, Isolation Forest) may still hold one: close them by hand
    for alert in run(alerts()):
        if alert.service == "inventory":
            run(detection.resolve(alert.id))
