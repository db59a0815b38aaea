"""``aref seed``: demo history through POST /api/aref/seed, and a clear message where that endpoint is missing."""

from __future__ import annotations

from fastapi import FastAPI

from aref.dashboard.errors import install_error_handlers
from aref.errors import ConflictError
from tests.unit.cli.conftest import URL, Harness, row


def test_an_api_without_the_endpoint_loads_nothing_and_says_so(harness: Harness) -> None:
    result = harness.invoke("seed")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"this AREF ({URL}) has no demo-history endpoint (POST /api/aref/seed): nothing was loaded"
    )


def test_an_api_with_the_endpoint_gets_the_count_and_shows_what_it_added(harness: Harness) -> None:
    asked: list[dict[str, int]] = []
    app = FastAPI()

    @app.post("/api/aref/seed")
    async def seed(body: dict[str, int]) -> dict[str, int]:
        asked.append(body)
        return {"incidents": body["incidents"], "reviews": body["incidents"], "events": 40}

    harness.app = app
    out = harness.invoke("seed", "--incidents", "3").output
    assert asked == [{"incidents": 3}]
    assert [row(out, k) for k in ("incidents", "reviews", "events")] == [
        ["incidents", "3"],
        ["reviews", "3"],
        ["events", "40"],
    ]
    assert harness.json("seed", "--incidents", "2") == {"incidents": 2, "reviews": 2, "events": 40}


def test_other_api_errors_pass_through(harness: Harness) -> None:
    app = FastAPI()

    @app.post("/api/aref/seed")
    async def seed() -> None:
        raise ConflictError("history already loaded")

    install_error_handlers(app)
    harness.app = app
    result = harness.invoke("seed")
    assert (result.exit_code, result.stderr.strip()) == (2, "error 409: history already loaded")
