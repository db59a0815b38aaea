"""Synthetic requests (the prober's): served like any other, counted nowhere a customer figure comes from."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi import FastAPI

from aref.detection.probes import SYNTHETIC_HEADER
from aref.errors import InvalidInputError
from services.base.envelope import Envelope
from services.base.replica import ServiceReplica, create_api
from services.base.synthetic import is_synthetic, synthetic_scope
from tests.unit.services.base.test_replica import call, replica


class Shop(ServiceReplica):
    """A replica with one business route and one handle method, both through the runtime."""

    async def place(self) -> dict[str, Any]:
        return (await self.runtime.run("place", lambda _: {"synthetic": is_synthetic()}, status=201)).to_dict()


def shop() -> Shop:
    base = replica("orders")
    served = Shop.__new__(Shop)
    served.__dict__.update(base.__dict__)
    return served


def app_for(served: Shop) -> FastAPI:
    async def current() -> ServiceReplica:
        return served

    api = create_api("test", current)

    @api.post("/orders")
    async def place() -> dict[str, Any]:
        return Envelope.from_dict(await served.place()).body

    return api


def counters(served: ServiceReplica) -> tuple[int, int, int, int]:
    runtime = served.runtime
    return runtime.requests, runtime.errors, runtime.telemetry.flush(0.0).requests, len(runtime.metrics.render())


def test_a_tagged_request_leaves_the_customer_counters_unchanged() -> None:
    served = shop()
    api = app_for(served)
    before = counters(served)
    answer = call(api, "POST", "/orders", headers={SYNTHETIC_HEADER: "1"})
    assert (answer.status_code, answer.json()) == (200, {"synthetic": True})
    assert counters(served) == before
    assert served.runtime.synthetic_requests == 1
    assert served.runtime.health()["synthetic_requests"] == 1


def test_an_untagged_request_is_customer_traffic() -> None:
    served = shop()
    api = app_for(served)
    for headers in ({}, {SYNTHETIC_HEADER: "0"}):
        answer = call(api, "POST", "/orders", headers=headers)
        assert answer.json() == {"synthetic": False}
    assert (served.runtime.requests, served.runtime.synthetic_requests) == (2, 0)
    assert served.runtime.telemetry.flush(0.0).requests == 2


def test_the_synthetic_handle_method_runs_another_as_synthetic() -> None:
    served = shop()
    answer = asyncio.run(served.synthetic("place"))
    assert Envelope.from_dict(answer).body == {"synthetic": True}
    assert (served.runtime.requests, served.runtime.synthetic_requests) == (0, 1)
    assert not is_synthetic()  # the scope ends with the call


@pytest.mark.parametrize("method", ["_record", "synthetic", "apply_faults", "nothing"])
def test_the_synthetic_handle_method_refuses_what_is_no_handle_method(method: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        asyncio.run(shop().synthetic(method))
    assert err.value.field == "method"


def fail_inside_the_scope() -> None:
    with synthetic_scope():
        assert is_synthetic()
        raise RuntimeError("boom")


def test_the_scope_is_left_on_error() -> None:
    with pytest.raises(RuntimeError):
        fail_inside_the_scope()
    assert not is_synthetic()
