"""Inventory as a Ray Serve application: the stockroom behind HTTP routes and handle methods.

Routes (prefix ``/inventory``): GET /inventory/stock, GET /inventory/stock/{sku},
POST /inventory/reserve, POST /inventory/release/{id}, POST /inventory/commit/{id},
GET /inventory/reservations/{id}, POST /inventory/replenish, POST /inventory/adjust,
POST /inventory/sweep, GET /inventory/movements, GET /inventory/catalog, GET /inventory/stats.
Handle methods: ``reserve_stock``, ``release_stock``, ``get_stock`` (+ ``apply_faults``,
``whoami``, ``health``). The catalog comes from the builder args (created if missing).

The inventory's degradation tier refuses, with 503 and ``Retry-After`` (``InventoryArgs.retry_after_s``),
the operations of ``TIER_GATES``: the summary and the expiry sweep from reduced, the stock list,
the catalog and the movements from minimal; from reduced on a reservation that leaves a SKU low
orders no restock (the answer's ``restock_deferred`` names the SKUs). Reserving, releasing and
committing stock, reading one SKU or reservation (the order pipeline's core, kept for orders already
accepted in emergency too) and replenishing or adjusting (an operator's remedy) always run.
"""

from typing import Any

from fastapi import Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from ray import serve
from ray.serve import Application

from aref.absorption.degradation import STOCK_LISTINGS, STOCK_REPORTS, STOCK_RESTOCK, STOCK_SWEEP
from aref.errors import InvalidInputError
from services.base.admin import ADMIN
from services.base.checks import MAX_AMOUNT
from services.base.envelope import Envelope
from services.base.replica import ServiceReplica, create_api, parse, respond
from services.inventory.stockroom import MAX_TTL_S, RestockPolicy, Stockroom


