"""A lost replica costs no order: steady load through the gateway while replicas of the gateway and
of orders are killed (``ray.kill``, as a crash does), counted in the shop's own store.

The client is a careful one: every order carries its own ``Idempotency-Key`` and a request that
fails (5xx, or no answer) is sent once more with the same key. With two replicas of each service
no order may fail even on its first attempt's retry, and none may be lost or held twice: every
acknowledged order is in the store, and each key made one order, one capture and one set of
holds. With one replica each the failed share of first attempts is reported (a killed lone
replica takes its requests with it), and still nothing is lost or doubled.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.e2e.tiers import REST_WITHIN_S
from tests.integration.helpers import api, running_ids, serve_replicas
from tests.stack import Stack, wait_for

SERVICES = ("gateway", "orders")
READY_WITHIN_S = 2 * REST_WITHIN_S  # an earlier test's fault ends and its tiers step down
ROUNDS = 3
RATE_PER_S = 6.0
SETTLE_S = 4.0  # load before the first kill and between rounds
RETRY_AFTER_S = 0.5


@dataclass
class Sent:
    key: str
    first: int  # HTTP status of the first attempt; 0: no answer
    final: int
    order_id: str | None = None


@dataclass
class CarefulClient:
    customer: str = field(default_factory=lambda: f"lost-replica-{uuid.uuid4().hex[:8]}")
    sent: list[Sent] = field(default_factory=list)

    def place(self) -> None:
        key = f"{self.customer}-{len(self.sent)}"
        order = {"customer": self.customer, "items": [{"sku": "SKU-001", "quantity": 1, "unit_price": 9.5}]}
        first, body = self._post(order, key)
        final = first
        if first == 0 or first >= 500:
            time.sleep(RETRY_AFTER_S)
            final, body = self._post(order, key)
        placed = body.get("order") if isinstance(body, dict) else None
        self.sent.append(Sent(key, first, final, placed["id"] if isinstance(placed, dict) else None))

    @staticmethod
    def _post(order: dict[str, Any], key: str) -> tuple[int, Any]:
        try:
            reply = api("POST", "/gateway/api/orders", json=order, headers={"Idempotency-Key": key})
        except httpx.HTTPError:
            return 0, None
        try:
            return reply.status_code, reply.json()
        except ValueError:
            return reply.status_code, None


@contextmanager
def steady_load(client: CarefulClient) -> Iterator[None]:
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(1.0 / RATE_PER_S):
            client.place()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join(timeout=60)


def scale_to(replicas: int) -> None:
    for service in SERVICES:
        reply = api("POST", f"/api/aref/services/{service}/scale", json={"replicas": replicas})
        assert reply.status_code == 200, reply.text
    for service in SERVICES:
        wait_for(lambda s=service: len(running_ids(s)) == replicas, timeout=90, what=f"{replicas} {service} running")


def kill_one_of_each(ray: Any) -> None:
    for service in SERVICES:
        victim = next(r for r in serve_replicas(service) if r["state"] == "RUNNING")
        ray.kill(ray.get_actor(victim["actor_name"], namespace="serve"), no_restart=True)


@dataclass(frozen=True)
class InStore:
    orders: dict[str, dict[str, int]]  # order id -> {"payments": captures, "holds": held or committed}
    keys: int  # idempotency keys of the client's that claimed an order


def in_store(stack: Stack, customer: str) -> InStore:
    """The client's orders, their payments and stock holds, and its claimed keys, read from the shop's store."""
    with closing(sqlite3.connect(f"file:{stack.data_dir / 'shop.sqlite3'}?mode=ro", uri=True)) as db:
        rows = db.execute(
            "SELECT collection, key, body FROM records "
            "WHERE collection IN ('orders', 'payments', 'reservations', 'order_keys')"
        ).fetchall()
    records = [(c, k, json.loads(b)) for c, k, b in rows]
    mine = [r for c, _, r in records if c == "orders" and r["customer"] == customer]
    orders = {r["id"]: {"payments": 0, "holds": 0} for r in mine}
    for collection, _, record in records:
        if record.get("order_id") not in orders:
            continue
        if collection == "payments" and record["status"] != "failed":  # a capture
            orders[record["order_id"]]["payments"] += 1
        elif collection == "reservations" and record["status"] in ("held", "committed"):
            orders[record["order_id"]]["holds"] += 1
    keys = sum(1 for c, k, _ in records if c == "order_keys" and k.startswith(f"{customer}-"))
    return InStore(orders, keys)


def run_rounds(ray: Any, stack: Stack, replicas: int) -> CarefulClient:
    scale_to(replicas)
    client = CarefulClient()
    with steady_load(client):
        time.sleep(SETTLE_S)
        for _ in range(ROUNDS):
            kill_one_of_each(ray)
            for service in SERVICES:
                wait_for(lambda s=service: len(running_ids(s)) == replicas, timeout=90, what=f"{service} replaced")
            time.sleep(SETTLE_S)
    return client


def assert_nothing_lost_or_doubled(stack: Stack, client: CarefulClient) -> None:
    acknowledged = {s.order_id for s in client.sent if s.final in (200, 201) and s.order_id}
    stored = in_store(stack, client.customer)
    assert acknowledged <= set(stored.orders), f"lost orders: {sorted(acknowledged - set(stored.orders))}"
    assert len(stored.orders) == stored.keys <= len(client.sent), "a key made two orders, or an order has no key"
    doubled = {o: c for o, c in stored.orders.items() if c["payments"] > 1 or c["holds"] > 1}
    assert doubled == {}, f"charged or held twice: {doubled}"


def report(label: str, client: CarefulClient) -> tuple[int, int]:
    first_failed = sum(1 for s in client.sent if s.first not in (200, 201))
    final_failed = sum(1 for s in client.sent if s.final not in (200, 201))
    print(
        f"{label}: {len(client.sent)} orders, {first_failed} first attempts failed "
        f"({first_failed / max(1, len(client.sent)):.1%}), {final_failed} failed after the retry with the same key"
    )
    return first_failed, final_failed


def no_recovery() -> bool:
    return not api("GET", "/api/aref/recovery").json()["active"]


def ready_for_orders() -> bool:
    """No fault acts and an order goes through (a breaker an earlier test left open closes on this
    traffic, and a tier that refuses new orders shows here)."""
    if api("GET", "/api/aref/chaos/status").json()["active"]:
        return False
    order = {"customer": "lost-replica-warmup", "items": [{"sku": "SKU-001", "quantity": 1, "unit_price": 9.5}]}
    return api("POST", "/gateway/api/orders", json=order).status_code == 201


@pytest.fixture
def restored(stack: Stack) -> Iterator[None]:
    """Start from a shop that takes orders and no recovery at work (a recovery that ends sets back
    the replica counts it changed); leave the replica counts as they were, no recovery at work,
    and the shop taking orders again."""
    wait_for(no_recovery, timeout=180, what="no recovery at work")
    wait_for(ready_for_orders, timeout=READY_WITHIN_S, interval=2.0, what="the shop taking orders")
    before = {s: len(running_ids(s)) for s in SERVICES}
    yield
    for service, count in before.items():
        api("POST", f"/api/aref/services/{service}/scale", json={"replicas": count})
    for service, count in before.items():
        wait_for(lambda s=service, n=count: len(running_ids(s)) == n, timeout=120, what=f"{service} back to {count}")
    wait_for(no_recovery, timeout=180, what="no recovery at work")
    wait_for(ready_for_orders, timeout=READY_WITHIN_S, interval=2.0, what="the shop taking orders again")


def test_with_two_replicas_a_lost_one_costs_no_order(ray_client: Any, stack: Stack, restored: None) -> None:
    client = run_rounds(ray_client, stack, replicas=2)
    _, final_failed = report("two replicas each", client)
    assert len(client.sent) >= 30  # the load really ran through the rounds
    assert final_failed == 0, [s for s in client.sent if s.final not in (200, 201)]
    assert_nothing_lost_or_doubled(stack, client)


def test_with_one_replica_failures_are_reported_and_nothing_is_lost(
    ray_client: Any, stack: Stack, restored: None
) -> None:
    client = run_rounds(ray_client, stack, replicas=1)
    report("one replica each", client)
    assert len(client.sent) >= 15
    assert_nothing_lost_or_doubled(stack, client)
