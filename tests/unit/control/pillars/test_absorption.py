"""AbsorptionService: breaker reports applied once, decisions pulled by version, degradation tiers."""

from __future__ import annotations

import asyncio

import pytest

from aref import topics
from aref.absorption.shared_breaker import OutcomeReport
from aref.control.host import in_process
from aref.control.pillars.absorption import APPLIED_KEPT_S, AbsorptionService
from aref.errors import InvalidInputError, NotFoundError
from aref.records import to_record
from tests.unit.control.pillars.env import T0, FakeEnvironment, pillar_settings

run = asyncio.run
EDGE = "gateway->payments"


def failing(sequence: int, edge: str = EDGE) -> dict[str, object]:
    return dict(to_record(OutcomeReport(edge, "gw-1", 0, 20, 0, T0, sequence)))


def absorption_in(env: FakeEnvironment) -> AbsorptionService:
    return in_process(AbsorptionService(pillar_settings().absorption, env))


def test_reports_are_applied_once_and_open_a_breaker_that_is_published() -> None:
    env = FakeEnvironment()
    absorption = absorption_in(env)
    assert absorption.apply_reports([failing(1)]) == 1
    assert absorption.apply_reports([failing(1)]) == 0  # replayed: idempotent
    opened = env.published.of(topics.BREAKER_OPENED)
    assert [e.payload["breaker"] for e in opened] == [EDGE]
    assert topics.DEGRADATION_CHANGED in env.published.topics()


def test_a_bad_report_is_invalid_input_naming_reports() -> None:
    env = FakeEnvironment()
    absorption = absorption_in(env)
    with pytest.raises(InvalidInputError) as caught:
        absorption.apply_reports([failing(1), {"edge": "nonsense"}])
    assert caught.value.field == "reports"
    with pytest.raises(NotFoundError):  # a well-formed report on an edge outside the graph
        absorption.apply_reports([failing(1, "gateway->billing")])
    assert env.published.events == []
    assert absorption.apply_reports([failing(1)]) == 1  # nothing of the refused batches was applied


def test_decisions_since_a_version_are_those_that_changed_after_it() -> None:
    env = FakeEnvironment()
    absorption = absorption_in(env)
    full = dict.fromkeys(("gateway", "orders", "payments", "inventory", "notifications"), "full")
    assert run(absorption.decisions_since(0)) == {"version": 0, "decisions": {}, "tiers": full}
    absorption.apply_reports([failing(1)])
    changed = run(absorption.decisions_since(0))
    assert list(changed["decisions"]) == [EDGE]
    decision = changed["decisions"][EDGE]
    assert (decision["state"], decision["version"], decision["opened_at"]) == ("open", changed["version"], T0)
    assert decision["retry_at"] > T0
    again = run(absorption.decisions_since(changed["version"]))
    assert (again["version"], again["decisions"]) == (changed["version"], {})


def test_tiers_follow_the_breakers_into_a_service() -> None:
    env = FakeEnvironment()
    absorption = absorption_in(env)
    assert set(run(absorption.tiers()).values()) == {"full"}
    absorption.apply_reports([failing(1)])
    tiers = run(absorption.tiers())
    assert (tiers["payments"], tiers["gateway"], tiers["orders"]) == ("emergency", "reduced", "full")
    assert list(tiers) == ["gateway", "orders", "payments", "inventory", "notifications"]


def test_breaker_decisions_survive_a_restart_over_the_same_store() -> None:
    env = FakeEnvironment()
    absorption_in(env).apply_reports([failing(1)])
    again = absorption_in(FakeEnvironment(env.clock, env.memory))
    decisions = run(again.decisions_since(0))
    assert decisions["decisions"][EDGE]["state"] == "open"


def test_a_pinned_tier_reaches_the_decisions_pull_and_lifting_it_returns_to_full() -> None:
    env = FakeEnvironment()
    absorption = absorption_in(env)

    assert run(absorption.set_tier("gateway", "emergency")) == {
        "service": "gateway",
        "tier": "emergency",
        "pinned": True,
    }
    assert run(absorption.decisions_since(0))["tiers"]["gateway"] == "emergency"
    assert run(absorption.status())["pinned_tiers"] == {"gateway": "emergency"}
    assert run(absorption.set_tier("gateway", None)) == {"service": "gateway", "tier": "full", "pinned": False}
    assert run(absorption.decisions_since(0))["tiers"]["gateway"] == "full"
    changes = [(e.payload["from_tier"], e.payload["to_tier"]) for e in env.published.of(topics.DEGRADATION_CHANGED)]
    assert changes == [("full", "emergency"), ("emergency", "full")]


def test_a_bad_tier_or_service_is_refused() -> None:
    absorption = absorption_in(FakeEnvironment())
    with pytest.raises(InvalidInputError) as caught:
        run(absorption.set_tier("gateway", "panic"))
    assert caught.value.field == "tier"
    with pytest.raises(NotFoundError):
        run(absorption.set_tier("billing", "reduced"))


def test_applied_state_is_kept_per_replica_until_the_replica_goes_silent() -> None:
    env = FakeEnvironment()
    absorption = absorption_in(env)
    absorption.report_applied({"service": "orders", "replica_id": "o1", "tier": "full"})
    absorption.report_applied({"service": "gateway", "replica_id": "g1", "tier": "full"})
    absorption.report_applied({"service": "gateway", "replica_id": "g1", "tier": "minimal"})

    assert [(a["replica_id"], a["tier"]) for a in run(absorption.applied())] == [("g1", "minimal"), ("o1", "full")]
    with pytest.raises(InvalidInputError):
        absorption.report_applied({"tier": "full"})
    env.clock.advance(APPLIED_KEPT_S + 1)
    assert run(absorption.applied()) == []


def test_replaced_replicas_are_forgotten_even_when_nobody_reads_the_applied_view() -> None:
    env = FakeEnvironment()
    absorption = absorption_in(env)
    for n in range(50):  # a replica replaced every 10 s, its successor reporting
        absorption.report_applied({"service": "orders", "replica_id": f"o{n}", "tier": "full"})
        env.clock.advance(10)
    assert absorption.replicas_reporting <= APPLIED_KEPT_S / 10 + 1
