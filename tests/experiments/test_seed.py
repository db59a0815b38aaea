"""``aref seed`` on the running stack: demo history goes through the evolution actor and shows in the API."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.integration.helpers import api
from tests.stack import Stack


def seeded_reviews_on_the_timeline() -> int:
    events = api("GET", "/api/aref/timeline", params={"category": "evolution", "limit": 1000}).json()["events"]
    return sum(1 for e in events if e["topic"] == "evolution.review_generated" and e["payload"].get("seeded"))


def test_seeding_adds_reviewed_demo_incidents_through_the_evolution_actor(stack: Stack) -> None:
    before = api("GET", "/api/aref/evolution").json()["reviews"]["total"]
    seeded_before = seeded_reviews_on_the_timeline()  # earlier suites seed the shared stack too
    done = subprocess.run(
        [sys.executable, "-m", "aref.cli", "seed", "--incidents", "3", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=stack.env,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["incidents"], report["reviews"]) == (3, 3)
    reviews = api("GET", "/api/aref/evolution").json()["reviews"]
    assert reviews["total"] >= before + 3  # real incidents may be reviewed meanwhile
    assert seeded_reviews_on_the_timeline() == seeded_before + 3


def test_a_bad_count_is_refused_with_the_field_named(stack: Stack) -> None:
    reply = api("POST", "/api/aref/seed", json={"incidents": 0})
    assert reply.status_code == 422
    assert reply.json()["field"] == "incidents"
