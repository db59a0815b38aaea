"""Bench: what AREF costs on the request path, against a bare Serve chain of the same shape, in one run.

It starts the AREF stack as the tests do (``tests/stack.py``) with ``AREF_ADAPTATION_MAX_REPLICAS=1``
(the autoscaler cannot add replicas), then deploys beside it the application ``bare`` on ``/bare``:
an ingress calling four deployments through DeploymentHandles in the order pipeline's sequence
(orders.create, payments.process, orders.confirm, inventory.reserve, notifications.send), trivial
work, 0.05 CPU and one replica each. Then it alternates ``hey -z 20s -c 8`` POSTing the same order
between AREF's ``/gateway/api/orders`` (a) and ``/bare`` (c), two pairs, and writes throughput,
p50 and p99 of each run and the ratio a/c of each pair to ``bench/results/request-path-<date>-<label>.json``
plus a one-line summary on stdout. Variant (b), AREF with guards, fault hooks and telemetry off, is
not measured: no setting switches them off yet. Run it under ``flock /tmp/aref-stack.lock``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ray import serve
from starlette.requests import Request

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.autoscaler import CONCURRENCY, hey  # noqa: E402
from tests.stack import HTTP, new_stack  # noqa: E402

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

    ray.init(address="auto", log_to_driver=False)
    try:
        chain = BareIngress.bind(BareOrders.bind(), BarePayments.bind(), BareInventory.bind(), BareNotifications.bind())
        serve.run(chain, name="bare", route_prefix="/bare")
    finally:
        ray.shutdown()


def pairs(duration: str) -> list[dict[str, Any]]:
    """``PAIRS`` times: AREF's order pipeline (a), then the bare chain (c), and a/c of the pair."""
    runs = []
    for n in range(1, PAIRS + 1):
        a = hey(f"{HTTP}/gateway/api/orders", duration)
        c = hey(f"{HTTP}/bare", duration)
        runs.append({"pair": n, "aref": a, "bare": c, "ratio_a_c": _ratios(a, c)})
    return runs


def _ratios(a: dict[str, Any], c: dict[str, Any]) -> dict[str, float | None]:
    def ratio(x: float | None, y: float | None) -> float | None:
        return None if not x or not y else round(x / y, 3)

    return {
        "throughput": ratio(a["rps"], c["rps"]),
        "good_throughput": ratio(a["good_rps"], c["good_rps"]),
        "p50": ratio(a["p50_ms"], c["p50_ms"]),
        "p99": ratio(a["p99_ms"], c["p99_ms"]),
    }


def summary(runs: list[dict[str, Any]]) -> str:
    parts = []
    for r in runs:
        a, c, q = r["aref"], r["bare"], r["ratio_a_c"]
        parts.append(
            f"pair {r['pair']}: AREF {a['rps']} req/s ({a['good_rps']} good) p50 {a['p50_ms']} p99 {a['p99_ms']} ms"
            f" | bare {c['rps']} req/s p50 {c['p50_ms']} p99 {c['p99_ms']} ms | a/c {q['throughput']}"
        )
    return "; ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="run", help="names the result file, e.g. before / after")
    parser.add_argument("--duration", default=DURATION, help="hey -z per run")
    args = parser.parse_args()
    if shutil.which("hey") is None:
        print("hey is not installed: apt-get install -y hey (Debian package) and run again", file=sys.stderr)
        return 2
    stack = new_stack(Path(tempfile.mkdtemp(prefix="aref-bench-path-")), AREF_ADAPTATION_MAX_REPLICAS="1")
    started = time.monotonic()
    try:
        stack.start()
        deploy_bare_chain()
        time.sleep(10)  # let the actors and the first telemetry windows settle
        runs = pairs(args.duration)
    finally:
        stack.stop()
    report = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "label": args.label,
        "duration": args.duration,
        "concurrency": CONCURRENCY,
        "max_replicas": 1,
        "variant_b": "not measured: no setting switches guards, fault hooks and telemetry off",
        "seconds": round(time.monotonic() - started, 1),
        "pairs": runs,
    }
    out = REPO / "bench" / "results" / f"request-path-{dt.date.today().isoformat()}-{args.label}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"request path ({args.label}): {summary(runs)}; written {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
