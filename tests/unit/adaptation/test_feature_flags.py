from __future__ import annotations

import pytest

from aref.adaptation.feature_flags import Actor, FeatureFlag, FeatureFlagManager, FlagChange, flag_effect, flag_kinds
from aref.errors import ConflictError, InvalidInputError, NotFoundError
from aref.testing import FakeClock
from aref.topology import SERVICES

from .factories import T0

SHEDDING = ("analytics", "recommendations", "search", "experimental")
REMOVED = ("recommendations", "search", "experimental", "auth")


@pytest.fixture
def flags(clock: FakeClock) -> FeatureFlagManager:
    return FeatureFlagManager(SERVICES, clock)


def test_each_service_has_only_the_flags_with_an_effect_all_on(flags: FeatureFlagManager) -> None:
    assert [f.name for f in flags.flags("payments")] == ["payments.analytics", "payments.core_api"]
    assert [f.name for f in flags.flags("notifications")] == [
        "notifications.analytics",
        "notifications.recommendations",
        "notifications.search",
        "notifications.experimental",
        "notifications.core_api",
    ]
    assert [f.name for f in flags.flags("gateway")] == ["gateway.analytics", "gateway.receipts", "gateway.core_api"]
    assert len(flags.flags()) == 2 * (len(SERVICES) - 2) + 3 + 5
    assert all(f.enabled for f in flags.flags())
    assert [f.kind for f in flags.flags() if f.critical] == ["core_api"] * len(SERVICES)


@pytest.mark.parametrize("kind", REMOVED)
def test_flags_without_an_effect_do_not_exist(flags: FeatureFlagManager, kind: str) -> None:
    service = "payments" if kind != "auth" else "notifications"
    with pytest.raises(NotFoundError) as caught:
        flags.set(f"{service}.{kind}", False)
    assert (caught.value.kind, caught.value.key) == ("flag", f"{service}.{kind}")
    with pytest.raises(NotFoundError):
        flag_effect(service, kind)


def test_shed_non_critical_disables_every_optional_flag_of_the_service(
    flags: FeatureFlagManager, clock: FakeClock
) -> None:
    clock.advance(7)
    assert flags.shed_non_critical("payments") == (
        FlagChange("payments.analytics", "payments", False, "shed non-critical load", Actor.AUTO),
    )
    assert flags.optional_enabled("payments") == ()
    assert flags.is_enabled("payments.core_api")
    assert flags.get("payments.analytics").changed_at == T0 + 7
    assert flags.shed_non_critical("payments") == ()
    assert flags.optional_enabled("orders") == ("orders.analytics",)
    assert [c.flag for c in flags.shed_non_critical("notifications")] == [f"notifications.{k}" for k in SHEDDING]


def test_adaptation_can_never_disable_a_critical_flag(flags: FeatureFlagManager) -> None:
    with pytest.raises(ConflictError):
        flags.set("payments.core_api", False, actor=Actor.AUTO)
    assert flags.is_enabled("payments.core_api")


def test_a_human_may_disable_a_critical_flag(flags: FeatureFlagManager) -> None:
    change = flags.set("payments.core_api", False, actor="human", reason="maintenance")
    assert change == FlagChange("payments.core_api", "payments", False, "maintenance", Actor.HUMAN)
    assert flags.get("payments.core_api").changed_by is Actor.HUMAN


def test_setting_the_current_value_changes_nothing(flags: FeatureFlagManager) -> None:
    assert flags.set("payments.analytics", True) is None
    assert flags.get("payments.analytics").changed_at is None


def test_restore_re_enables_only_what_adaptation_disabled(flags: FeatureFlagManager) -> None:
    flags.set("notifications.experimental", False, actor=Actor.HUMAN)
    flags.shed_non_critical("notifications")
    restored = flags.restore("notifications")
    assert [c.flag for c in restored] == [
        "notifications.analytics",
        "notifications.recommendations",
        "notifications.search",
    ]
    assert not flags.is_enabled("notifications.experimental")
    assert flags.restore("notifications") == ()


def test_unknown_names(flags: FeatureFlagManager) -> None:
    with pytest.raises(NotFoundError) as flag:
        flags.set("payments.teleport", False)
    with pytest.raises(NotFoundError) as service:
        flags.shed_non_critical("billing")
    assert (flag.value.kind, flag.value.key) == ("flag", "payments.teleport")
    assert (service.value.kind, service.value.key) == ("service", "billing")


def test_unknown_actor_is_invalid_input(flags: FeatureFlagManager) -> None:
    with pytest.raises(InvalidInputError) as caught:
        flags.set("payments.analytics", False, actor="robot")
    assert caught.value.field == "actor"


def test_needs_at_least_one_service(clock: FakeClock) -> None:
    with pytest.raises(InvalidInputError) as caught:
        FeatureFlagManager([], clock)
    assert caught.value.field == "services"


def test_load_reinstates_known_flags_only(flags: FeatureFlagManager) -> None:
    saved = FeatureFlag("notifications", "search", False, Actor.AUTO, T0, "shed")
    removed = [FeatureFlag("payments", "search", False, Actor.AUTO), FeatureFlag("orders", "auth", False, Actor.HUMAN)]
    before = flags.flags()
    flags.load([saved, FeatureFlag("billing", "analytics", False), *removed])
    assert flags.get("notifications.search") == saved
    assert [f.name for f in flags.flags()] == [f.name for f in before]
    assert [f.name for f in flags.flags() if not f.enabled] == ["notifications.search"]


def test_status_is_json_ready(flags: FeatureFlagManager) -> None:
    flags.set("payments.analytics", False, actor="auto", reason="shed")
    assert flags.get("payments.analytics").to_status() == {
        "service": "payments",
        "kind": "analytics",
        "enabled": False,
        "critical": False,
        "effect": flag_effect("payments", "analytics"),
        "changed_by": "auto",
        "changed_at": T0,
        "reason": "shed",
    }


def test_every_flag_that_exists_states_an_effect(flags: FeatureFlagManager) -> None:
    assert all(f.effect.startswith("off: ") for f in flags.flags())
    assert [f.kind for f in flags.flags() if "503" in f.effect] == ["core_api"] * len(SERVICES)
    assert "Prometheus" in flag_effect("orders", "analytics")
    assert [f.name for f in flags.flags() if "request log" in f.effect] == ["gateway.analytics"]
    assert [f.name for f in flags.flags() if "receipt" in f.effect] == ["gateway.receipts"]
    assert all("shedding" in flag_effect("notifications", k) for k in SHEDDING)
    assert "Prometheus" in flag_effect("notifications", "analytics")  # and one shedding step
    assert not any("shedding" in f.effect for f in flags.flags() if f.service != "notifications")


def test_flag_kinds_per_service() -> None:
    assert flag_kinds("orders") == ("analytics", "core_api")
    assert flag_kinds("gateway") == ("analytics", "receipts", "core_api")
    assert flag_kinds("notifications") == (*SHEDDING, "core_api")
