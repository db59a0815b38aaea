"""``aref seed``: demo history through POST /api/aref/seed, and a clear message where that endpoint is missing."""

from __future__ import annotations

from fastapi import FastAPI

from aref.control.plane import ControlPlane
from aref.dashboard.errors import install_error_handlers
from aref.errors import ConflictError
from aref.evolution.demo_history import past_incidents
from aref.store import Collection
from aref.testing import FakeClock
from tests.unit.cli.conftest import URL, Harness, row


def test_an_api_without_the_endpoint_loads_nothing_and_says_so(harness: Harness) -> None:
    older = FastAPI()  # an AREF from before the endpoint: the same error handlers, no /seed
    install_error_handlers(older)
    harness.app = older
    result = harness.invoke("seed")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"this AREF ({URL}) has no demo-history endpoint (POST /api/aref/seed): nothing was loaded"
    )


def test_seed_loads_reviewed_incidents_and_shows_what_it_added(
    harness: Harness, plane: ControlPlane, clock: FakeClock
) -> None:
    result = harness.invoke("seed", "--incidents", "3")
    assert result.exit_code == 0, result.output
    items = len(plane.transport.store.list(Collection.ACTION_ITEMS))
    events = sum(len(p.chain) for p in past_incidents(1, 3, clock.now()))
    assert [row(result.output, k) for k in ("incidents", "reviews", "action_items", "events")] == [
        ["incidents", "3"],
        ["reviews", "3"],
        ["action_items", str(items)],
        ["events", str(events)],
    ]
    reviews = harness.json("reviews")
    assert reviews["total"] == 3
    assert all(r["title"].startswith("[demo] ") for r in reviews["recent"])


def test_seeding_again_adds_more(harness: Harness) -> None:
    assert harness.json("seed")["incidents"] == 5  # the default
    second = harness.json("seed", "--incidents", "2")
    assert (second["incidents"], second["reviews"]) == (2, 2)
    assert harness.json("reviews")["total"] == 7
    reviewed = harness.json("incidents")["reviewed"]
    assert sorted(r["incident_id"] for r in reviewed)[-2:] == ["INC-SEED-0006", "INC-SEED-0007"]


def test_other_api_errors_pass_through(harness: Harness) -> None:
    app = FastAPI()

    @app.post("/api/aref/seed")
    async def seed() -> None:
        raise ConflictError("history already loaded")

    install_error_handlers(app)
    harness.app = app
    result = harness.invoke("seed")
    assert (result.exit_code, result.stderr.strip()) == (2, "error 409: history already loaded")
