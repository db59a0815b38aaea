"""The ``Probe`` port on Ray: HTTP through the Serve proxy, as a client would reach the shop.

``readyz`` is ``GET <shop>/<service>/readyz``; ``order`` is a synthetic order posted to the
gateway's order route with ``X-AREF-Synthetic: 1``, so no replica counts it as customer traffic
(the replicas' synthetic tagging), for a synthetic customer so the orders it leaves are told apart.
Success is a 2xx answer; anything else (another status, a refused connection, a timeout) is a
failed result with the reason.
"""

from __future__ import annotations

import time

import httpx

from aref.clock import Clock
from aref.detection.probes import READYZ, SYNTHETIC_CUSTOMER, SYNTHETIC_HEADER, ProbeResult, ProbeTarget

SHOP_URL = "http://127.0.0.1:8000"
ORDER_ROUTE = "/gateway/api/orders"
SYNTHETIC_ORDER = {
    "customer": SYNTHETIC_CUSTOMER,
    "items": [{"sku": "SKU-001", "quantity": 1, "unit_price": 89.0}],
    "channel": "webhook",
    "recipient": "https://probe.aref.invalid/receipts",
    "priority": "low",
}


class HttpProbe:
    def __init__(self, clock: Clock, timeout_s: float, base_url: str = SHOP_URL) -> None:
        self._clock = clock
        self._base = base_url.rstrip("/")
        limits = httpx.Limits(max_connections=16, max_keepalive_connections=8)
        self._http = httpx.AsyncClient(timeout=timeout_s, limits=limits)

    async def probe(self, target: ProbeTarget) -> ProbeResult:
        sent = self._clock.now()
        started = time.perf_counter()
        try:
            if target.check == READYZ:
                response = await self._http.get(f"{self._base}/{target.service}/readyz")
            else:
                headers = {SYNTHETIC_HEADER: "1"}
                response = await self._http.post(f"{self._base}{ORDER_ROUTE}", json=SYNTHETIC_ORDER, headers=headers)
        except httpx.HTTPError as exc:
            latency = (time.perf_counter() - started) * 1000.0
            reason = f"{type(exc).__name__}: {exc}"[:200]
            return ProbeResult(target.service, False, latency, None, sent, check=target.check, error=reason)
        latency = (time.perf_counter() - started) * 1000.0
        ok = response.is_success
        failed = None if ok else response.text[:200] or f"HTTP {response.status_code}"
        return ProbeResult(target.service, ok, latency, response.status_code, sent, check=target.check, error=failed)
