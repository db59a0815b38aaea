"""Bench: what AREF costs on the request path, against a bare Serve chain of the same shape.

On a stack started as the tests do (``tests/stack.py``) with ``AREF_ADAPTATION_MAX_REPLICAS=1`` (the
autoscaler cannot add replicas) it deploys beside the shop the application ``bare`` on ``/bare``: an
ingress calling four deployments through DeploymentHandles in the order pipeline's sequence
(orders.create, payments.process, orders.confirm, inventory.reserve, notifications.send), trivial
work, 0.05 CPU and one replica each (c). Then it alternates ``hey -z 20s -c 8`` POSTing the same
order between AREF's ``/gateway/api/orders`` and ``/bare``, two pairs. It does so on the shop as
it runs (a), then on a second stack started with ``AREF_BARE_DATA_PLANE=1`` (b: no fault hook,
guard, gate or telemetry on any request). Each variant is compared with the bare chain measured
beside it, so a/b is (a/c) / (b/c). Writes ``bench/results/request-path-<date>-<label>.json`` and
prints one line. Run it under ``flock /tmp/aref-stack.lock``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from typing import Any

from ray import serve
from starlette.requests import Request

from bench.autoscaler import CONCURRENCY, hey
from bench.common import REPO, Row, running_stack, write_result
from tests.stack import HTTP

DURATION, PAIRS = "20s", 2
BARE_OPTIONS: dict[str, Any] = {"num_replicas": 1, "ray_actor_options": {"num_cpus": 0.05}}


@serve.deployment(**BARE_OPTIONS)
class BareOrders:
    def create(self, payload: dict[str, Any]) -> dict[str, Any]:
        total = sum(i["quantity"] * i["unit_price"] for i in payload["items"])
        return {"id": "o-1", "customer": payload["customer"], "items": payload["items"], "total": total}

    def confirm(self, order_id: str, payment_id: str) -> dict[str, Any]:
        return {"id": order_id, "payment_id": payment_id, "status": "confirmed"}


@serve.deployment(**BARE_OPTIONS)
class BarePayments:
    def process(self, order_id: str, amount: float) -> dict[str, Any]:
        return {"id": "p-1", "order_id": order_id, "amount": amount, "status": "captured"}


@serve.deployment(**BARE_OPTIONS)
class BareInventory:
    def reserve(self, order_id: str, items: list[dict[str, Any]]) -> dict[str, Any]:
        return {"order_id": order_id, "reserved": [{"sku": i["sku"], "quantity": i["quantity"]} for i in items]}


@serve.deployment(**BARE_OPTIONS)
class BareNotifications:
    def send(self, order_id: str, recipient: str) -> dict[str, Any]:
        return {"order_id": order_id, "recipient": recipient, "status": "sent"}


@serve.deployment(**BARE_OPTIONS)
class BareIngress:
    """The order pipeline's five calls, in sequence, through handles; no guards, no telemetry."""

    def __init__(self, orders: Any, payments: Any, inventory: Any, notifications: Any) -> None:
        self._orders, self._payments = orders, payments
        self._inventory, self._notifications = inventory, notifications

    async def __call__(self, request: Request) -> dict[str, Any]:
        body = await request.json()
        order = await self._orders.create.remote(body)
        payment = await self._payments.process.remote(order["id"], order["total"])
        order = await self._orders.confirm.remote(order["id"], payment["id"])
        stock = await self._inventory.reserve.remote(order["id"], body["items"])
        receipt = await self._notifications.send.remote(order["id"], body["customer"])
        return {"order": order, "payment": payment, "stock": stock, "notification": receipt}


def deploy_bare_chain() -> None:
    """``bare`` on ``/bare``, imperatively, beside the declarative AREF apps (no PUT follows that would drop it)."""
    import ray

    ray.init(address="auto", log_to_driver=False, configure_logging=False)
    try:
        chain = BareIngress.bind(BareOrders.bind(), BarePayments.bind(), BareInventory.bind(), BareNotifications.bind())
        serve.run(chain, name="bare", route_prefix="/bare")
    finally:
        ray.shutdown()


def pairs(duration: str) -> list[dict[str, Any]]:
    """``PAIRS`` times: AREF's order pipeline, then the bare chain (c), and their ratios."""
    runs = []
    for n in range(1, PAIRS + 1):
        a = hey(f"{HTTP}/gateway/api/orders", duration)
        c = hey(f"{HTTP}/bare", duration)
        runs.append({"pair": n, "aref": a, "bare": c, "ratio_to_c": _ratios(a, c)})
    return runs


