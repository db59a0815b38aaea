"""Bench: how fast the running system reacts, each measure ``--repeat`` times on one stack (median and max).

1. scale payments 1 -> 2 through ``POST /api/aref/services/payments/scale``: until the new replica is
   RUNNING in Serve (its REST status) and answers ``whoami`` through ``DeploymentHandle.broadcast``;
2. a ``crash`` fault (``POST /api/aref/chaos/start``) kills one of two payments replicas: until a new
   replica id is RUNNING and answering;
3. ``ray.kill(actor, no_restart=False)`` on the evolution, detection and timeline actors: until the
   restarted actor (a new pid) answers ``status``, and whether the counts it held are still there;
4. a latency fault on a 3-replica payments: from the API call until all 3 replicas report the new
   fault board version (``whoami``), and the replicas' own stamps of when they took it;
5. event throughput through the wiring: ``RayPublisher`` (what every actor publishes through:
   ``route`` then one fire-and-forget ``deliver`` per subscriber) driven from this driver with
   ``system.bench_probe`` events, which only the timeline receives, beside the raw one-way call rate
   of a trivial async actor (0.05 CPU) made for the run and killed after.

The stack runs with its default settings (1 s tick). The first AREF API calls are made and timed before any
measure (a fresh stack answers them slower). Between measures payments goes back to one replica, drained
(``Shop.settle``), and every fault is stopped.
Run it under the stack lock: ``flock /tmp/aref-stack.lock python -m bench.reaction``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import httpx

from bench.common import REPO, Row, driver, one_by_one, running_stack, say, spread, write_result
from bench.pillar_restart import restart_once
from bench.throughput import BATCHES, BURST_S, raw_burst, wiring_burst
from tests.stack import DASHBOARD, HTTP

T = TypeVar("T")
SERVICE = "payments"
API = f"{HTTP}/api/aref"
SCALE_TARGET_S, CRASH_TARGET_S, FAULT_TARGET_S, EVENTS_TARGET = 3.0, 5.0, 1.0, 10_000
RESTARTED = ("evolution", "detection", "timeline")
SETTLE_S = 90.0
COMMAND = "python -m bench.reaction"


def short(replica_id: str) -> str:
    return replica_id.split("#")[-1]


async def first_seen(
    probe: Callable[[], Awaitable[T]],
    accept: Callable[[T], bool],
    started: float,
    *,
    interval: float = 0.1,
    timeout: float = 60.0,
    in_flight: int = 3,
) -> tuple[float, T]:
    """Seconds from ``started`` until a ``probe`` answered something ``accept`` takes, and that answer.

    A probe starts every ``interval`` (at most ``in_flight`` at once), so one slow probe (a broadcast
    waiting on a dead replica) does not hide a later answer."""
    pending: set[asyncio.Task[T]] = set()
    next_at = time.monotonic()
    try:
        while True:
            now = time.monotonic()
            if now - started > timeout:
                raise TimeoutError(f"nothing accepted within {timeout:g} s")
            if now >= next_at and len(pending) < in_flight:
                pending.add(asyncio.ensure_future(probe()))
                next_at = now + interval
            if not pending:
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))
                continue
            done, pending = await asyncio.wait(
                pending, timeout=max(0.005, next_at - time.monotonic()), return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                if task.exception() is None and accept(task.result()):
                    return round(time.monotonic() - started, 3), task.result()
    finally:
        for task in pending:
            task.cancel()


class Shop:
    """The stack as the bench sees it: the AREF API, Serve's replica status, and payments' replicas."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        from ray import serve

        from actors.serve_admin import ray_auth_headers

        self.http = http
        self.headers = ray_auth_headers()
        self.handle = serve.get_deployment_handle(SERVICE, app_name=SERVICE)

    async def api(self, method: str, path: str, **kwargs: Any) -> Any:
        reply = await self.http.request(method, f"{API}{path}", **kwargs)
        if reply.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {reply.status_code} {reply.text[:300]}")
        return reply.json()

    async def replicas(self) -> dict[str, str]:
        """Serve's replicas of payments: short id -> state."""
        reply = await self.http.get(f"{DASHBOARD}/api/serve/applications/", headers=self.headers, timeout=10)
        deployment = reply.json()["applications"][SERVICE]["deployments"][SERVICE]
        return {short(r["replica_id"]): r["state"] for r in deployment["replicas"]}

    async def running(self) -> set[str]:
        return {rid for rid, state in (await self.replicas()).items() if state == "RUNNING"}

    async def whoami(self) -> list[dict[str, Any]]:
        """Every replica the router knows that answers ``whoami`` within 2 s."""
        try:
            results = await self.handle.broadcast("whoami").results_async(timeout_s=2, return_exceptions=True)
        except Exception:  # the collection timed out or no replica is known
            return []
        return [r for r in results if isinstance(r, dict)]

    async def answering(self) -> set[str]:
        return {short(str(r["replica_id"])) for r in await self.whoami()}

    async def scale(self, replicas: int) -> dict[str, Any]:
        answer: dict[str, Any] = await self.api("POST", f"/services/{SERVICE}/scale", json={"replicas": replicas})
        return answer

    async def settle(self, replicas: int, *, drained: bool = True) -> float:
        """Wait until payments runs exactly ``replicas`` replicas, none starting, and the router knows just those;
        with ``drained`` also until no removed replica is still STOPPING.

        Serve drains a removed replica for about 30 s here, and AREF's autoscaler counts the draining ones too (the
        replicas that reported telemetry): in a trial run three quick 1 -> 2 -> 1 cycles and a scale to 2 read as
        5 replicas, "outside [1, 4]", and it set payments' target to 4. So measures start drained."""
        started = time.monotonic()

        async def steady() -> bool:
            states = await self.replicas()
            running = {rid for rid, state in states.items() if state == "RUNNING"}
            others = set(states.values()) - {"RUNNING"} - (set() if drained else {"STOPPING"})
            return len(running) == replicas and not others and await self.answering() == running

        await first_seen(steady, bool, started, interval=0.5, timeout=SETTLE_S, in_flight=1)
        return round(time.monotonic() - started, 1)

    async def new_replica_serving(self, before: set[str], started: float) -> dict[str, Any]:
        """Seconds from ``started`` until a replica not in ``before`` is RUNNING, answers, and both."""
        (running_s, running), (serving_s, serving) = await asyncio.gather(
            first_seen(self.running, lambda ids: bool(ids - before), started, interval=0.1, in_flight=2),
            first_seen(self.answering, lambda ids: bool(ids - before), started, interval=0.1),
        )
        return {
            "running_s": running_s,
            "serving_s": serving_s,
            "total_s": max(running_s, serving_s),
            "new": sorted((running | serving) - before),
        }