class CatalogItem(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    price: float = Field(ge=0.01, le=MAX_AMOUNT)
    on_hand: int = Field(ge=0)


DEFAULT_CATALOG = [
    CatalogItem(sku="SKU-001", name="Mechanical keyboard", price=89.0, on_hand=10_000),
    CatalogItem(sku="SKU-002", name="Wireless mouse", price=29.0, on_hand=10_000),
    CatalogItem(sku="SKU-003", name="USB-C hub", price=49.0, on_hand=10_000),
    CatalogItem(sku="SKU-004", name="27-inch monitor", price=279.0, on_hand=5_000),
    CatalogItem(sku="SKU-005", name="Laptop stand", price=39.0, on_hand=10_000),
]


TIER_GATES = {
    "inventory_stats": STOCK_REPORTS,
    "sweep": STOCK_SWEEP,
    "list_stock": STOCK_LISTINGS,
    "catalog": STOCK_LISTINGS,
    "movements": STOCK_LISTINGS,
}
"""Operation -> the tier feature it needs (``ReplicaRuntime.gate``)."""


class InventoryArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    catalog: list[CatalogItem] = Field(default_factory=lambda: list(DEFAULT_CATALOG))
    reservation_ttl_s: float = Field(300.0, gt=0, le=MAX_TTL_S)
    restock_below: int = Field(100, ge=0, description="0 disables automatic restocking")
    restock_quantity: int = Field(1_000, ge=1)
    retry_after_s: int = Field(10, ge=1, le=3600)


class Line(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=10_000)


class Reserve(BaseModel):
    order_id: str = Field(min_length=1, max_length=64)
    items: list[Line] = Field(default_factory=list, max_length=50)
    sku: str | None = Field(None, min_length=1, max_length=64)
    quantity: int | None = Field(None, ge=1, le=10_000)
    ttl_s: float | None = Field(None, gt=0, le=MAX_TTL_S)

    def lines(self) -> list[dict[str, Any]]:
        """The lines to hold: ``items``, or the single ``sku``/``quantity`` shorthand."""
        if self.sku is not None and self.items:
            raise InvalidInputError("sku", "give either items or sku/quantity, not both")
        if self.sku is not None:
            return [{"sku": self.sku, "quantity": self.quantity or 1}]
        if not self.items:
            raise InvalidInputError("items", "must not be empty (or give sku and quantity)")
        return [line.model_dump() for line in self.items]


class Replenish(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=1_000_000)


class Adjust(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    delta: int
    reason: str = Field(min_length=1, max_length=200)


api = create_api("AREF inventory")


@serve.deployment(name="inventory", ray_actor_options={"num_cpus": 0.05}, health_check_period_s=1)
@serve.ingress(api)
class InventoryService(ServiceReplica):
    def __init__(self, args: dict[str, Any] | None = None, **replica: Any) -> None:
        """``replica``: the base's parts (settings, link, clock, store, identity) where Serve gives none (tests)."""
        options = InventoryArgs.model_validate(args or {})
        super().__init__("inventory", **replica)
        self.runtime.gate(TIER_GATES, options.retry_after_s)
        restock = RestockPolicy(options.restock_below, options.restock_quantity) if options.restock_below else None
        self.stockroom = Stockroom(self.store, self.clock, restock=restock)
        self.ttl_s = options.reservation_ttl_s
        self.stockroom.ensure_catalog(item.model_dump() for item in options.catalog)
        self.stockroom.index_holds()

    async def reserve_stock(self, payload: dict[str, Any]) -> dict[str, Any]:
        return (await self._reserve(payload)).to_dict()

    async def release_stock(self, reservation_id: str) -> dict[str, Any]:
        return (await self._release(reservation_id)).to_dict()

    async def get_stock(self, sku: str) -> dict[str, Any]:
        return (await self.runtime.run("get_stock", lambda _: self.stockroom.stock(sku))).to_dict()

    @api.get("/stock")
    async def http_stock(self, sku: str | None = None) -> JSONResponse:
        def stock(_: object) -> Any:
            return self.stockroom.stock(sku) if sku else {"stock": self.stockroom.catalog()}

        return respond(await self.runtime.run("get_stock" if sku else "list_stock", stock))

    @api.get("/stock/{sku}")
    async def http_stock_one(self, sku: str) -> JSONResponse:
        return respond(await self.runtime.run("get_stock", lambda _: self.stockroom.stock(sku)))

    @api.post("/reserve")
    async def http_reserve(self, body: Reserve) -> JSONResponse:
        return respond(await self._reserve(body.model_dump()))

    @api.post("/release/{reservation_id}")
    async def http_release(self, reservation_id: str) -> JSONResponse:
        return respond(await self._release(reservation_id))

    @api.post("/commit/{reservation_id}")
    async def http_commit(self, reservation_id: str) -> JSONResponse:
        return respond(await self.runtime.run("commit_stock", lambda _: self.stockroom.commit(reservation_id)))

    @api.get("/reservations/{reservation_id}")
    async def http_reservation(self, reservation_id: str) -> JSONResponse:
        return respond(await self.runtime.run("get_reservation", lambda _: self.stockroom.reservation(reservation_id)))

    @api.post("/replenish", tags=[ADMIN])
    async def http_replenish(self, body: Replenish) -> JSONResponse:
        return respond(await self.runtime.run("replenish", lambda _: self.stockroom.replenish(body.sku, body.quantity)))

    @api.post("/adjust", tags=[ADMIN])
    async def http_adjust(self, body: Adjust) -> JSONResponse:
        return respond(
            await self.runtime.run("adjust", lambda _: self.stockroom.adjust(body.sku, body.delta, body.reason))
        )

    @api.post("/sweep", tags=[ADMIN])
    async def http_sweep(self) -> JSONResponse:
        return respond(await self.runtime.run("sweep", lambda _: {"expired": self.stockroom.sweep()}))

    @api.get("/movements")
    async def http_movements(self, sku: str | None = None, limit: int = Query(100, ge=1, le=1000)) -> JSONResponse:
        def movements(_: object) -> dict[str, Any]:
            found = self.stockroom.movements(sku=sku, limit=limit)
            return {"movements": found, "count": len(found)}

        return respond(await self.runtime.run("movements", movements))

    @api.get("/catalog")
    async def http_catalog(self) -> JSONResponse:
        return respond(await self.runtime.run("catalog", lambda _: {"catalog": self.stockroom.catalog()}))

    @api.get("/stats")
    async def http_stats(self) -> JSONResponse:
        return respond(await self.runtime.run("inventory_stats", lambda _: self.stockroom.stats()))

    async def _reserve(self, payload: Any) -> Envelope:
        def reserve(_: object) -> dict[str, Any]:
            request = parse(Reserve, payload)
            deferred: list[str] = []
            defer = None if self.runtime.control.feature_on(STOCK_RESTOCK) else deferred.append
            ttl_s = request.ttl_s or self.ttl_s
            held = self.stockroom.reserve(request.order_id, request.lines(), ttl_s=ttl_s, defer_restock=defer)
            for _sku in deferred:
                self.runtime.skip(STOCK_RESTOCK)
            answer = {"order_id": request.order_id, "reservations": held, "count": len(held)}
            return {**answer, "restock_deferred": deferred} if deferred else answer

        return await self.runtime.run("reserve_stock", reserve, status=201)

    async def _release(self, reservation_id: str) -> Envelope:
        return await self.runtime.run("release_stock", lambda _: self.stockroom.release(reservation_id))


def app(args: InventoryArgs) -> Application:
    """Builder for serve_config.yaml: ``import_path: services.inventory.inventory_app:app``."""
    options = args if isinstance(args, InventoryArgs) else InventoryArgs.model_validate(args or {})
    application: Application = InventoryService.bind(options.model_dump())  # type: ignore[attr-defined]
    return application
