from __future__ import annotations

import pytest

from aref.errors import InvalidInputError
from services.notifications.policy import (
    Priority,
    RetryPolicy,
    effective_level,
    flag_shed_level,
    is_shed,
    placeholders,
    render,
)

KINDS = ("analytics", "recommendations", "search", "experimental")


def flags_off(*kinds: str) -> dict[str, bool]:
    return {f"notifications.{k}": k not in kinds for k in (*KINDS, "core_api", "auth")}


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
    flags = {"notifications.core_api": False, "notifications.auth": False, "payments.analytics": False}

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
