"""Bench: a soak, for memory that grows. Steady orders with faults toggling, PSS per process at start and end.

On a fresh stack (``tests/stack.py``: ``ray start --head`` + ``serve run``), AREF's own load generator
sends steady orders through the gateway (``POST /api/aref/load/start``) for ``--minutes``, while an
ad-hoc fault toggles every ``FAULT_EVERY_S`` seconds on the next shop service (error or latency,
rate 0.3, ``FAULT_S`` seconds; never a crash, so the replicas measured stay the same processes).
After a warm-up of ``WARMUP_S`` (first ticks, first faults, caches filled) the PSS of every Ray
process is read; again at the end, after the last fault ended. A process is compared with
itself (same pid); the growth of the whole, and of each process, is reported against the 10 %
target. Writes ``bench/results/soak-<date>.json`` and prints one line. Run it under
``flock /tmp/aref-stack.lock``.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import Proc, ray_processes, running_stack, say, write_result  # noqa: E402
from tests.stack import HTTP  # noqa: E402

MINUTES = 10
WARMUP_S = 90.0
FAULT_EVERY_S = 60.0
FAULT_S = 20.0
RATE_PER_S = 4.0
TARGET_GROWTH = 0.10
FAULTS = itertools.cycle(
    [
        (service, kind)
        for service in ("payments", "inventory", "orders", "notifications")
        for kind in ("error", "latency")
    ]
)


def api(method: str, path: str, **kwargs: Any) -> httpx.Response:
    reply = httpx.request(method, f"{HTTP}{path}", timeout=30, **kwargs)
    if reply.status_code >= 400:
        raise RuntimeError(f"{method} {path}: {reply.status_code} {reply.text[:300]}")
    return reply


def toggle_fault() -> str:
    service, kind = next(FAULTS)
    body: dict[str, Any] = {"service": service, "fault_type": kind, "rate": 0.3, "duration_s": FAULT_S}
    if kind == "latency":
        body["delay_ms"] = 500.0
    api("POST", "/api/aref/chaos/start", json=body)
    return f"{kind} on {service}"


def growth(start: dict[int, Proc], end: dict[int, Proc]) -> dict[str, Any]:
    """PSS of the processes alive at both readings, per process and in total."""
    kept = sorted(set(start) & set(end), key=lambda pid: -end[pid].pss_kb)
    rows = [
        {
            "pid": pid,
            "name": end[pid].name,
            "start_mb": round(start[pid].pss_kb / 1024, 1),
            "end_mb": round(end[pid].pss_kb / 1024, 1),
            "growth": round(end[pid].pss_kb / start[pid].pss_kb - 1, 4) if start[pid].pss_kb else None,
        }
        for pid in kept
    ]
    before, after = sum(start[p].pss_kb for p in kept), sum(end[p].pss_kb for p in kept)
    return {
        "processes": rows,
        "gone": sorted({start[p].name for p in set(start) - set(end)}),
        "new": sorted({end[p].name for p in set(end) - set(start)}),
        "total_start_mb": round(before / 1024, 1),
        "total_end_mb": round(after / 1024, 1),
        "total_growth": round(after / before - 1, 4) if before else None,
    }


def measure(minutes: int) -> dict[str, Any]:
    duration_s = minutes * 60.0
    api("POST", "/api/aref/load/start", json={"profile": "steady", "rate_per_s": RATE_PER_S, "duration_s": duration_s})
    started = time.monotonic()
    faults: list[str] = []
    start: dict[int, Proc] | None = None
    next_fault = started + 5.0
    while time.monotonic() - started < duration_s - FAULT_S - 5:
        now = time.monotonic()
        if start is None and now - started >= WARMUP_S:
            start = ray_processes()
            say(f"start reading: {len(start)} processes, {sum(p.pss_kb for p in start.values()) / 1024:.0f} MiB")
        if now >= next_fault:
            faults.append(toggle_fault())
            say(f"{now - started:5.0f} s  fault: {faults[-1]}")
            next_fault = now + FAULT_EVERY_S
        time.sleep(1.0)
    time.sleep(FAULT_S + 2)  # the last fault is over
    end = ray_processes()
    load = api("GET", "/api/aref/load").json()
    api("POST", "/api/aref/load/stop")
    assert start is not None, "the run is shorter than the warm-up"
    report = growth(start, end)
    report.update(
        minutes=minutes,
        warmup_s=WARMUP_S,
        faults=faults,
        load={k: load.get(k) for k in ("sent", "stats")},
        target_growth=TARGET_GROWTH,
        met=report["total_growth"] is not None and report["total_growth"] < TARGET_GROWTH,
    )
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--minutes", type=int, default=MINUTES)
    args = parser.parse_args()
    if args.minutes * 60 < WARMUP_S + FAULT_S + 60:
        print(f"--minutes must leave a minute after the {WARMUP_S:g} s warm-up", file=sys.stderr)
        return 2
    with running_stack("soak"):
        time.sleep(10)  # the actors' first ticks
        result = measure(args.minutes)
    out = write_result("soak", result)
    worst = max(result["processes"], key=lambda r: r["growth"] or 0.0)
    print(
        f"soak: {args.minutes} min, {len(result['faults'])} faults; PSS {result['total_start_mb']} -> "
        f"{result['total_end_mb']} MiB ({result['total_growth']:+.1%}, target < {TARGET_GROWTH:.0%}); "
        f"most grown: {worst['name']} {worst['start_mb']} -> {worst['end_mb']} MiB; written {out.relative_to(REPO)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
