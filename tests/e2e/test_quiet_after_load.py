"""After load stops, the stack goes quiet: no alert of the past load stays open, nothing stays active.

A load runs through the gateway while inventory answers slowly (a latency fault), so latency
alerts fire. Then the load stops and the fault is rolled back at once: with no request left to
judge, every latency alert must resolve (condition cleared, or no_data) within 30 s, no recovery
may stay active and no service may show ``degraded``.
"""

from __future__ import annotations

import time
from typing import Any

from tests.integration.helpers import api
from tests.stack import Stack, wait_for

QUIET_WITHIN_S = 30


def get(path: str) -> Any:
    reply = api("GET", path)
    assert reply.status_code == 200, f"{path}: {reply.status_code} {reply.text}"
    return reply.json()


def latency_alerts() -> list[dict[str, Any]]:
    alerts = get("/api/aref/alerts")
    return [a for a in [*alerts["active"], *alerts["recent_resolved"]] if "latency" in a["metric"]]


def open_latency_alerts() -> list[dict[str, Any]]:
    return [a for a in get("/api/aref/alerts")["active"] if "latency" in a["metric"]]


def still_active() -> dict[str, Any]:
    """What keeps the stack from being quiet; empty once it is."""
    left: dict[str, Any] = {
        "open latency alerts": [(a["id"], a["service"], a["metric"]) for a in open_latency_alerts()],
        "active recoveries": get("/api/aref/status")["active_recoveries"],
        "degraded services": [
            (s["name"], s["reasons"]) for s in get("/api/aref/services")["services"] if s["status"] == "degraded"
        ],
    }
    return {what: it for what, it in left.items() if it}


def why(left: dict[str, Any]) -> str:
    """What is left, with the degradation state and the latest alerts of the services named in it."""
    names = {name for name, _ in left.get("degraded services", [])}
    tiers = {n: d for n, d in get("/api/aref/absorption")["degradation"].items() if n in names}
    alerts = get("/api/aref/alerts")
    theirs = [
        (a["id"], a["metric"], a["severity"], a["fired_at"], a["resolved_at"], a.get("resolution"))
        for a in [*alerts["active"], *alerts["recent_resolved"]]
        if a["service"] in names
    ]
    return f"{left}; tiers {tiers}; their alerts {theirs[:6]}; now {time.time():.1f}"


def test_after_load_stops_every_latency_alert_resolves_and_nothing_stays_active(stack: Stack) -> None:
    wait_for(lambda: not still_active(), timeout=120, what="a quiet stack before the load (earlier tests settled)")
    started = api("POST", "/api/aref/load/start", json={"rate_per_s": 6, "duration_s": 120})
    assert started.status_code == 200, started.text
    fault = api(
        "POST",
        "/api/aref/chaos/start",
        json={"service": "inventory", "fault_type": "latency", "rate": 0.9, "delay_ms": 1500, "duration_s": 120},
    )
    assert fault.status_code == 200, fault.text
    try:
        wait_for(lambda: bool(open_latency_alerts()), timeout=60, what="a latency alert under load")
    finally:
        assert api("POST", "/api/aref/load/stop").status_code == 200
        assert api("POST", "/api/aref/chaos/stop").status_code == 200
    fired = {a["id"] for a in open_latency_alerts()}

    try:
        wait_for(lambda: not still_active(), timeout=QUIET_WITHIN_S, what="the stack to go quiet")
    except TimeoutError:
        raise AssertionError(f"{QUIET_WITHIN_S} s after the load stopped, still: {why(still_active())}") from None

    resolved = {a["id"]: a for a in latency_alerts() if a["resolved_at"] is not None}
    assert fired <= set(resolved), "every latency alert open when the load stopped has resolved"
    assert {resolved[i]["resolution"] for i in fired} <= {"no_data", "condition_cleared"}
