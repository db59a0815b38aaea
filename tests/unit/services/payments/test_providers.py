from __future__ import annotations

import pytest

from aref.errors import InvalidInputError, NotFoundError
from aref.testing import FakeClock, MemoryStore
from services.payments.providers import (
    PROVIDERS,
    ProviderBoard,
    ProviderPolicy,
    failover_order,
    pick,
    provider_weights,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(0.0)


@pytest.fixture
def board(clock: FakeClock) -> ProviderBoard:
    return ProviderBoard(MemoryStore(), clock, policy=ProviderPolicy(failure_threshold=2, cooldown_s=10.0))


@pytest.mark.parametrize(
    ("traffic", "expected"),
    [
        ({}, {"stripe-sim": 100, "adyen-sim": 0, "paypal-sim": 0}),
        ({"primary": 100, "backup": 0}, {"stripe-sim": 100, "adyen-sim": 0, "paypal-sim": 0}),
        ({"primary": 30, "backup": 70}, {"stripe-sim": 30, "adyen-sim": 70, "paypal-sim": 0}),
        ({"paypal-sim": 100}, {"stripe-sim": 0, "adyen-sim": 0, "paypal-sim": 100}),
        ({"primary": 0, "canary": 100}, {"stripe-sim": 100, "adyen-sim": 0, "paypal-sim": 0}),
        ({"primary": 50, "stripe-sim": 25, "backup": 25}, {"stripe-sim": 75, "adyen-sim": 25, "paypal-sim": 0}),
    ],
)
def test_route_weights_map_onto_providers(traffic: dict[str, int], expected: dict[str, int]) -> None:
    assert provider_weights(traffic) == expected


@pytest.mark.parametrize(
    ("u", "provider"), [(0.0, "stripe-sim"), (0.299, "stripe-sim"), (0.3, "adyen-sim"), (0.999, "adyen-sim")]
)
def test_pick_follows_the_cumulative_weights(u: float, provider: str) -> None:
    assert pick({"stripe-sim": 30, "adyen-sim": 70, "paypal-sim": 0}, u) == provider


def test_pick_refuses_draws_outside_the_unit_interval_and_empty_weights() -> None:
    with pytest.raises(InvalidInputError) as caught:
        pick({"stripe-sim": 100}, 1.0)
    assert caught.value.field == "u"
    with pytest.raises(InvalidInputError) as caught:
        pick({"stripe-sim": 0}, 0.5)
    assert caught.value.field == "weights"


def test_failover_order_starts_with_the_routed_provider() -> None:
    assert failover_order("adyen-sim") == ("adyen-sim", "stripe-sim", "paypal-sim")
    assert failover_order("stripe-sim") == PROVIDERS
    with pytest.raises(NotFoundError):
        failover_order("visa-sim")


def test_a_provider_turns_unhealthy_after_consecutive_failures_and_gets_a_trial_after_the_cooldown(
    board: ProviderBoard, clock: FakeClock
) -> None:
    board.record("stripe-sim", ok=False)
    assert board.available("stripe-sim")
    clock.advance(1)
    view = board.record("stripe-sim", ok=False)

    assert (view["healthy"], view["consecutive_failures"], view["available_at"]) == (False, 2, 11.0)
    assert not board.available("stripe-sim")
    clock.advance(9.999)
    assert not board.available("stripe-sim")
    clock.advance(0.001)
    assert board.available("stripe-sim")
    assert board.record("stripe-sim", ok=True)["healthy"]


def test_a_success_resets_the_consecutive_failures_but_keeps_the_counts(board: ProviderBoard) -> None:
    board.record("adyen-sim", ok=False)
    board.record("adyen-sim", ok=True)
    view = board.record("adyen-sim", ok=False)

    assert (view["consecutive_failures"], view["failures"], view["successes"], view["healthy"]) == (1, 2, 1, True)


def test_reset_makes_one_or_every_provider_healthy(board: ProviderBoard) -> None:
    for name in PROVIDERS:
        board.record(name, ok=False)
        board.record(name, ok=False)

    assert [v["healthy"] for v in board.reset("paypal-sim")] == [True]
    assert [v["healthy"] for v in board.all()] == [False, False, True]
    assert [v["healthy"] for v in board.reset()] == [True, True, True]
    assert board.health("stripe-sim")["failures"] == 2


def test_health_lists_every_provider_primary_first(board: ProviderBoard) -> None:
    views = board.all()

    assert [(v["name"], v["primary"], v["healthy"]) for v in views] == [
        ("stripe-sim", True, True),
        ("adyen-sim", False, True),
        ("paypal-sim", False, True),
    ]
    with pytest.raises(NotFoundError):
        board.health("visa-sim")


def test_policy_and_board_refuse_bad_configuration() -> None:
    with pytest.raises(InvalidInputError):
        ProviderPolicy(failure_threshold=0)
    with pytest.raises(InvalidInputError):
        ProviderPolicy(cooldown_s=0)
    with pytest.raises(InvalidInputError):
        ProviderBoard(MemoryStore(), FakeClock(), providers=("a", "a"))
