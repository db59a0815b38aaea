from __future__ import annotations

import pytest

from aref.absorption.degradation import DISABLED_FEATURES, DegradationTier
from aref.adaptation.feature_flags import flag_kinds
from aref.errors import InvalidInputError
from services.notifications.policy import (
    FALLBACK_CHANNEL,
    SHED_BY_FLAGS,
    SHED_BY_OPERATOR,
    SHED_BY_TIER,
    Priority,
    RetryPolicy,
    effective_level,
    flag_shed_level,
    is_shed,
    placeholders,
    render,
    route_channel,
    shed_cause,
    tier_floor,
)

KINDS = ("analytics", "recommendations", "search", "experimental")


def test_the_shedding_flags_are_the_notifications_flags_adaptation_may_switch_off() -> None:
    assert tuple(k for k in flag_kinds("notifications") if k != "core_api") == KINDS


def flags_off(*kinds: str) -> dict[str, bool]:
    return {f"notifications.{k}": k not in kinds for k in (*KINDS, "core_api")}


@pytest.mark.parametrize(
    ("off", "level"),
    [
        ((), Priority.LOW),
        (("experimental",), Priority.NORMAL),
        (("experimental", "analytics"), Priority.NORMAL),
        (("experimental", "analytics", "recommendations"), Priority.HIGH),
        (KINDS, Priority.CRITICAL),
    ],
)
def test_each_switched_off_optional_flag_raises_the_shed_level(off: tuple[str, ...], level: Priority) -> None:
    assert flag_shed_level(flags_off(*off)) == level


def test_critical_flags_and_other_services_flags_do_not_shed() -> None:
    flags = {"notifications.core_api": False, "payments.analytics": False}

    assert flag_shed_level(flags) == Priority.LOW
    assert flag_shed_level({"search": False, "analytics": False}) == Priority.NORMAL


def test_the_effective_level_is_the_stricter_of_operator_and_flags() -> None:
    assert effective_level(Priority.HIGH, flags_off("search")) == Priority.HIGH
    assert effective_level(Priority.LOW, flags_off(*KINDS)) == Priority.CRITICAL


@pytest.mark.parametrize(
    ("priority", "level", "shed"),
    [
        (Priority.LOW, Priority.LOW, False),
        (Priority.LOW, Priority.NORMAL, True),
        (Priority.NORMAL, Priority.NORMAL, False),
        (Priority.HIGH, Priority.CRITICAL, True),
        (Priority.CRITICAL, Priority.CRITICAL, False),
    ],
)
def test_messages_below_the_level_are_shed_critical_never(priority: Priority, level: Priority, shed: bool) -> None:
    assert is_shed(priority, level) is shed


def test_priority_parse_names_the_field() -> None:
    with pytest.raises(InvalidInputError) as caught:
        Priority.parse("urgent", "level")
    assert caught.value.field == "level"


def test_backoff_is_exponential_and_capped() -> None:
    policy = RetryPolicy(max_attempts=6, base_delay_s=0.5, factor=2.0, max_delay_s=3.0)

    assert [policy.delay_before(n) for n in range(1, 7)] == [0.0, 0.5, 1.0, 2.0, 3.0, 3.0]
    with pytest.raises(InvalidInputError):
        policy.delay_before(0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_attempts": 0}, "max_attempts"),
        ({"base_delay_s": 5, "max_delay_s": 1}, "base_delay_s"),
        ({"factor": 0.5}, "factor"),
    ],
)
def test_retry_policy_refuses_bad_values(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_templates_render_their_placeholders_and_name_a_missing_one() -> None:
    assert placeholders("Hi {name}, order {order_id} for {name}") == ("name", "order_id")
    assert render("Hi {name}", {"name": "Ann", "extra": 1}) == "Hi Ann"
    with pytest.raises(InvalidInputError) as caught:
        render("Hi {name} {order_id}", {"name": "Ann"})
    assert caught.value.field == "params.order_id"


@pytest.mark.parametrize("template", ["Hi {0}", "Hi {name.attr}", "Hi {name"])
def test_templates_accept_plain_names_only(template: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        placeholders(template)
    assert caught.value.field == "template"


@pytest.mark.parametrize(
    ("tier", "floor"),
    [
        (DegradationTier.FULL, Priority.LOW),
        (DegradationTier.REDUCED, Priority.NORMAL),
        (DegradationTier.MINIMAL, Priority.HIGH),
        (DegradationTier.EMERGENCY, Priority.HIGH),
    ],
)
def test_each_tier_sets_the_lowest_priority_still_delivered(tier: DegradationTier, floor: Priority) -> None:
    assert tier_floor(lambda feature: feature not in DISABLED_FEATURES[tier]) is floor


def test_a_shed_message_names_what_shed_it_flags_before_tier_before_operator() -> None:
    low, normal, high = Priority.LOW, Priority.NORMAL, Priority.HIGH
    assert shed_cause(low, low, flags_off("analytics"), low) == SHED_BY_FLAGS
    assert shed_cause(normal, low, flags_off("analytics"), high) == SHED_BY_TIER
    assert shed_cause(normal, high, {}, low) == SHED_BY_OPERATOR
    assert shed_cause(high, normal, flags_off("analytics"), normal) is None
    assert shed_cause(Priority.CRITICAL, high, flags_off(*KINDS), high) is None


def test_traffic_weights_route_a_message_to_its_channel_or_the_fallback() -> None:
    half = {"primary": 50, "backup": 50}
    assert route_channel("email", {}, 0.99) == ("primary", "email")  # no weights: all primary
    assert route_channel("email", half, 0.49) == ("primary", "email")
    assert route_channel("email", half, 0.5) == ("backup", FALLBACK_CHANNEL["email"])
    assert route_channel("push", {"primary": 0, "backup": 100}, 0.0) == ("backup", "email")
    with pytest.raises(InvalidInputError):
        route_channel("email", half, 1.0)
