"""``aref load run | start | stop | status``: order traffic through the gateway (POST /gateway/api/orders).

``run`` sends from this process, in the foreground: ``rate`` orders a second for ``duration``
seconds, one at a time on the schedule start + i / rate (a slow answer delays the next send; the
summary shows the rate achieved). Each outcome is an HTTP status or a transport error. The AREF
API is asked for its status first, so a stopped stack fails at once with ``cannot reach AREF``.
``start``, ``stop`` and ``status`` drive the API's background load generator instead (the
``loadgen`` actor on Ray, the simulated shop in memory): a steady, ramp or spike traffic plan
whose every outcome the generator records; the API checks the plan and names a refused field.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import click
import httpx

from aref.cli import render
from aref.cli.runtime import json_option, session

ORDERS_PATH = "/gateway/api/orders"
SKUS = ("SKU-001", "SKU-002", "SKU-003", "SKU-004", "SKU-005")


PROFILES = ("steady", "ramp", "spike")


@click.group()
def load() -> None:
    """Order traffic through the gateway: run it here, or start, stop and watch the API's load generator."""


@load.command()
@click.option(
    "--rate", type=click.FloatRange(min=0.1, max=200), default=5.0, show_default=True, help="Orders a second."
)
@click.option("--duration", type=click.FloatRange(min=1, max=3600), default=30.0, show_default=True, help="Seconds.")
@json_option
def run(rate: float, duration: float, as_json: bool) -> None:
    """Send orders from here at a steady rate, in the foreground, and summarise the outcomes."""
    s = session()
    rt = s.runtime
    s.client().status()
    http = rt.http(s.url)
    total = max(1, math.floor(rate * duration))
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    start = rt.monotonic()
    with render.bar_progress(s.console, enabled=not as_json) as progress:
        task = progress.add_task("orders", total=total, info="")
        for i in range(total):
            wait = start + i / rate - rt.monotonic()
            if wait > 0:
                rt.sleep(wait)
            sent = rt.monotonic()
            statuses[send(http, f"{s.url}{ORDERS_PATH}", order(i))] += 1
            latencies.append((rt.monotonic() - sent) * 1000.0)
            ok = sum(n for code, n in statuses.items() if code.startswith("2"))
            progress.update(task, completed=i + 1, info=f"{ok}/{i + 1} ok")
    summary = summarise(statuses, latencies, rt.monotonic() - start)
    render.show(s.console, summary, as_json, render.load_summary)


@load.command()
@click.option("--profile", type=click.Choice(PROFILES), default="steady", show_default=True, help="Traffic shape.")
@click.option("--rate", type=float, default=5.0, show_default=True, help="Orders a second (the steady rate).")
@click.option("--duration", type=float, default=60.0, show_default=True, help="Seconds of traffic.")
@click.option("--ramp", type=float, help="ramp: seconds to reach --rate (default: the whole duration).")
@click.option("--spike-rate", type=float, help="spike: the burst rate (default: 5 x --rate).")
@click.option("--spike-at", type=float, help="spike: seconds in when the burst starts (default: a third in).")
@click.option("--spike-for", type=float, help="spike: how long the burst lasts (default: a sixth of the duration).")
@json_option
def start(
    profile: str,
    rate: float,
    duration: float,
    ramp: float | None,
    spike_rate: float | None,
    spike_at: float | None,
    spike_for: float | None,
    as_json: bool,
) -> None:
    """Start the API's load generator on a traffic plan, in the background (refused while one runs)."""
    s = session()
    shape = {"ramp_s": ramp, "spike_rate_per_s": spike_rate, "spike_at_s": spike_at, "spike_s": spike_for}
    plan = {"profile": profile, "rate_per_s": rate, "duration_s": duration}
    plan.update({k: v for k, v in shape.items() if v is not None})
    data = s.client().start_load(plan)
    render.show(s.console, data, as_json, lambda console, d: render.load_status(console, d, "Load started"))


@load.command()
@json_option
def stop(as_json: bool) -> None:
    """Stop the background load (waiting for the answers in flight) and show what it recorded."""
    s = session()
    data = s.client().stop_load()
    render.show(s.console, data, as_json, lambda console, d: render.load_status(console, d, "Load stopped"))


@load.command()
@json_option
def status(as_json: bool) -> None:
    """The background load: its plan, progress and what its client saw so far."""
    s = session()
    render.show(s.console, s.client().load_status(), as_json, render.load_status)


def order(i: int) -> dict[str, Any]:
    return {"customer": f"aref-load-{i}", "items": [{"sku": SKUS[i % len(SKUS)], "quantity": 1, "unit_price": 9.5}]}


def send(http: httpx.Client, url: str, body: dict[str, Any]) -> str:
    """The outcome of one order: its HTTP status code, or the kind of transport error."""
    try:
        return str(http.post(url, json=body).status_code)
    except httpx.TransportError as exc:
        return type(exc).__name__


def summarise(statuses: Counter[str], latencies: Sequence[float], elapsed_s: float) -> dict[str, Any]:
    sent = sum(statuses.values())
    ok = sum(n for code, n in statuses.items() if code.startswith("2"))
    return {
        "sent": sent,
        "ok": ok,
        "failed": sent - ok,
        "error_rate": round((sent - ok) / sent, 4) if sent else None,
        "achieved_rate_per_s": round(sent / elapsed_s, 2) if elapsed_s > 0 else None,
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p99_ms": percentile(latencies, 99),
        "statuses": dict(sorted(statuses.items())),
    }


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least q % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return round(ordered[rank - 1], 2)
