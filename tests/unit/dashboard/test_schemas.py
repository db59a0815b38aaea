"""The wire TypedDicts as the API serves them (pillar views open, everything else closed), and the request models."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from aref.config import ArefSettings
from aref.control import wire
from aref.dashboard.app import create_app
from aref.dashboard.schemas import chaos, load

PILLARS = ("detection", "absorption", "adaptation", "recovery", "evolution")
EXTRA = {"zz_extra": {"nested": [1, "two", None]}}


class ExtraKeys:
    """The test plane, with a key no wire shape declares added to every view it answers (and inside the
    adaptation view's replica counts)."""

    def __init__(self, plane: object) -> None:
        self._plane = plane

    def __getattr__(self, name: str) -> Any:
        return getattr(self._plane, name)

    async def _with_extra(self, method: str) -> dict[str, Any]:
        view: dict[str, Any] = await getattr(self._plane, method)()
        return {**view, **EXTRA}

    async def status(self) -> dict[str, Any]:
        return await self._with_extra("status")

    async def detection(self) -> dict[str, Any]:
        return await self._with_extra("detection")

    async def absorption(self) -> dict[str, Any]:
        return await self._with_extra("absorption")

    async def adaptation(self) -> dict[str, Any]:
        view = await self._with_extra("adaptation")
        return {**view, "replicas": {s: {**counts, **EXTRA} for s, counts in view["replicas"].items()}}

    async def recovery(self) -> dict[str, Any]:
        return await self._with_extra("recovery")

    async def evolution(self) -> dict[str, Any]:
        return await self._with_extra("evolution")


@pytest.fixture
def extra_client(plane: object, settings: ArefSettings) -> TestClient:
    return TestClient(create_app(ExtraKeys(plane), settings=settings))  # type: ignore[arg-type]


@pytest.mark.parametrize("pillar", PILLARS)
def test_a_pillar_view_is_served_as_the_engine_reports_it(client: TestClient, plane: object, pillar: str) -> None:
    with client:  # one event loop for the request and the direct call
        body = client.get(f"/api/aref/{pillar}").json()
        assert client.portal is not None
        assert body == client.portal.call(getattr(plane, pillar))


@pytest.mark.parametrize("pillar", PILLARS)
def test_extra_keys_of_a_pillar_view_survive_a_request(extra_client: TestClient, pillar: str) -> None:
    response = extra_client.get(f"/api/aref/{pillar}")
    assert response.status_code == 200
    body = response.json()
    assert body["zz_extra"] == EXTRA["zz_extra"]
    shape = getattr(wire, f"{pillar.capitalize()}View")
    assert set(shape.__annotations__) < set(body)


def test_a_closed_shape_drops_undeclared_keys_even_inside_an_open_view(extra_client: TestClient) -> None:
    assert "zz_extra" not in extra_client.get("/api/aref/status").json()
    replicas = extra_client.get("/api/aref/adaptation").json()["replicas"]
    assert replicas
    assert all(set(counts) == {"running", "target", "running_ids"} for counts in replicas.values())


def test_the_chaos_start_request_splits_into_a_fault() -> None:
    request = chaos.ChaosStartIn(service="orders", fault_type="error", rate=0.5, duration_s=10)
    assert request.fault() == {
        "service": "orders",
        "fault_type": "error",
        "rate": 0.5,
        "duration_s": 10,
        "delay_ms": None,
        "provider": None,
        "label": None,
    }


def test_the_load_start_request_is_a_traffic_plan_without_warmup() -> None:
    request = load.LoadStartIn(profile="spike", rate_per_s=2, duration_s=30, spike_at_s=5)
    plan = request.plan()
    assert (plan.profile, plan.rate_per_s, plan.duration_s, plan.warmup_s, plan.spike_at_s) == ("spike", 2, 30, 0, 5)
    assert (plan.ramp_s, plan.spike_rate_per_s, plan.spike_s) == (None, None, None)
    assert "warmup_s" not in load.LoadStartIn.model_fields
