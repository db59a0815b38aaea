"""The evolution actor's seed method, called directly (no Ray): an envelope, and only review events published."""

from __future__ import annotations

import asyncio

import pytest

from actors.client import unwrap
from aref.errors import InvalidInputError
from aref.evolution.demo_history import past_incidents
from aref.store import Collection
from aref.testing import FakeClock
from tests.unit.actors.evolution_here import EvolutionHere

run = asyncio.run
T0 = 1_700_000_000.0


def test_seed_replies_with_what_it_added_and_publishes_the_review_events() -> None:
    actor = EvolutionHere(FakeClock(T0))
    reply = unwrap(run(actor.seed(4)))
    items = actor.store.list(Collection.ACTION_ITEMS)
    assert reply == {
        "incidents": 4,
        "reviews": 4,
        "action_items": len(items),
        "events": sum(len(p.chain) for p in past_incidents(1, 4, T0)),
    }
    published = actor.publisher.events  # type: ignore[attr-defined]
    assert [e.type for e in published].count("review_generated") == 4
    assert {e.source for e in published} == {"evolution"}
    assert actor.engine.status()["reviews"]["total"] == 4  # the live engine reads the same store
    assert len(run(actor.incidents())) == 4


def test_a_bad_count_is_an_invalid_input_envelope_and_loads_nothing() -> None:
    actor = EvolutionHere(FakeClock(T0))
    with pytest.raises(InvalidInputError) as caught:
        unwrap(run(actor.seed(0)))
    assert caught.value.field == "incidents"
    assert actor.store.list(Collection.INCIDENTS) == []
    assert actor.publisher.events == []  # type: ignore[attr-defined]
