"""Bench: the order pipeline under `hey -z 60s -c 8`, automatic scaling off vs on, in one run.

For each mode (off, on, off, on) it starts a fresh stack as the tests do (``tests/stack.py``: ``ray
start --head`` + ``serve run``), so neither run inherits the other's breakers, rate-limiter
buckets or replicas, switches automatic scaling to that mode and runs hey against the gateway's
order route. Prints per service the scale changes, direction changes, most replicas requested
and what the cluster could place, and hey's p50/p99, requests and errors of each run; writes the
same to ``bench/results/autoscaler-<date>.json``. Run it under ``flock /tmp/aref-stack.lock``.
Not a test: no pass/fail thresholds beyond printing the two criteria. "Worse" compares the mean
good (2xx) orders per second and the mean p99 of each mode with a 10 % band: single 60 s runs on
a 2-core machine differ by more than that (the gateway's rate limiter refuses bursts at random
when hey saturates the cores).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.stack import HTTP, new_stack  # noqa: E402

SERVICES = ("gateway", "orders", "payments", "inventory", "notifications")
ORDER = {"customer": "bench", "items": [{"sku": "SKU-001", "quantity": 1, "unit_price": 9.5}]}
DURATION, CONCURRENCY = "60s", 8
MODES = (("off", False), ("on", True), ("off", False), ("on", True))
"""Each mode twice, alternating, each on a fresh stack: one 60 s run per mode is within the noise."""


def mean_of(results: list[dict[str, Any]]) -> dict[str, float]:
    return {key: sum(r[key] or 0 for r in results) / len(results) for key in ("good_rps", "p50_ms", "p99_ms")}


def hey(url: str, duration: str = DURATION) -> dict[str, Any]:
    """``hey -z <duration> -c 8`` POSTing the order; its status codes, req/s, p50 and p99."""
    out = subprocess.run(
        [
            "hey",
            "-z",
            duration,
            "-c",
            str(CONCURRENCY),
            "-m",
            "POST",
            "-T",
            "application/json",
            "-d",
            json.dumps(ORDER),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    ).stdout

    def num(pattern: str) -> float | None:
        match = re.search(pattern, out)
        return float(match.group(1)) if match else None

    codes = {m.group(1): int(m.group(2)) for m in re.finditer(r"\[(\d{3})\]\s+(\d+) responses", out)}
    total = sum(codes.values())
    good = sum(n for c, n in codes.items() if c.startswith("2"))
    seconds = num(r"Total:\s+([\d.]+) secs")
    return {
        "requests": total,
        "errors": total - good,
        "good_rps": None if not seconds else round(good / seconds, 1),
        "status_codes": codes,
        "rps": num(r"Requests/sec:\s+([\d.]+)"),
        "p50_ms": _ms(num(r"50%+ in ([\d.]+) secs")),
        "p99_ms": _ms(num(r"99%+ in ([\d.]+) secs")),
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def adaptation_view() -> dict[str, Any]:
    return dict(httpx.get(f"{HTTP}/api/aref/adaptation", timeout=20).json())


async def set_autoscale(enabled: bool) -> dict[str, Any]:
    import ray

    from actors.client import client
    from aref.control.pillars.adaptation import AdaptationService

    ray.init(address="auto", namespace="aref", log_to_driver=False)
    try:
        return await client(AdaptationService, "adaptation").set_autoscale(enabled)
    finally:
        ray.shutdown()  # each mode runs on its own stack: never keep a driver on the one that stops


def run_once(label: str, enabled: bool) -> dict[str, Any]:
    asyncio.run(set_autoscale(enabled))
    before = adaptation_view()["scaling"]
    samples: list[dict[str, Any]] = []
    proc_started = time.monotonic()
    result: dict[str, Any] = {}
    import threading

    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            with contextlib.suppress(httpx.HTTPError):
                samples.append(adaptation_view()["scaling"])
            done.wait(2.0)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    result["hey"] = hey(f"{HTTP}/gateway/api/orders")
    done.set()
    watcher.join(5)
    after = adaptation_view()["scaling"]
    per_service = {}
    for s in SERVICES:
        seen = [x[s] for x in samples if s in x] + [after[s]]
        per_service[s] = {
            "scale_changes": after[s]["changes"] - before[s]["changes"],
            "direction_changes": after[s]["direction_changes"] - before[s]["direction_changes"],
            "ineffective": after[s]["ineffective"] - before[s]["ineffective"],
            "max_requested": max(x["desired"] for x in seen),
            "min_placeable": min(x["placeable"] for x in seen),
            "max_placeable": max(x["placeable"] for x in seen),
            "last_reason": after[s]["reason"],
        }
    result.update(
        label=label, autoscale=enabled, seconds=round(time.monotonic() - proc_started, 1), services=per_service
    )
    return result


def table(runs: list[dict[str, Any]]) -> str:
    lines = []
    for r in runs:
        h = r["hey"]
        lines.append(
            f"autoscaler {r['label']}: {h['requests']} requests, {h['errors']} errors, "
            f"{h['rps']} req/s ({h['good_rps']} good), p50 {h['p50_ms']} ms, p99 {h['p99_ms']} ms"
        )
        lines.append(f"  {'service':<14}{'changes':>8}{'turns':>7}{'ineff.':>7}{'max req':>9}{'placeable':>11}")
        for s, v in r["services"].items():
            placeable = f"{v['min_placeable']}-{v['max_placeable']}"
            lines.append(
                f"  {s:<14}{v['scale_changes']:>8}{v['direction_changes']:>7}{v['ineffective']:>7}"
                f"{v['max_requested']:>9}{placeable:>11}"
            )
    return "\n".join(lines)


def main() -> int:
    if shutil.which("hey") is None:
        print("hey is not installed: apt-get install -y hey (Debian package) and run again", file=sys.stderr)
        return 2
    runs = []
    for label, enabled in MODES:
        stack = new_stack(Path(tempfile.mkdtemp(prefix=f"aref-bench-{label}-")))
        try:
            stack.start()
            time.sleep(10)  # let the actors and the first telemetry windows settle
            runs.append(run_once(label, enabled))
        finally:
            stack.stop()
    off, on = (mean_of([r["hey"] for r in runs if r["label"] == label]) for label in ("off", "on"))
    worse = on["p99_ms"] > 1.1 * off["p99_ms"] or on["good_rps"] < 0.9 * off["good_rps"]
    flapped = sorted(
        {s for r in runs if r["autoscale"] for s, v in r["services"].items() if v["direction_changes"] > 1}
    )
    report = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "duration": DURATION,
        "concurrency": CONCURRENCY,
        "runs": runs,
        "mean": {"off": off, "on": on},
        "on_worse_than_off": worse,
        "services_turning_more_than_once": flapped,
    }
    print(table(runs))
    for label, m in (("off", off), ("on", on)):
        print(
            f"mean of the {label} runs: {m['good_rps']:.1f} good orders/s, "
            f"p50 {m['p50_ms']:.1f} ms, p99 {m['p99_ms']:.1f} ms"
        )
    print(
        f"on worse than off (mean p99 over 110 % or mean good orders/s under 90 % of off's): {worse}; "
        f"services changing direction more than once: {flapped}"
    )
    out = REPO / "bench" / "results" / f"autoscaler-{dt.date.today().isoformat()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"written {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