async def timed(call: Awaitable[T], started: float) -> tuple[float, T]:
    """``call``'s answer and the seconds from ``started`` until it came."""
    answer = await call
    return round(time.monotonic() - started, 3), answer


async def scale_once(shop: Shop) -> dict[str, Any]:
    """Payments 1 -> 2: the new replica RUNNING and answering; then back to 1."""
    before = await shop.running()
    started = time.monotonic()
    call = asyncio.ensure_future(timed(shop.scale(2), started))
    seen = await shop.new_replica_serving(before, started)
    api_s, answer = await call
    run = {**seen, "api_s": api_s, "api_answered": answer, "before": sorted(before)}
    await shop.scale(1)
    run["settled_back_s"] = await shop.settle(1)
    return run


async def crash_once(shop: Shop) -> dict[str, Any]:
    """A crash fault on payments (2 replicas): one replica killed, until a new one is RUNNING and answering."""
    before = await shop.running()
    started = time.monotonic()
    body = {"service": SERVICE, "fault_type": "crash", "rate": 0.1, "duration_s": 5}
    call = asyncio.ensure_future(timed(shop.api("POST", "/chaos/start", json=body), started))
    seen = await shop.new_replica_serving(before, started)
    api_s, fault = await call
    run = {**seen, "api_s": api_s, "killed": [short(r) for r in fault["replicas_killed"]], "before": sorted(before)}
    await stop_fault(shop, fault["fault_id"])
    run["settled_s"] = await shop.settle(2)
    return run