def measure_variant(duration: str = DURATION) -> dict[str, Any]:
    """The pairs on the stack running now (whatever its data plane), after a 10 s settle."""
    deploy_bare_chain()
    time.sleep(10)  # let the actors and the first telemetry windows settle
    runs = pairs(duration)
    return {"pairs": runs, "mean_ratio_to_c": _mean_ratios(runs)}


def compare(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """a/c, b/c and a/b = (a/c)/(b/c) from the two variants' mean ratios."""
    ac, bc = a["mean_ratio_to_c"], b["mean_ratio_to_c"]
    return {
        "a_c": ac,
        "b_c": bc,
        "a_b": {k: None if not ac[k] or not bc[k] else round(ac[k] / bc[k], 3) for k in ac},
    }


def _ratios(x: dict[str, Any], c: dict[str, Any]) -> dict[str, float | None]:
    def ratio(u: float | None, v: float | None) -> float | None:
        return None if not u or not v else round(u / v, 3)

    return {
        "throughput": ratio(x["rps"], c["rps"]),
        "good_throughput": ratio(x["good_rps"], c["good_rps"]),
        "p50": ratio(x["p50_ms"], c["p50_ms"]),
        "p99": ratio(x["p99_ms"], c["p99_ms"]),
    }


def _mean_ratios(runs: list[dict[str, Any]]) -> dict[str, float | None]:
    keys = ("throughput", "good_throughput", "p50", "p99")
    out: dict[str, float | None] = {}
    for key in keys:
        values = [r["ratio_to_c"][key] for r in runs if r["ratio_to_c"][key] is not None]
        out[key] = round(sum(values) / len(values), 3) if values else None
    return out


def rows(result: dict[str, Any]) -> list[Row]:
    cmp, command = result["compare"], "python -m bench.request_path"
    ac, ab = cmp["a_c"], cmp["a_b"]
    return [
        _row("good orders/s, AREF / bare chain (a/c)", ac["good_throughput"], "ratio", ">= 0.85", 0.85, command),
        _row("p99, AREF / bare chain (a/c)", ac["p99"], "ratio", "<= 1.5", -1.5, command),
        _row("good orders/s, AREF / its bare data plane (a/b)", ab["good_throughput"], "ratio", ">= 0.9", 0.9, command),
    ]


def _row(metric: str, value: float | None, unit: str, target: str, bound: float, command: str) -> Row:
    """``bound`` > 0: value must be at least it; < 0: at most its absolute value."""
    met = None if value is None else (value >= bound if bound > 0 else value <= -bound)
    return Row("request path", metric, value, unit, target, met, command)


def summary(result: dict[str, Any]) -> str:
    cmp = result["compare"]
    return (
        f"good orders/s a/c {cmp['a_c']['good_throughput']}, b/c {cmp['b_c']['good_throughput']}, "
        f"a/b {cmp['a_b']['good_throughput']}; p99 a/c {cmp['a_c']['p99']}, b/c {cmp['b_c']['p99']}"
    )


ONE_REPLICA = {"AREF_ADAPTATION_MAX_REPLICAS": "1"}


def run_both(duration: str, a: dict[str, Any] | None = None) -> dict[str, Any]:
    """(a) on a fresh stack unless given, then (b) on a fresh bare-data-plane stack."""
    if a is None:
        with running_stack("path-a", **ONE_REPLICA):
            a = measure_variant(duration)
    with running_stack("path-b", **ONE_REPLICA, AREF_BARE_DATA_PLANE="1"):
        b = measure_variant(duration)
    return {
        "duration": duration,
        "concurrency": CONCURRENCY,
        "max_replicas": 1,
        "a": a,
        "b": b,
        "compare": compare(a, b),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--label", default="run", help="names the result file, e.g. before / after")
    parser.add_argument("--duration", default=DURATION, help="hey -z per run")
    args = parser.parse_args()
    if shutil.which("hey") is None:
        print("hey is not installed: apt-get install -y hey (Debian package) and run again", file=sys.stderr)
        return 2
    started = time.monotonic()
    result = run_both(args.duration)
    result["seconds"] = round(time.monotonic() - started, 1)
    out = write_result(f"request-path-{args.label}", result)
    print(f"request path ({args.label}): {summary(result)}; written {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
