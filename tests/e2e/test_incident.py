"""One whole incident through the running stack, tied together by one correlation id.

With orders flowing through the gateway, 80 % errors are injected on payments. Detection alerts,
adaptation and/or absorption act, recovery starts a tier; after the rollback the alert clears,
recovery resolves and evolution stores a review with action items. Every one of those events
carries the correlation id of the first payments alert.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.tiers import rested
from tests.integration.helpers import api, order_traffic
from tests.stack import Stack, wait_for

FAULT_SECONDS = 25


@pytest.fixture
def traffic(stack: Stack) -> Iterator[list[int]]:
    """Orders through the gateway while the test runs (bounded: 1200 orders), from a payments at rest
    (an earlier test's open payments alert would take in the new fault's signals)."""
    rested("payments")
    with order_traffic(1200) as statuses:
        yield statuses


def payments_alerts() -> list[dict[str, Any]]:
    alerts = api("GET", "/api/aref/alerts").json()
    return [a for a in [*alerts["active"], *alerts["recent_resolved"]] if a["service"] == "payments"]


def first_new_payments_alert(known: set[str]) -> dict[str, Any] | None:
    """The earliest payments alert not in ``known`` (earlier tests leave resolved payments alerts behind)."""
    fresh = [a for a in payments_alerts() if a["id"] not in known]
    return min(fresh, key=lambda a: a["fired_at"]) if fresh else None


def topics_of(correlation_id: str) -> set[str]:
    reply = api("GET", "/api/aref/timeline", params={"correlation_id": correlation_id, "limit": 1000})
    return {e["topic"] for e in reply.json()["events"]}


def test_an_incident_runs_detect_absorb_adapt_recover_evolve(stack: Stack, traffic: list[int]) -> None:
    wait_for(lambda: len(traffic) >= 10, timeout=60, what="baseline traffic")
    known = {a["id"] for a in payments_alerts()}
    reply = api(
        "POST",
        "/api/aref/chaos/start",
        json={"service": "payments", "fault_type": "error", "rate": 0.8, "duration_s": FAULT_SECONDS},
    )
    assert reply.status_code == 200, reply.text

    wait_for(lambda: first_new_payments_alert(known) is not None, timeout=30, what="a new payments alert")
    alert = first_new_payments_alert(known)
    assert alert is not None
    cid = alert["correlation_id"]

    acted = {"adaptation.strategy_executed", "absorption.circuit_breaker_opened", "adaptation.escalate_to_recovery"}
    wait_for(lambda: bool(topics_of(cid) & acted), timeout=30, what="adaptation or absorption to act")
    wait_for(lambda: "recovery.recovery_started" in topics_of(cid), timeout=60, what="recovery to start a tier")

    # the fault rolls back by itself when its duration passes; then the alerts clear
    wait_for(lambda: "recovery.recovery_resolved" in topics_of(cid), timeout=180, what="recovery to resolve")
    wait_for(lambda: "evolution.review_generated" in topics_of(cid), timeout=30, what="a review")

    chain = topics_of(cid)
    assert {
        "detection.alert_fired",
        "recovery.recovery_started",
        "recovery.recovery_resolved",
        "evolution.review_generated",
    } <= chain
    assert chain & acted

    events = api("GET", "/api/aref/timeline", params={"correlation_id": cid, "limit": 1000}).json()["events"]
    generated = next(e for e in events if e["topic"] == "evolution.review_generated")
    stored = api("GET", "/api/aref/evolution").json()["reviews"]["recent"]
    review = next(r for r in stored if r["review_id"] == generated["payload"]["review_id"])
    assert review["action_item_ids"], review
    # recovery may resolve before the fault's 25 s are over (the order path sheds it): it still ends on time
    wait_for(lambda: api("GET", "/api/aref/chaos/status").json()["active"] == [], timeout=30, what="the fault to end")
    assert any(s >= 500 or s == 0 for s in traffic), "clients should have seen the fault"
