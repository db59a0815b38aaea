"""Feature flags on the running stack: the flags ``notification_overload`` names reach every
notifications replica, the replicas' own counters show the work they skipped, and restoring the
flags brings the work back.

The four optional flags of notifications (analytics, recommendations, search, experimental) are
switched off through the API, as adaptation's load shedding switches them. Each one off raises the
service's shed level a step; with all four off only ``critical`` messages are delivered. Every
running replica must report the flags applied (``GET /api/aref/controls/applied``), and the
``shed_by_flags`` counters the replicas report must rise by the messages shed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.helpers import api, running_ids
from tests.stack import wait_for

pytestmark = pytest.mark.usefixtures("stack")
SERVICE = "notifications"
FLAGS = tuple(f"{SERVICE}.{kind}" for kind in ("analytics", "recommendations", "search", "experimental"))
APPLY_WITHIN_S = 20.0
SHED = 5


def replicas() -> list[dict[str, Any]]:
    reply = api("GET", "/api/aref/controls/applied")
    assert reply.status_code == 200, reply.text
    return [r for r in reply.json()["replicas"] if r["service"] == SERVICE]


def every_replica_has(enabled: bool) -> bool:
    reported = {r["replica_id"]: r for r in replicas()}
    ids = running_ids(SERVICE)
    # a flag no replica has pulled yet (control version 0 on a fresh stack) is on
    return bool(ids) and all(
        i in reported and all(reported[i]["applied"]["flags"].get(f, True) is enabled for f in FLAGS) for i in ids
    )


def shed_by_flags() -> int:
    return sum(int(r["skipped"].get("shed_by_flags", 0)) for r in replicas())


def reported_after(at: float) -> bool:
    reported = replicas()
    return bool(reported) and all(r["reported_at"] > at for r in reported)


def set_flags(enabled: bool) -> None:
    for name in FLAGS:
        reply = api("POST", f"/api/aref/adaptation/flags/{name}", json={"enabled": enabled})
        assert reply.status_code == 200, reply.text
        assert reply.json()["enabled"] is enabled


def send(priority: str) -> str:
    body = {"channel": "push", "recipient": "flags@example.com", "message": "flag check", "priority": priority}
    reply = api("POST", "/notifications/send", json=body)
    assert reply.status_code in (200, 201), reply.text
    return str(reply.json()["status"])


@pytest.fixture
def flags_restored() -> Iterator[None]:
    yield
    set_flags(True)


@pytest.mark.usefixtures("flags_restored")
def test_the_overload_flags_reach_every_replica_skip_work_and_restoring_brings_it_back() -> None:
    wait_for(lambda: every_replica_has(True), timeout=APPLY_WITHIN_S, what="flags on at every replica")
    assert send("normal") == "delivered"
    before = shed_by_flags()

    set_flags(False)
    wait_for(lambda: every_replica_has(False), timeout=APPLY_WITHIN_S, what="flags off at every replica")
    assert [send("high") for _ in range(SHED)] == ["shed"] * SHED
    assert send("critical") == "delivered"  # critical is never shed
    wait_for(lambda: shed_by_flags() >= before + SHED, timeout=APPLY_WITHIN_S, what="replicas counting shed work")

    set_flags(True)
    wait_for(lambda: every_replica_has(True), timeout=APPLY_WITHIN_S, what="flags back on at every replica")
    counted = shed_by_flags()
    assert (send("normal"), send("low")) == ("delivered", "delivered")
    sent_at = time.time()
    wait_for(lambda: reported_after(sent_at), timeout=APPLY_WITHIN_S, what="every replica reporting after the sends")
    assert shed_by_flags() == counted  # nothing more skipped once restored
