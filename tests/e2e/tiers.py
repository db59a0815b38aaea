"""Helpers of the degradation-tier e2e tests (tests/e2e/test_tiers*.py): pin a tier, wait until
every running replica of the service applies it (``GET /api/aref/controls/applied``), check that a
call is refused or answered, lift the pin, and say what absorption holds a service at and why."""

from __future__ import annotations

from typing import Any

import httpx

from aref.absorption.degradation import DegradationPolicy
from tests.integration.helpers import ORDER, api, running_ids
from tests.stack import wait_for

APPLY_WITHIN_S = 20.0
STEP_DOWN_S = DegradationPolicy().step_down_after + APPLY_WITHIN_S
REST_WITHIN_S = 2 * STEP_DOWN_S  # an earlier fault's alerts resolve (or end no_data), then the tier steps down


def pin(service: str, tier: str | None) -> dict[str, Any]:
    reply = api("POST", f"/api/aref/absorption/tiers/{service}", json={"tier": tier})
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def applied_tiers(service: str) -> dict[str, str]:
    reply = api("GET", "/api/aref/controls/applied")
    assert reply.status_code == 200, reply.text
    return {r["replica_id"]: r["applied"]["tier"] for r in reply.json()["replicas"] if r["service"] == service}


def at_rest(service: str) -> bool:
    """``service`` has no active alert and every running replica of it reports the full tier and
    every flag on (no earlier alert's tier, no flag adaptation shed, is still in force)."""
    if any(a["service"] == service for a in api("GET", "/api/aref/alerts").json()["active"]):
        return False
    reply = api("GET", "/api/aref/controls/applied")
    assert reply.status_code == 200, reply.text
    applied = {r["replica_id"]: r["applied"] for r in reply.json()["replicas"] if r["service"] == service}
    ids = running_ids(service)
    return bool(ids) and all(
        i in applied and applied[i]["tier"] == "full" and all(applied[i]["flags"].values()) for i in ids
    )


def every_replica(service: str, accept: set[str]) -> bool:
    """Every running replica of ``service`` reported applying a tier in ``accept``."""
    tiers = applied_tiers(service)
    ids = running_ids(service)
    return bool(ids) and all(tiers.get(i) in accept for i in ids)


def why(service: str) -> str:
    """What absorption holds ``service`` at and why, for a failure message."""
    view = api("GET", "/api/aref/absorption").json()
    alerts = [
        f"{a['id']} {a['severity']} {a['detector']} {a['metric']}={a['value']} (bound {a['threshold']})"
        for a in api("GET", "/api/aref/alerts").json()["active"]
        if a["service"] == service
    ]
    return (
        f"degradation {view['degradation'].get(service)}, alerts {alerts}, "
        f"breakers { {e: b.get('state') for e, b in view['breakers'].items() if service in e} }, "
        f"applied {applied_tiers(service)}, running {sorted(running_ids(service))}"
    )


def rested(service: str) -> None:
    """Wait until ``service`` is at rest: a test that expects the full tier back after lifting its pin
    must not start while an earlier test's alert or shed flag still holds the service."""
    try:
        wait_for(lambda: at_rest(service), timeout=REST_WITHIN_S, what=f"{service} at rest before the test")
    except TimeoutError as timeout:
        raise AssertionError(f"{timeout}: {why(service)}") from None


def settle(service: str, accept: set[str], what: str, timeout: float = APPLY_WITHIN_S) -> None:
    try:
        wait_for(lambda: every_replica(service, accept), timeout=timeout, what=what)
    except TimeoutError as timeout:
        raise AssertionError(f"{timeout}: {why(service)}") from None


def hold(pinned: list[str], service: str, tier: str) -> None:
    pinned.append(service)
    assert pin(service, tier) == {"service": service, "tier": tier, "pinned": True}
    settle(service, {tier}, f"{service} replicas at {tier}")


def lift(service: str, leaving: str, still_ok: set[str]) -> None:
    """Lift the pin; absorption may hold a tier of its own a while (an alert the test's own calls
    re-fired ends no_data once they stop), so the replicas get up to ``REST_WITHIN_S`` to leave it."""
    assert pin(service, None)["pinned"] is False
    settle(service, still_ok, f"{service} replicas off {leaving}", timeout=REST_WITHIN_S)


def delivered_again(priority: str) -> None:
    """After a lift: a ``priority`` message is delivered (within ``REST_WITHIN_S``, as ``lift``)."""
    try:
        wait_for(lambda: send(priority)["status"] == "delivered", timeout=REST_WITHIN_S, what=f"a {priority} delivery")
    except TimeoutError as timeout:
        raise AssertionError(f"{timeout}: {why('notifications')}") from None


def send(priority: str) -> dict[str, Any]:
    body = {"channel": "email", "recipient": "tiers@example.com", "message": "tier check", "priority": priority}
    reply = api("POST", "/notifications/send", json=body)
    assert reply.status_code in (200, 201), reply.text
    return dict(reply.json())


def steps(order: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["step"]: s for s in order["pipeline"]["steps"]}


def refused(method: str, path: str, feature: str, tier: str, **kwargs: Any) -> None:
    """``path`` answers 503 with ``Retry-After``, naming the feature the tier switched off."""
    reply = api(method, path, **kwargs)
    assert reply.status_code == 503, reply.text
    assert int(reply.headers["Retry-After"]) > 0
    body = reply.json()
    assert (body["status"], body["feature"], body["tier"]) == ("refused", feature, tier), body


def skipped(service: str, feature: str) -> int:
    """The replicas' own count of ``feature`` work skipped (as they last pushed it)."""
    reply = api("GET", "/api/aref/controls/applied")
    assert reply.status_code == 200, reply.text
    return sum(r["skipped"].get(feature, 0) for r in reply.json()["replicas"] if r["service"] == service)


def counted(service: str, feature: str, above: int) -> None:
    wait_for(lambda: skipped(service, feature) > above, timeout=APPLY_WITHIN_S, what=f"{service} counts {feature}")


def ok(method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    """``path`` answers 2xx. A tier's refusal is retried within ``REST_WITHIN_S``: after a lift,
    absorption may still hold a tier of its own for an alert (named in the failure)."""
    last: list[httpx.Response] = []

    def answered() -> bool:
        last.append(api(method, path, **kwargs))
        if last[-1].status_code != 503:
            return True
        try:
            return bool(last[-1].json().get("status") != "refused")
        except ValueError:  # not a replica's answer: judged below
            return True

    try:
        wait_for(answered, timeout=REST_WITHIN_S, what=f"{method} {path} not refused by a tier")
    except TimeoutError as timeout:
        raise AssertionError(f"{timeout}: {why(path.split('/')[1])}") from None
    reply = last[-1]
    assert reply.status_code in (200, 201), reply.text
    assert "Retry-After" not in reply.headers
    return dict(reply.json())


def placed() -> dict[str, Any]:
    """An order through the gateway whose core steps all ran."""
    order = ok("POST", "/gateway/api/orders", json=ORDER)
    found = steps(order)
    assert [found[s]["status"] for s in ("create_order", "process_payment", "reserve_stock")] == ["ok"] * 3, found
    return order
