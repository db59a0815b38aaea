"""The README's start command brings up a working stack: UI, API with a CRS, and the shop."""

from __future__ import annotations

from tests.integration.helpers import ORDER, api
from tests.stack import Stack


def test_the_stack_was_started_the_way_the_readme_says(stack: Stack) -> None:
    assert stack.steps[:2] == ["ray start --head --num-cpus=2 --disable-usage-stats", "serve run serve_config.yaml"]


def test_the_web_ui_is_served_at_the_root(stack: Stack) -> None:
    reply = api("GET", "/")
    assert reply.status_code == 200
    assert "text/html" in reply.headers["content-type"]
    assert "AREF" in reply.text


def test_status_reports_a_composite_resilience_score(stack: Stack) -> None:
    status = api("GET", "/api/aref/status").json()
    assert 1.0 <= status["crs"] <= 5.0
    assert set(status["crs_by_profile"]) == {
        "balanced",
        "availability_critical",
        "data_integrity_critical",
        "innovation_heavy",
    }


def test_an_order_posted_to_the_gateway_route_completes(stack: Stack) -> None:
    reply = api("POST", "/gateway/api/orders", json=ORDER)
    assert reply.status_code in (200, 201), reply.text
    assert len(reply.json()["pipeline"]["steps"]) == 4
