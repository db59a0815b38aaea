"""EvolutionService: seeding answers what it added, publishes only the review events, reads the same store."""

from __future__ import annotations

import asyncio

import pytest

from aref.control.host import in_process
from aref.control.pillars.evolution import EvolutionService
from aref.errors import InvalidInputError, NotFoundError
from aref.evolution.demo_history import past_incidents
from aref.evolution.seeding import SeedReport
from aref.models import ActionStatus
from aref.store import Collection
from tests.unit.control.pillars.env import T0, FakeEnvironment, pillar_settings

run = asyncio.run


def evolution_in(env: FakeEnvironment) -> EvolutionService:
    return in_process(EvolutionService(pillar_settings().evolution, env))


def test_seed_replies_with_what_it_added_and_publishes_the_review_events() -> None:
    env = FakeEnvironment()
    evolution = evolution_in(env)
    report = run(evolution.seed(4))
    items = env.memory.list(Collection.ACTION_ITEMS)
    assert report == SeedReport(
        incidents=4,
        reviews=4,
        action_items=len(items),
        events=sum(len(p.chain) for p in past_incidents(1, 4, T0)),
    )
    published = env.published.events
    assert [e.type for e in published].count("review_generated") == 4
    assert {e.source for e in published} == {"evolution"}
    assert all(e.payload["seeded"] is True for e in published)
    assert {p for p, _ in env.published.batches} == {"evolution"}
    assert evolution.engine.status()["reviews"]["total"] == 4  # the live engine reads the same store
    assert len(run(evolution.incidents())) == 4
    assert len(run(evolution.reviews())) == 4


def test_seeding_again_adds_more_incidents_with_new_ids() -> None:
    env = FakeEnvironment()
    evolution = evolution_in(env)
    run(evolution.seed(2))
    first = {i.id for i in run(evolution.incidents())}
    assert run(evolution.seed(3)).incidents == 3
    ids = {i.id for i in run(evolution.incidents())}
    assert len(ids) == 5
    assert first < ids


def test_a_bad_count_is_invalid_input_and_loads_nothing() -> None:
    env = FakeEnvironment()
    evolution = evolution_in(env)
    for bad in (0, 101, True):
        with pytest.raises(InvalidInputError) as caught:
            run(evolution.seed(bad))
        assert caught.value.field == "incidents"
    assert env.memory.list(Collection.INCIDENTS) == []
    assert env.published.events == []


def test_completing_the_last_open_action_item_closes_its_incident() -> None:
    env = FakeEnvironment()
    evolution = evolution_in(env)
    run(evolution.seed(1))  # one incident in post-review with one open action item
    (item,) = env.memory.list(Collection.ACTION_ITEMS)
    assert item["status"] == ActionStatus.OPEN.value
    done = run(evolution.complete_action(item["id"]))
    assert (done.id, done.status) == (item["id"], ActionStatus.COMPLETED)
    assert [i.status.value for i in run(evolution.incidents())] == ["closed"]
    with pytest.raises(NotFoundError):
        run(evolution.complete_action("ACT-nope"))
