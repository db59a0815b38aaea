"""The prober on the running stack: a dead service alerts within 10 s with no user traffic at all.

No load runs (the load generator is checked idle). The prober probes every service's /readyz and
places a synthetic order through the gateway every 2 s. Killing every replica of notifications
(``ray.kill`` of its replica actors, as the crash fault does) must raise a synthetic alert on it
whose ``fired_at`` is at most 10 s after the first kill. Serve replaces a killed replica within
2-4 s (``health_check_period_s: 1``), which can be shorter than two failed probes, so the test
kills the replicas again every half second until the alert appears: the service stays down, as
a crash loop keeps it. With everything healthy no probe alert fires, and the synthetic orders
never show in a replica's customer request counts.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.integration.helpers import api, running_ids, serve_replicas
from tests.stack import Stack, wait_for

pytestmark = pytest.mark.usefixtures("stack")
SERVICE = "notifications"
ALERT_WITHIN_S = 10.0
KILL_EVERY_S = 0.5


def get(path: str) -> Any:
    reply = api("GET", path)
    assert reply.status_code == 200, f"{path}: {reply.status_code} {reply.text}"
    return reply.json()


def probe_alerts(service: str, since: float) -> list[dict[str, Any]]:
    alerts = get("/api/aref/alerts")
    return [
        a
        for a in [*alerts["active"], *alerts["recent_resolved"]]
        if a["detection_class"] == "synthetic" and a["service"] == service and a["fired_at"] >= since
    ]


def replica_counters(service: str, asks: int = 40) -> dict[str, dict[str, Any]]:
    """The latest /health of every replica of ``service`` that answered one of ``asks`` requests
    (Serve picks a replica per request; earlier tests may have scaled the service out)."""
    seen: dict[str, dict[str, Any]] = {}
    for _ in range(asks):
        health = get(f"/{service}/health")
        seen[health["replica_id"]] = health
    return seen


def total(counters: dict[str, dict[str, Any]], field: str) -> int:
    return sum(int(h[field]) for h in counters.values())


def probes() -> dict[tuple[str, str], dict[str, Any]]:
    return {(p["target"], p["check"]): p for p in get("/api/aref/detection")["probes"]}


def all_probed_ok() -> bool:
    seen = probes()
    return len(seen) == 6 and all(p["last_ok"] for p in seen.values())


def test_no_load_runs() -> None:
    assert get("/api/aref/load")["running"] is False


def test_a_healthy_shop_raises_no_probe_alert_and_probes_are_no_customer_traffic(stack: Stack) -> None:
    wait_for(all_probed_ok, timeout=30, what="every probe target answered ok")
    services = ("gateway", "orders", "payments")
    started = time.time()
    for _ in range(3):  # a replica replaced meanwhile (a restart, a scale) leaves nothing to compare: again
        before = {s: replica_counters(s) for s in services}
        wait_for(
            lambda before=before: (
                total(replica_counters("orders"), "synthetic_requests")
                >= total(before["orders"], "synthetic_requests") + 3
            ),
            timeout=30,
            what="three synthetic orders reached orders",
        )
        answered = {s: replica_counters(s) for s in services}
        if all(set(answered[s]) & set(before[s]) for s in services):
            break
    for service in services:
        after = answered[service]
        common = set(after) & set(before[service])
        assert common, f"no {service} replica answered both times"
        mine = {r: before[service][r] for r in common}
        assert total({r: after[r] for r in common}, "requests") == total(mine, "requests"), (
            f"{service} counted a synthetic order"
        )
        assert total({r: after[r] for r in common}, "synthetic_requests") > total(mine, "synthetic_requests")
    assert get("/api/aref/load")["running"] is False
    for service in ("gateway", "orders", "payments", "inventory", "notifications"):
        assert probe_alerts(service, started) == []


def test_every_replica_of_a_service_killed_raises_a_probe_alert_within_10_s(ray_client: Any) -> None:
    import ray

    wait_for(all_probed_ok, timeout=30, what="every probe target answered ok")
    killed_at = time.time()
    kills = 0
    deadline = killed_at + ALERT_WITHIN_S + 5.0
    found: list[dict[str, Any]] = []
    while time.time() < deadline and not found:
        for replica in serve_replicas(SERVICE):
            try:
                ray.kill(ray.get_actor(replica["actor_name"], namespace="serve"), no_restart=True)
                kills += 1
            except ValueError:
                continue  # already gone
        time.sleep(KILL_EVERY_S)
        found = probe_alerts(SERVICE, killed_at)
    assert kills > 0
    assert found, f"no probe alert on {SERVICE} within {ALERT_WITHIN_S + 5:g} s of the first kill"
    alert = found[0]
    delay = alert["fired_at"] - killed_at
    print(f"probe alert on {SERVICE}: fired {delay:.2f} s after the first kill ({kills} replica kills)")
    assert (alert["metric"], alert["severity"]) == ("probe.readyz", "emergency")
    assert delay <= ALERT_WITHIN_S
    wait_for(lambda: probe_alerts(SERVICE, killed_at)[0]["state"] == "resolved", timeout=60, what="replicas back")
    wait_for(all_probed_ok, timeout=30, what="every probe target answered ok again")
    wait_for(lambda: settled(SERVICE), timeout=90, what=f"{SERVICE} running with no recovery left on it")


def settled(service: str) -> bool:
    """The service runs a replica and no recovery (started by the probe alert) is still at work on it."""
    recovering = [r for r in get("/api/aref/recovery")["active"] if r["service"] == service]
    return not recovering and bool(running_ids(service))
