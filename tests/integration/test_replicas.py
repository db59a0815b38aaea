"""Real replicas: scaling through Serve's external scaler, faults on every replica, crash faults.

The tests run in file order on payments: 1 -> 3 replicas, a fault seen by all 3 within 1 s,
then a crash fault that kills a real replica which Serve replaces.
"""

from __future__ import annotations

import asyncio
from typing import Any

from actors.client import client
from aref.control.pillars.chaos import ChaosService, Injected
from aref.control.wiring import CHAOS
from chaos.faults import FaultSpec
from tests.integration.helpers import api, running_ids, serve_replicas
from tests.stack import wait_for


def short(replica_id: str) -> str:
    return replica_id.split("#")[-1]


_LOOP = asyncio.new_event_loop()  # one loop for the module: Serve binds a handle's router to its loop


def whoami(ray_client: Any) -> list[dict[str, Any]]:
    """Every payments replica the router knows, through ``DeploymentHandle.broadcast``.

    Run inside an event loop: in Serve's throughput-optimised mode a handle only works there."""
    from ray import serve

    async def ask() -> list[Any]:
        handle = serve.get_deployment_handle("payments", app_name="payments")
        results: list[Any] = await handle.broadcast("whoami").results_async(timeout_s=10, return_exceptions=True)
        return results

    return [r for r in _LOOP.run_until_complete(ask()) if isinstance(r, dict)]


def test_scaling_payments_to_three_runs_three_real_replicas(ray_client: Any) -> None:
    assert len(running_ids("payments")) == 1
    reply = api("POST", "/api/aref/services/payments/scale", json={"replicas": 3})
    assert reply.status_code == 200, reply.text
    assert reply.json()["target"] == 3
    wait_for(lambda: len(running_ids("payments")) == 3, timeout=60, what="3 RUNNING payments replicas")
    # the router learns about new replicas shortly after Serve marks them RUNNING
    wait_for(lambda: len(whoami(ray_client)) == 3, timeout=20, what="3 payments replicas answering")
    answering = {short(r["replica_id"]) for r in whoami(ray_client)}
    assert answering == {short(rid) for rid in running_ids("payments")}
    assert len(answering) == 3

    def aref_view() -> dict[str, Any]:
        services = api("GET", "/api/aref/services").json()["services"]
        return next(s for s in services if s["name"] == "payments")

    wait_for(lambda: aref_view()["replicas"]["running"] == 3, timeout=20, what="AREF to show 3 running replicas")
    assert aref_view()["replicas"]["target"] == 3


def test_a_fault_reaches_all_three_payments_replicas_within_a_second(ray_client: Any) -> None:
    reply = api(
        "POST",
        "/api/aref/chaos/start",
        json={"service": "payments", "fault_type": "latency", "rate": 0.1, "duration_s": 30, "delay_ms": 1},
    )
    assert reply.status_code == 200, reply.text
    injected_at = reply.json()["started_at"]
    version = api("GET", "/api/aref/chaos/status").json()["version"]

    def all_have_it() -> bool:
        replicas = whoami(ray_client)
        return len(replicas) == 3 and all(r["fault_version"] >= version for r in replicas)

    wait_for(all_have_it, timeout=5.0, interval=0.05, what="the fault on all 3 replicas")
    # each replica stamps when it took the board: the slowest one bounds the propagation
    delays = sorted(r["fault_applied_at"] - injected_at for r in whoami(ray_client))
    assert delays[-1] < 1.0, f"injection to the last replica took {delays[-1]:.3f} s ({delays})"
    assert api("POST", "/api/aref/chaos/stop").status_code == 200


def test_a_crash_fault_kills_a_real_replica_and_serve_replaces_it(ray_client: Any) -> None:
    before = running_ids("payments")
    chaos = client(ChaosService, CHAOS)

    async def crash() -> Injected:
        return await chaos.inject(FaultSpec.build("payments", "crash", 0.1, 5))

    killed = asyncio.run(crash()).record.replicas_killed
    assert len(killed) == 1

    def replaced() -> bool:
        now = running_ids("payments")
        return len(now) == 3 and not (now <= before)

    wait_for(replaced, timeout=60, interval=0.5, what="Serve to replace the killed replica")
    assert short(killed[0]) not in {short(r) for r in running_ids("payments")}
    states = {r["replica_id"]: r["state"] for r in serve_replicas("payments")}
    assert sum(s == "RUNNING" for s in states.values()) == 3
    assert api("POST", "/payments/process", json={"order_id": "after-crash", "amount": 5}).status_code < 500
