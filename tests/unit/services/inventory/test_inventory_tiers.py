"""Inventory under each degradation tier: what the replica refuses or defers, and what always runs."""

from __future__ import annotations

from typing import Any

import pytest

from services.inventory.inventory_app import Adjust, InventoryService, Replenish
from tests.unit.services.fakes import at_tier, handle, http, serve_free

ARGS = {
    "catalog": [{"sku": "KB", "name": "Keyboard", "price": 89.0, "on_hand": 5}],
    "restock_below": 3,
    "restock_quantity": 10,
    "retry_after_s": 9,
}


@pytest.fixture
def inventory() -> Any:
    return serve_free(InventoryService, "inventory", ARGS)


def reserve(replica: Any, order_id: str, quantity: int) -> dict[str, Any]:
    return handle(replica.reserve_stock({"order_id": order_id, "sku": "KB", "quantity": quantity}))


def reports_and_listings(replica: Any) -> list[int]:
    """Summary and sweep (off from reduced), stock list, catalog and movements (off from minimal)."""
    calls = (
        replica.http_stats(),
        replica.http_sweep(),
        replica.http_stock(sku=None),
        replica.http_catalog(),
        replica.http_movements(sku=None, limit=10),
    )
    return [http(c)[0] for c in calls]


def on_hand(replica: Any) -> int:
    return int(handle(replica.get_stock("KB"))["body"]["on_hand"])


def test_reduced_refuses_summary_and_sweep_and_defers_the_restock(inventory: Any) -> None:
    at_tier(inventory, "reduced")

    status, body, retry_after = http(inventory.http_stats())
    held = reserve(inventory, "ORD-1", 3)

    assert (status, retry_after, body["feature"], body["tier"]) == (503, "9", "stock_reports", "reduced")
    assert reports_and_listings(inventory) == [503, 503, 200, 200, 200]
    assert (held["status"], held["body"]["restock_deferred"]) == (201, ["KB"])
    assert on_hand(inventory) == 5  # 2 available, below 3: no restock ordered
    assert inventory.runtime.health()["skipped"] == {"stock_reports": 2, "stock_sweep": 1, "stock_restock": 1}
    assert (inventory.runtime.errors, inventory.runtime.shed_requests) == (0, 3)


def test_minimal_keeps_reserve_release_commit_and_the_single_reads(inventory: Any) -> None:
    at_tier(inventory, "minimal")

    assert reports_and_listings(inventory) == [503] * 5
    first = reserve(inventory, "ORD-1", 1)["body"]["reservations"][0]
    second = reserve(inventory, "ORD-2", 1)["body"]["reservations"][0]
    assert handle(inventory.release_stock(first["id"]))["body"]["status"] == "released"
    assert http(inventory.http_commit(second["id"]))[1]["status"] == "committed"
    assert http(inventory.http_reservation(second["id"]))[0] == 200
    assert http(inventory.http_stock_one("KB"))[1]["on_hand"] == 4
    assert http(inventory.http_replenish(Replenish(sku="KB", quantity=2)))[0] == 200  # an operator's remedy
    assert http(inventory.http_adjust(Adjust(sku="KB", delta=-1, reason="count")))[1]["on_hand"] == 5


def test_emergency_still_reserves_stock_for_orders_already_accepted(inventory: Any) -> None:
    at_tier(inventory, "emergency")

    assert reserve(inventory, "ORD-1", 1)["status"] == 201
    assert reports_and_listings(inventory) == [503] * 5


def test_lifting_the_tier_brings_everything_back_and_the_deferred_restock_is_ordered(inventory: Any) -> None:
    at_tier(inventory, "reduced")
    reserve(inventory, "ORD-1", 3)
    at_tier(inventory, "full")

    held = reserve(inventory, "ORD-2", 1)

    assert "restock_deferred" not in held["body"]
    assert on_hand(inventory) == 15
    assert reports_and_listings(inventory) == [200] * 5