async def stop_fault(shop: Shop, fault_id: str) -> None:
    """Roll the fault back unless it ended already."""
    reply = await shop.http.post(f"{API}/chaos/stop/{fault_id}")
    if reply.status_code not in (200, 404):
        raise RuntimeError(f"stopping fault {fault_id}: {reply.status_code} {reply.text[:300]}")


async def propagate_once(shop: Shop) -> dict[str, Any]:
    """A latency fault (1 ms on 10 % of requests) on 3 replicas: until all 3 report the new board."""
    version = (await shop.api("GET", "/chaos/status"))["version"]
    started = time.monotonic()
    body = {"service": SERVICE, "fault_type": "latency", "rate": 0.1, "duration_s": 30, "delay_ms": 1}
    call = asyncio.ensure_future(shop.api("POST", "/chaos/start", json=body))

    def all_three(replicas: list[dict[str, Any]]) -> bool:
        return len(replicas) == 3 and all(r["fault_version"] > version for r in replicas)

    seen_s, replicas = await first_seen(shop.whoami, all_three, started, interval=0.05, timeout=30, in_flight=4)
    fault = await call
    api_s = round(time.monotonic() - started, 3)
    stamps = sorted(round(r["fault_applied_at"] - fault["started_at"], 3) for r in replicas)
    await stop_fault(shop, fault["fault_id"])
    return {"all_report_s": seen_s, "api_answered_s": api_s, "replica_stamps_s": stamps, "stamp_max_s": stamps[-1]}


async def _measure(repeat: int) -> dict[str, Any]:
    result: dict[str, Any] = {"repeat": repeat, "service": SERVICE}
    async with httpx.AsyncClient(timeout=30) as http:
        shop = Shop(http)
        result["settled_at_start_s"] = await shop.settle(1)
        warm = time.monotonic()  # the first AREF API calls on a fresh stack are slower: not part of a measure
        await shop.api("GET", "/services")
        await shop.api("GET", "/chaos/status")
        result["first_api_calls_s"] = round(time.monotonic() - warm, 3)
        try:
            scale = await one_by_one([lambda: scale_once(shop)] * repeat, lambda r: f"scale 1->2: {r['total_s']} s")
            result["scale"] = {"runs": scale, **spread([r["total_s"] for r in scale])}

            await shop.scale(2)
            await shop.settle(2)
            crash = await one_by_one(
                [lambda: crash_once(shop)] * repeat, lambda r: f"crash -> replacement: {r['total_s']} s"
            )
            result["crash"] = {"runs": crash, **spread([r["total_s"] for r in crash])}
            await shop.scale(1)
            await shop.settle(1)

            seeded = await shop.api("POST", "/seed", json={"incidents": 3})
            restarts: dict[str, Any] = {"seeded": seeded}
            for name in RESTARTED:
                runs = await one_by_one(
                    [partial(restart_once, name)] * repeat,
                    lambda r, n=name: f"{n} killed -> answering: {r['answered_s']} s, kept {r['state_kept']}",
                )
                restarts[name] = {
                    "runs": runs,
                    "state_kept": all(r["state_kept"] for r in runs),
                    **spread([r["answered_s"] for r in runs]),
                }
            result["pillar_restart"] = restarts

            await shop.scale(3)
            await shop.settle(3)
            faults = await one_by_one(
                [lambda: propagate_once(shop)] * repeat,
                lambda r: f"fault -> 3 replicas: {r['all_report_s']} s (stamps {r['replica_stamps_s']})",
            )
            result["fault_propagation"] = {
                "runs": faults,
                "all_report": spread([r["all_report_s"] for r in faults]),
                "stamps": spread([r["stamp_max_s"] for r in faults]),
            }
            await shop.scale(1)
            await shop.settle(1, drained=False)  # the last payments measure: no need to wait out the draining
        finally:  # leave the stack as found even when a measure failed
            await http.post(f"{API}/chaos/stop")
            await http.post(f"{API}/services/{SERVICE}/scale", json={"replicas": 1})

    wiring = await one_by_one(
        [partial(wiring_burst, b) for b in BATCHES],
        lambda r: f"wiring, batch {r['batch']}: {r['events_per_s']} events/s",
    )
    raw = await one_by_one(
        [partial(raw_burst, b) for b in (0, BATCHES[-1])],
        lambda r: f"raw actor, batch {r['batch']}: {r['calls_per_s']} calls/s",
    )
    result["throughput"] = {
        "burst_s": BURST_S,
        "event": "system.bench_probe (no pillar subscribes; the timeline keeps every event, in SQLite)",
        "wiring": wiring,
        "raw_actor": raw,
    }
    return result


