"""``aref incidents``, ``reviews``, ``actions`` and ``runbooks`` before and after one whole incident."""

from __future__ import annotations

import asyncio

from aref.cli.render import seconds, when
from aref.control.plane import ControlPlane
from aref.testing import FakeClock
from tests.unit.cli.conftest import Harness, incident, row
from tests.unit.dashboard.traffic import run_traffic

run = asyncio.run


def test_an_open_incident_shows_its_tier_and_runbook(harness: Harness, plane: ControlPlane) -> None:
    run(plane.start_experiment("cascading_failure"))
    run_traffic(plane, harness.clock, 5)
    (active,) = run(plane.recovery())["active"]
    out = harness.invoke("incidents").output
    assert row(out, active["incident_id"]) == [
        active["incident_id"],
        "payments",
        active["severity"],
        "T0",
        f"{active['elapsed_seconds']:.0f}/{active['target_seconds']:.0f} s",
        f"{active['runbook']} {active['steps_done']}/{active['steps_total']}",
        active["correlation_id"],
    ]
    assert "Resolved incidents: no incident has been resolved and reviewed yet" in out


def test_a_resolved_incident_is_listed_with_its_review(harness: Harness, plane: ControlPlane, clock: FakeClock) -> None:
    incident(plane, clock)
    (review,) = run(plane.evolution())["reviews"]["recent"]
    out = harness.invoke("incidents").output
    assert row(out, review["incident_id"]) == [
        review["incident_id"],
        "payments",
        review["title"],
        seconds(review["time_to_detect"]),
        seconds(review["time_to_resolve"]),
        review["highest_tier"],
        review["review_id"],
    ]
    assert harness.json("incidents") == {"active": run(plane.recovery())["active"], "reviewed": [review]}


def test_reviews_list_each_review(harness: Harness, plane: ControlPlane, clock: FakeClock) -> None:
    assert harness.invoke("reviews").output.strip() == "Post-incident reviews (0 in all): no review written yet"
    incident(plane, clock)
    (review,) = run(plane.evolution())["reviews"]["recent"]
    out = harness.invoke("reviews").output
    assert "Post-incident reviews (1 in all)" in out
    assert row(out, review["review_id"]) == [
        review["review_id"],
        when(review["created_at"]),
        "payments",
        review["title"],
        review["fault_signature"],
        str(len(review["action_item_ids"])),
        "-",
    ]


def test_actions_show_the_counts_and_the_items_of_each_review(
    harness: Harness, plane: ControlPlane, clock: FakeClock
) -> None:
    incident(plane, clock)
    evolution = run(plane.evolution())
    stats, (review,) = evolution["actions"], evolution["reviews"]["recent"]
    out = harness.invoke("actions").output
    assert out.splitlines()[0] == (
        f"{stats['total']} action items: {stats['open']} open, 0 completed, 0 overdue; completion 0% (target 85%); "
        f"velocity 0/8 in {stats['quarter']}"
    )
    assert row(out, review["review_id"]) == [review["review_id"], "payments", ", ".join(review["action_item_ids"])]
    assert harness.json("actions") == {"stats": stats, "by_review": {review["review_id"]: review["action_item_ids"]}}


def test_runbooks_list_what_recovery_loaded(harness: Harness, plane: ControlPlane) -> None:
    books = run(plane.recovery())["runbooks"]
    out = harness.invoke("runbooks").output
    assert len(books) == 3
    for book in books:
        assert row(out, book["name"]) == [
            book["name"],
            book["tier"],
            "any",
            str(len(book["steps"])),
            book["description"],
        ]
    assert harness.json("runbooks") == books
