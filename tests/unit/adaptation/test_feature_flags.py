from __future__ import annotations

import pytest

from aref.adaptation.feature_flags import Actor, FeatureFlag, FeatureFlagManager, FlagChange
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.testing import FakeClock
from aref.topology import SERVICES

from .factories import T0

OPTIONAL = ("analytics", "recommendations", "search", "experimental")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def flags(clock: FakeClock) -> FeatureFlagManager:
    return FeatureFlagManager(SERVICES, clock)


def test_six_flags_per_service_all_on(flags: FeatureFlagManager) -> None:
    assert len(flags.flags()) == 30
    assert [f.name for f in flags.flags("payments")] == [
        "payments.analytics",
        "payments.recommendations",
        "payments.search",
        "payments.experimental",
        "payments.core_api",
        "payments.auth",
    ]
    assert all(f.enabled for f in flags.flags())
    assert [f.kind for f in flags.flags("orders") if f.critical] == ["core_api", "auth"]


def test_shed_non_critical_disables_exactly_the_four_optional_flags(
    flags: FeatureFlagManager, clock: FakeClock
) -> None:
    clock.advance(7)
    changes = flags.shed_non_critical("payments")
    assert changes == tuple(
        FlagChange(f"payments.{k}", "payments", False, "shed non-critical load", Actor.AUTO) for k in OPTIONAL
    )
    assert flags.optional_enabled("payments") == ()
    assert flags.is_enabled("payments.core_api")
    assert flags.is_enabled("payments.auth")
    assert flags.get("payments.search").changed_at == T0 + 7
    assert flags.shed_non_critical("payments") == ()
    assert flags.optional_enabled("orders") == tuple(f"orders.{k}" for k in OPTIONAL)


def test_adaptation_can_never_disable_a_critical_flag(flags: FeatureFlagManager) -> None:
    with pytest.raises(ConflictError):
        flags.set("payments.auth", False, actor=Actor.AUTO)
    assert flags.is_enabled("payments.auth")


def test_a_human_may_disable_a_critical_flag(flags: FeatureFlagManager) -> None:
    change = flags.set("payments.core_api", False, actor="human", reason="maintenance")
    assert change == FlagChange("payments.core_api", "payments", False, "maintenance", Actor.HUMAN)
    assert flags.get("payments.core_api").changed_by is Actor.HUMAN


def test_setting_the_current_value_changes_nothing(flags: FeatureFlagManager) -> None:
    assert flags.set("payments.search", True) is None
    assert flags.get("payments.search").changed_at is None


def test_restore_re_enables_only_what_adaptation_disabled(flags: FeatureFlagManager) -> None:
    flags.set("payments.experimental", False, actor=Actor.HUMAN)
    flags.shed_non_critical("payments")
    restored = flags.restore("payments")
    assert [c.flag for c in restored] == ["payments.analytics", "payments.recommendations", "payments.search"]
    assert not flags.is_enabled("payments.experimental")
    assert flags.restore("payments") == ()


def test_unknown_names(flags: FeatureFlagManager) -> None:
    with pytest.raises(NotFoundError) as flag:
        flags.set("payments.teleport", False)
    with pytest.raises(NotFoundError) as service:
        flags.shed_non_critical("billing")
    assert (flag.value.kind, flag.value.key) == ("flag", "payments.teleport")
    assert (service.value.kind, service.value.key) == ("service", "billing")


def test_unknown_actor_is_invalid_input(flags: FeatureFlagManager) -> None:
    with pytest.raises(InvalidInputError) as caught:
        flags.set("payments.search", False, actor="robot")
    assert caught.value.field == "actor"


def test_needs_at_least_one_service(clock: FakeClock) -> None:
    with pytest.raises(InvalidInputError) as caught:
        FeatureFlagManager([], clock)
    assert caught.value.field == "services"


def test_load_reinstates_known_flags_only(flags: FeatureFlagManager) -> None:
    saved = FeatureFlag("payments", "search", False, Actor.AUTO, T0, "shed")
    flags.load([saved, FeatureFlag("billing", "search", False)])
    assert flags.get("payments.search") == saved
    assert len(flags.flags()) == 30


def test_status_is_json_ready(flags: FeatureFlagManager) -> None:
    flags.set("payments.search", False, actor="auto", reason="shed")
    assert flags.get("payments.search").to_status() == {
        "service": "payments",
        "kind": "search",
        "enabled": False,
        "critical": False,
        "changed_by": "auto",
        "changed_at": T0,
        "reason": "shed",
    }