def measure(repeat: int = 3) -> dict[str, Any]:
    """Every measure ``repeat`` times on the running stack (a driver of its own)."""
    with driver():
        return asyncio.run(_measure(repeat))


def _timed_rows(what: str, stats: dict[str, Any], target_s: float | None, runs: int) -> list[Row]:
    target = "reported" if target_s is None else f"<= {target_s:g}"
    out = []
    for kind in ("median", "max"):
        value = stats[kind]
        met = None if target_s is None or value is None else value <= target_s
        out.append(Row("reaction", f"{what} ({kind} of {runs})", value, "s", target, met, COMMAND))
    return out


def rows(result: dict[str, Any]) -> list[Row]:
    n = result["repeat"]
    out = _timed_rows("scale 1->2: call -> new replica RUNNING and answering", result["scale"], SCALE_TARGET_S, n)
    out += _timed_rows("crash fault -> replacement RUNNING and answering", result["crash"], CRASH_TARGET_S, n)
    for name in RESTARTED:
        stats = result["pillar_restart"][name]
        kept = "state kept" if stats["state_kept"] else "STATE LOST"
        out += _timed_rows(f"{name} actor killed -> status answers, {kept}", stats, None, n)
    propagation = result["fault_propagation"]
    out += _timed_rows("fault -> all 3 replicas report it", propagation["all_report"], FAULT_TARGET_S, n)
    out += _timed_rows("fault -> last replica took it (replica stamps)", propagation["stamps"], FAULT_TARGET_S, n)
    throughput = result["throughput"]
    for burst in throughput["wiring"]:
        value = burst["events_per_s"]
        out.append(
            Row(
                "reaction",
                f"events through the wiring, {burst['batch']} per publish",
                value,
                "events/s",
                f">= {EVENTS_TARGET}",
                value >= EVENTS_TARGET,
                COMMAND,
            )
        )
    for burst in throughput["raw_actor"]:
        if burst["batch"]:
            what, value, unit = f"raw one-way calls carrying {burst['batch']} events", burst["events_per_s"], "events/s"
        else:
            what, value, unit = "raw one-way calls, trivial actor", burst["calls_per_s"], "calls/s"
        out.append(Row("reaction", what, value, unit, "reference", None, COMMAND))
    return out


def summary(result: dict[str, Any]) -> str:
    def ms(stats: dict[str, Any]) -> str:
        return f"{stats['median']}/{stats['max']} s"

    restarts = ", ".join(
        f"{name} {ms(result['pillar_restart'][name])}"
        + ("" if result["pillar_restart"][name]["state_kept"] else " STATE LOST")
        for name in RESTARTED
    )
    wiring = ", ".join(f"batch {w['batch']} {w['events_per_s']} ev/s" for w in result["throughput"]["wiring"])
    raw = result["throughput"]["raw_actor"][0]["calls_per_s"]
    return (
        f"reaction (median/max of {result['repeat']}): scale->serving {ms(result['scale'])}, "
        f"crash->serving {ms(result['crash'])}, pillar restart {restarts}, "
        f"fault->3 replicas {ms(result['fault_propagation']['all_report'])}; "
        f"wiring {wiring} vs raw {raw} calls/s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure")
    args = parser.parse_args()
    if args.repeat < 1:
        print("--repeat must be >= 1", file=sys.stderr)
        return 2
    started = time.monotonic()
    with running_stack("reaction") as (_, startup_s):
        say(f"stack up in {startup_s} s")
        result = measure(args.repeat)
    result["stack_startup_s"] = startup_s
    result["seconds"] = round(time.monotonic() - started, 1)
    result["rows"] = [r.as_dict() for r in rows(result)]
    out = write_result("reaction", result)
    print(f"{summary(result)}; written {Path(out).relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
