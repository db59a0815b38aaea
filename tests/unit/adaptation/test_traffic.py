from __future__ import annotations

import pytest

from aref.adaptation.traffic import TrafficChange, TrafficShifter
from aref.errors import InvalidInputError, NotFoundError
from aref.topology import SERVICES


@pytest.fixture
def traffic() -> TrafficShifter:
    return TrafficShifter(SERVICES)


def test_primary_carries_everything_by_default(traffic: TrafficShifter) -> None:
    assert traffic.snapshot() == {s: {"primary": 100, "backup": 0} for s in SERVICES}
    assert traffic.backup_route("payments") == "backup"


def test_set_weights_fills_missing_routes_with_zero(traffic: TrafficShifter) -> None:
    change = traffic.set_weights("payments", {"backup": 100})
    assert change == TrafficChange("payments", {"primary": 0, "backup": 100}, {"primary": 100, "backup": 0})
    assert traffic.set_weights("payments", {"primary": 0, "backup": 100}) is None


@pytest.mark.parametrize(
    "weights",
    [
        {"primary": 60, "backup": 30},
        {"primary": 70, "backup": 40},
        {"primary": 50.5, "backup": 49.5},
        {"primary": True, "backup": 99},
        {"primary": 110, "backup": -10},
        {"primary": 50, "canary": 50},
        [("primary", 100)],
    ],
    ids=["sum-90", "sum-110", "floats", "bool", "out-of-range", "unknown-route", "not-a-mapping"],
)
def test_invalid_weights_are_rejected_naming_weights(traffic: TrafficShifter, weights: object) -> None:
    with pytest.raises(InvalidInputError) as caught:
        traffic.set_weights("payments", weights)  # type: ignore[arg-type]
    assert caught.value.field == "weights"
    assert traffic.weights("payments") == {"primary": 100, "backup": 0}


def test_shift_keeps_the_sum_at_100(traffic: TrafficShifter) -> None:
    traffic.shift("payments", "backup", 30)
    assert traffic.weights("payments") == {"primary": 70, "backup": 30}
    traffic.shift("payments", "primary", 100)
    assert traffic.weights("payments") == {"primary": 100, "backup": 0}


def test_shift_gives_the_rest_to_the_primary_when_the_others_are_empty(traffic: TrafficShifter) -> None:
    traffic.set_weights("payments", {"backup": 100})
    traffic.shift("payments", "backup", 40)
    assert traffic.weights("payments") == {"primary": 60, "backup": 40}


def test_shift_keeps_proportions_among_the_other_routes() -> None:
    traffic = TrafficShifter(["payments"], routes=("primary", "backup", "canary"))
    traffic.set_weights("payments", {"primary": 50, "backup": 30, "canary": 20})
    traffic.shift("payments", "canary", 60)
    assert traffic.weights("payments") == {"primary": 25, "backup": 15, "canary": 60}


def test_shift_rounds_by_largest_remainder_ties_in_route_order() -> None:
    traffic = TrafficShifter(["payments"], routes=("primary", "backup", "canary"))
    traffic.set_weights("payments", {"primary": 50, "backup": 50})
    traffic.shift("payments", "canary", 33)
    assert traffic.weights("payments") == {"primary": 34, "backup": 33, "canary": 33}


def test_shift_validates_route_and_percent(traffic: TrafficShifter) -> None:
    with pytest.raises(NotFoundError):
        traffic.shift("payments", "canary", 10)
    for bad in (-1, 101, 50.0, True):
        with pytest.raises(InvalidInputError) as caught:
            traffic.shift("payments", "backup", bad)  # type: ignore[arg-type]
        assert caught.value.field == "percent"


def test_a_single_route_must_carry_everything() -> None:
    traffic = TrafficShifter(["payments"], routes=("only",))
    assert traffic.backup_route("payments") is None
    assert traffic.shift("payments", "only", 100) is None
    with pytest.raises(InvalidInputError):
        traffic.shift("payments", "only", 50)


@pytest.mark.parametrize(("u", "route"), [(0.0, "primary"), (0.6999, "primary"), (0.7, "backup"), (0.9999, "backup")])
def test_pick_maps_a_uniform_draw_onto_the_weights(traffic: TrafficShifter, u: float, route: str) -> None:
    traffic.set_weights("payments", {"primary": 70, "backup": 30})
    assert traffic.pick("payments", u) == route


def test_pick_never_chooses_a_zero_weight_route(traffic: TrafficShifter) -> None:
    assert {traffic.pick("orders", n / 100) for n in range(100)} == {"primary"}


@pytest.mark.parametrize("u", [1.0, -0.1, 2])
def test_pick_rejects_draws_outside_the_unit_interval(traffic: TrafficShifter, u: float) -> None:
    with pytest.raises(InvalidInputError) as caught:
        traffic.pick("payments", u)
    assert caught.value.field == "u"


def test_restore_and_load(traffic: TrafficShifter) -> None:
    traffic.shift("payments", "backup", 100)
    saved = traffic.snapshot()
    fresh = TrafficShifter(SERVICES)
    fresh.load({**saved, "billing": {"primary": 100}})
    assert fresh.weights("payments") == {"primary": 0, "backup": 100}
    assert fresh.restore("payments") == TrafficChange(
        "payments", {"primary": 100, "backup": 0}, {"primary": 0, "backup": 100}
    )


def test_unknown_service_and_bad_construction(traffic: TrafficShifter) -> None:
    with pytest.raises(NotFoundError):
        traffic.weights("billing")
    with pytest.raises(InvalidInputError) as routes:
        TrafficShifter(SERVICES, routes=("a", "a"))
    with pytest.raises(InvalidInputError) as services:
        TrafficShifter([])
    assert (routes.value.field, services.value.field) == ("routes", "services")
