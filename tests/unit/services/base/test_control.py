from __future__ import annotations

import pytest

from aref.absorption.breaker import BreakerState
from aref.absorption.degradation import DegradationTier
from aref.absorption.shared_breaker import BreakerDecision
from aref.errors import InvalidInputError
from aref.records import to_record
from chaos.faults import ActiveFault, FaultBoard, FaultSpec
from services.base.control import ControlCache


def board(version: int, *services: str) -> FaultBoard:
    faults = tuple(
        ActiveFault(f"FLT-{s}", FaultSpec.build(s, "error", 0.5, 60), started_at=0.0, expires_at=60.0) for s in services
    )
    return FaultBoard(version, faults)


def decision(edge: str, state: BreakerState, version: int) -> dict[str, object]:
    return dict(to_record(BreakerDecision(edge, state, version, since=1.0, opened_at=1.0, retry_at=31.0)))


def test_a_board_applies_only_when_newer_pushed_or_pulled() -> None:
    cache = ControlCache()

    assert cache.apply_board(board(2, "payments").to_dict())
    assert not cache.apply_board(board(2).to_dict())
    assert not cache.apply_board(board(1).to_dict())
    assert cache.board.version == 2
    assert [f.id for f in cache.board.faults] == ["FLT-payments"]
    assert cache.apply_board(board(3))
    assert cache.board.faults == ()


def test_live_faults_count_only_the_service_and_the_window() -> None:
    cache = ControlCache()
    cache.apply_board(board(1, "payments", "orders"))

    assert cache.live_faults("payments", 30.0) == 1
    assert cache.live_faults("payments", 60.0) == 0
    assert cache.live_faults("inventory", 30.0) == 0


def test_decisions_apply_per_edge_by_version_and_report_what_changed() -> None:
    cache = ControlCache()
    first = cache.apply_decisions(
        {
            "version": 5,
            "decisions": {
                "gateway->payments": decision("gateway->payments", BreakerState.OPEN, 5),
                "gateway->orders": decision("gateway->orders", BreakerState.CLOSED, 2),
            },
        }
    )
    second = cache.apply_decisions(
        {
            "version": 6,
            "decisions": {
                "gateway->payments": decision("gateway->payments", BreakerState.OPEN, 5),
                "gateway->orders": decision("gateway->orders", BreakerState.OPEN, 6),
            },
        }
    )

    assert sorted(first) == ["gateway->orders", "gateway->payments"]
    assert list(second) == ["gateway->orders"]
    assert second["gateway->orders"].state is BreakerState.OPEN
    assert cache.decisions_version == 6
    assert cache.apply_decisions({"version": 6, "decisions": {}}) == {}


def test_control_state_applies_only_when_newer() -> None:
    cache = ControlCache()

    assert cache.apply_control(
        {"version": 3, "flags": {"payments.analytics": False}, "traffic": {"primary": 20, "backup": 80}}
    )
    assert not cache.apply_control({"version": 3, "flags": {}, "traffic": {}})

    assert (cache.flags, cache.traffic, cache.control_version) == (
        {"payments.analytics": False},
        {"primary": 20, "backup": 80},
        3,
    )


@pytest.mark.parametrize(
    ("apply", "payload", "field"),
    [
        ("apply_board", {"version": "x", "faults": []}, "board"),
        ("apply_decisions", {"decisions": {}}, "decisions.version"),
        ("apply_decisions", {"version": 1, "decisions": []}, "decisions.decisions"),
        ("apply_decisions", {"version": 1, "decisions": {"a->b": {"edge": "a->b"}}}, "decisions.a->b"),
        ("apply_control", {"version": -1}, "control.version"),
        ("apply_control", {"version": 1, "flags": {"a": "yes"}}, "control.flags"),
        ("apply_control", {"version": 1, "traffic": {"primary": 0.5}}, "control.traffic"),
    ],
)
def test_malformed_control_state_is_refused_naming_the_part(apply: str, payload: dict[str, object], field: str) -> None:
    cache = ControlCache()
    with pytest.raises(InvalidInputError) as caught:
        getattr(cache, apply)(payload)
    assert caught.value.field == field
    assert cache.snapshot()["fault_version"] == 0


def test_snapshot_is_json_ready() -> None:
    cache = ControlCache()
    cache.apply_board(board(4, "orders"))

    snap = cache.snapshot()

    assert snap["fault_version"] == 4
    assert snap["faults"][0]["spec"]["fault_type"] == "error"
    assert (snap["decisions"], snap["flags"], snap["traffic"]) == ({}, {}, {})


def test_the_tier_rides_on_the_decisions_answer_and_switches_features_off() -> None:
    cache = ControlCache()

    assert not cache.apply_tier("gateway", {"version": 0, "decisions": {}})  # no tiers: unchanged
    assert cache.apply_tier("gateway", {"version": 0, "tiers": {"gateway": "emergency", "orders": "full"}})
    assert not cache.apply_tier("gateway", {"tiers": {"gateway": "emergency"}})
    assert cache.tier is DegradationTier.EMERGENCY
    assert not cache.feature_on("new_orders")
    assert cache.feature_on("health")
    assert cache.snapshot()["tier"] == "emergency"
    with pytest.raises(InvalidInputError):
        cache.apply_tier("gateway", {"tiers": {"gateway": "panic"}})
    assert cache.apply_tier("gateway", {"tiers": {"gateway": "full"}})
    assert cache.feature_on("new_orders")


def test_the_first_control_state_is_taken_even_at_version_zero_and_only_once() -> None:
    cache = ControlCache()
    state = {"version": 0, "flags": {"orders.analytics": True}, "traffic": {"primary": 100}}

    assert cache.apply_control(state)
    assert not cache.apply_control({**state, "flags": {"orders.analytics": False}})
    assert cache.flags == {"orders.analytics": True}
