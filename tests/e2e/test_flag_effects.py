"""Every feature flag that exists changes what its service does, observed on the running stack.

The test takes the flags from the API (``GET /api/aref/adaptation``) and must know how to observe
each one: a flag without an observation fails it, so no flag that changes nothing can exist. For
each flag in turn it is switched off by hand; once every running replica of its service reports
it applied (``GET /api/aref/controls/applied``), the service's probe request shows the effect:
- ``core_api``: the business request is refused with 503 naming the flag, and the replicas count
  it in their own ``skipped`` under ``core_api``;
- ``analytics``: the request is served and the replicas count it under ``skipped.analytics`` (its
  Prometheus request metrics were not recorded);
- ``gateway.receipts``: an order completes with its receipt step ``skipped`` naming the flag and
  no notification sent, counted under ``skipped.receipts``;
- notifications' ``recommendations``, ``search``, ``experimental`` (and ``analytics``): one step
  of notification shedding: the shed level from flags rises to ``normal`` and a ``low`` message is
  shed, counted under ``skipped.shed_by_flags``.
Switched back on, the flag is on at every replica and the probe is served again (an order's receipt
is attempted again).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.integration.helpers import ORDER, api, running_ids
from tests.stack import wait_for

pytestmark = pytest.mark.usefixtures("stack")
APPLY_WITHIN_S = 20.0
SHEDDING = ("analytics", "recommendations", "search", "experimental")
RECEIPTS = "receipts"  # the gateway flag kind that skips the receipt

# one business request per service that no degradation tier refuses (the tier gate runs before core_api)
PROBES: dict[str, Callable[[], httpx.Response]] = {
    "gateway": lambda: api("POST", "/gateway/api/orders", json=ORDER),
    "orders": lambda: api("GET", "/orders/ORD-flag-probe"),
    "payments": lambda: api("GET", "/payments/PAY-flag-probe"),
    "inventory": lambda: api("GET", f"/inventory/stock/{ORDER['items'][0]['sku']}"),
    "notifications": lambda: api("GET", "/notifications/shed-level"),
}


def flags() -> dict[str, dict[str, Any]]:
    reply = api("GET", "/api/aref/adaptation")
    assert reply.status_code == 200, reply.text
    return dict(reply.json()["flags"])


def replicas(service: str) -> list[dict[str, Any]]:
    reply = api("GET", "/api/aref/controls/applied")
    assert reply.status_code == 200, reply.text
    return [r for r in reply.json()["replicas"] if r["service"] == service]


def skipped(service: str, what: str) -> int:
    return sum(int(r["skipped"].get(what, 0)) for r in replicas(service))


def set_flag(name: str, enabled: bool) -> None:
    reply = api("POST", f"/api/aref/adaptation/flags/{name}", json={"enabled": enabled})
    assert reply.status_code == 200, reply.text
    assert reply.json()["enabled"] is enabled


def applied(name: str, enabled: bool) -> None:
    """Wait until every running replica of the flag's service reports it ``enabled``."""
    service = name.partition(".")[0]

    def everywhere() -> bool:
        reported = {r["replica_id"]: r["applied"]["flags"] for r in replicas(service)}
        ids = running_ids(service)
        # a flag no replica has pulled yet (control version 0 on a fresh stack) is on
        return bool(ids) and all(i in reported and reported[i].get(name, True) is enabled for i in ids)

    wait_for(everywhere, timeout=APPLY_WITHIN_S, what=f"{name} {'on' if enabled else 'off'} at every replica")


def counts_rise(service: str, what: str, before: int) -> None:
    wait_for(
        lambda: skipped(service, what) > before, timeout=APPLY_WITHIN_S, what=f"{service} replicas counting {what}"
    )


def refused_by_core_api(reply: httpx.Response) -> bool:
    return reply.status_code == 503 and reply.json().get("flag") == "core_api"


def send_low() -> str:
    body = {"channel": "push", "recipient": "flags@example.com", "message": "flag effect", "priority": "low"}
    reply = api("POST", "/notifications/send", json=body)
    assert reply.status_code in (200, 201), reply.text
    return str(reply.json()["status"])


def observe_core_api(service: str) -> None:
    before = skipped(service, "core_api")
    reply = PROBES[service]()
    assert refused_by_core_api(reply), (reply.status_code, reply.text)
    assert service in reply.json()["error"]
    counts_rise(service, "core_api", before)


def observe_analytics(service: str) -> None:
    before = skipped(service, "analytics")
    reply = PROBES[service]()
    assert reply.status_code < 500, reply.text  # served (orders/payments answer 404 for the unknown id)
    counts_rise(service, "analytics", before)


def observe_shedding(service: str) -> None:
    assert service == "notifications"
    level = PROBES[service]()
    assert level.status_code == 200, level.text
    assert level.json()["from_flags"] == "normal"  # one flag off: one step, low is shed
    before = skipped(service, "shed_by_flags")
    assert send_low() == "shed"
    counts_rise(service, "shed_by_flags", before)


def observe_receipts(service: str) -> None:
    before = skipped(service, "receipts")
    reply = PROBES[service]()
    assert reply.status_code == 201, reply.text
    receipt = receipt_step(reply)
    assert (receipt["status"], receipt["reason"]) == ("skipped", "flag gateway.receipts off")
    assert reply.json()["notification"] is None
    counts_rise(service, "receipts", before)


def receipt_step(order: httpx.Response) -> dict[str, Any]:
    return next(s for s in order.json()["pipeline"]["steps"] if s["step"] == "send_receipt")


def observe_back_on(service: str, kind: str) -> None:
    """The flag ``<service>.<kind>`` on again: its effect is gone. Only its own: adaptation may hold
    another flag of the service off meanwhile (an earlier test's fault left an alert on it)."""
    reply = PROBES[service]()
    assert not refused_by_core_api(reply), reply.text
    assert reply.status_code < 500, reply.text
    if service == "notifications":
        assert reply.json()["from_flags"] == "low"
    if (service, kind) == ("gateway", RECEIPTS):
        assert receipt_step(reply)["status"] in ("ok", "shed")


def observations(service: str, kind: str) -> list[Callable[[str], None]]:
    """What switching ``<service>.<kind>`` off must show; empty: the test does not know the flag."""
    found = {"core_api": [observe_core_api], "analytics": [observe_analytics]}.get(kind, [])
    if (service, kind) == ("gateway", RECEIPTS):
        found = [observe_receipts]
    if service == "notifications" and kind in SHEDDING:
        found = [*found, observe_shedding]
    return found


@pytest.fixture
def switched() -> Iterator[list[str]]:
    """Flags this test switched off; each is switched back on whatever happens."""
    names: list[str] = []
    yield names
    for name in names:
        set_flag(name, True)


def test_every_flag_has_an_observed_effect_on_its_service(switched: list[str]) -> None:
    listed = flags()
    unknown = sorted(n for n, f in listed.items() if not observations(f["service"], f["kind"]))
    assert not unknown, f"flags with no observable effect: {unknown}"
    assert {f["service"] for f in listed.values()} == set(PROBES)
    assert all(f["effect"] for f in listed.values())

    for name, flag in listed.items():
        service = flag["service"]
        set_flag(name, True)  # a flag an earlier test or adaptation left off
        applied(name, True)
        switched.append(name)
        set_flag(name, False)
        applied(name, False)
        for observe in observations(service, flag["kind"]):
            observe(service)
        set_flag(name, True)
        switched.remove(name)
        applied(name, True)
        observe_back_on(service, flag["kind"])
