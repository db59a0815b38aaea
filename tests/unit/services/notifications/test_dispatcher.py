from __future__ import annotations

import pytest

from aref.errors import InvalidInputError, NotFoundError
from aref.testing import FakeClock, MemoryStore
from services.notifications.dispatcher import Dispatcher
from services.notifications.policy import Priority, RetryPolicy
from tests.unit.services.fakes import counting_ids, scripted

SHED_ALL_OPTIONAL = {f"notifications.{k}": False for k in ("analytics", "recommendations", "search", "experimental")}


@pytest.fixture
def dispatcher() -> Dispatcher:
    retry = RetryPolicy(max_attempts=3, base_delay_s=0.5, factor=2.0, max_delay_s=30.0)
    return Dispatcher(MemoryStore(), FakeClock(50.0), retry, counting_ids())


def test_a_message_is_delivered_on_the_first_attempt(dispatcher: Dispatcher) -> None:
    record = dispatcher.send("email", "ann@example.com", message="hello", priority="high", order_id="ORD-1")

    assert record == {
        "id": "NTF-1",
        "channel": "email",
        "route": "primary",
        "recipient": "ann@example.com",
        "priority": "high",
        "template": None,
        "message": "hello",
        "order_id": "ORD-1",
        "status": "delivered",
        "shed_level": "low",
        "attempts": [{"attempt": 1, "delay_s": 0.0, "ok": True}],
        "retries": 0,
        "backoff_s": 0.0,
        "at": 50.0,
    }


def test_failed_attempts_are_retried_with_computed_backoff(dispatcher: Dispatcher) -> None:
    record = dispatcher.send("sms", "+100", message="hi", attempt_fails=scripted([True, True]))

    assert record["status"] == "delivered"
    assert record["attempts"] == [
        {"attempt": 1, "delay_s": 0.0, "ok": False},
        {"attempt": 2, "delay_s": 0.5, "ok": False},
        {"attempt": 3, "delay_s": 1.0, "ok": True},
    ]
    assert (record["retries"], record["backoff_s"]) == (2, 1.5)


def test_a_message_failing_every_attempt_ends_failed(dispatcher: Dispatcher) -> None:
    record = dispatcher.send("push", "device-1", message="hi", attempt_fails=lambda _: True)

    assert (record["status"], len(record["attempts"])) == ("failed", 3)


def test_the_operator_level_sheds_lower_priorities_without_attempting_them(dispatcher: Dispatcher) -> None:
    status = dispatcher.set_shed_level("normal", reason="overload")

    low = dispatcher.send("email", "a@b", message="promo", priority="low", attempt_fails=lambda _: True)
    normal = dispatcher.send("email", "a@b", message="receipt", priority="normal")

    assert status == {
        "manual": "normal",
        "from_flags": "low",
        "from_tier": "low",
        "effective": "normal",
        "shed_priorities": ["low"],
    }
    assert (low["status"], low["attempts"], low["shed_level"]) == ("shed", [], "normal")
    assert normal["status"] == "delivered"


def test_flags_switched_off_by_adaptation_shed_everything_but_critical(dispatcher: Dispatcher) -> None:
    high = dispatcher.send("email", "a@b", message="x", priority="high", flags=SHED_ALL_OPTIONAL)
    critical = dispatcher.send("email", "a@b", message="x", priority="critical", flags=SHED_ALL_OPTIONAL)

    assert (high["status"], critical["status"]) == ("shed", "delivered")
    assert dispatcher.shed_status(SHED_ALL_OPTIONAL)["shed_priorities"] == ["low", "normal", "high"]


def test_templates_render_builtin_and_added_ones(dispatcher: Dispatcher) -> None:
    receipt = dispatcher.send(
        "email",
        "a@b",
        template="order_receipt",
        params={"customer": "Ann", "order_id": "ORD-1", "total": "9.00", "currency": "USD"},
    )
    added = dispatcher.add_template("order_shipped", "Order {order_id} left the warehouse")
    shipped = dispatcher.send("sms", "+1", template="order_shipped", params={"order_id": "ORD-1"})

    assert receipt["message"] == "Thanks Ann! Order ORD-1 is confirmed: 9.00 USD."
    assert added == {
        "name": "order_shipped",
        "text": "Order {order_id} left the warehouse",
        "builtin": False,
        "params": ["order_id"],
    }
    assert shipped["message"] == "Order ORD-1 left the warehouse"
    assert dispatcher.templates()["order_shipped"]["builtin"] is False
    assert dispatcher.templates()["order_receipt"]["params"] == ["customer", "order_id", "total", "currency"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"channel": "fax", "recipient": "a", "message": "x"}, "channel"),
        ({"channel": "email", "recipient": "", "message": "x"}, "recipient"),
        ({"channel": "email", "recipient": "a", "message": "x", "priority": "urgent"}, "priority"),
        ({"channel": "email", "recipient": "a"}, "message"),
        ({"channel": "email", "recipient": "a", "message": "x", "template": "order_receipt"}, "message"),
        ({"channel": "email", "recipient": "a", "template": "payment_failed"}, "params.order_id"),
    ],
)
def test_bad_messages_name_the_field(dispatcher: Dispatcher, kwargs: dict[str, str], field: str) -> None:
    channel, recipient = kwargs.pop("channel"), kwargs.pop("recipient")
    with pytest.raises(InvalidInputError) as caught:
        dispatcher.send(channel, recipient, **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_unknown_templates_are_not_found_and_builtins_cannot_be_replaced(dispatcher: Dispatcher) -> None:
    with pytest.raises(NotFoundError):
        dispatcher.send("email", "a", template="nope")
    with pytest.raises(InvalidInputError) as caught:
        dispatcher.add_template("order_receipt", "x")
    assert caught.value.field == "name"
    with pytest.raises(InvalidInputError):
        dispatcher.add_template("bad name", "x")


def test_a_batch_reports_each_message_and_keeps_going_past_invalid_ones(dispatcher: Dispatcher) -> None:
    dispatcher.set_shed_level("normal")

    result = dispatcher.send_batch(
        [
            {"channel": "email", "recipient": "a", "message": "one"},
            {"channel": "fax", "recipient": "b", "message": "two"},
            {"channel": "sms", "recipient": "c", "message": "three", "priority": "low"},
            {"channel": "push", "recipient": "d", "template": "missing"},
            {"channel": "webhook", "recipient": "e", "message": "five"},
        ],
        attempt_fails=scripted([False, True, True, True]),
    )

    assert result["summary"] == {"delivered": 1, "failed": 1, "shed": 1, "invalid": 2}
    assert [r["status"] for r in result["results"]] == ["delivered", "invalid", "shed", "invalid", "failed"]
    assert result["results"][1]["field"] == "messages.1.channel"
    assert result["results"][3]["field"] == "messages.3.template"
    with pytest.raises(InvalidInputError):
        dispatcher.send_batch([])


def test_history_filters_newest_first_and_stats_count(dispatcher: Dispatcher) -> None:
    dispatcher.send("email", "a", message="1")
    dispatcher.send("sms", "b", message="2", attempt_fails=lambda _: True)
    dispatcher.set_shed_level("high")
    dispatcher.send("email", "a", message="3", priority="normal")

    assert [r["message"] for r in dispatcher.history()] == ["3", "2", "1"]
    assert [r["message"] for r in dispatcher.history(channel="email", limit=1)] == ["3"]
    assert [r["message"] for r in dispatcher.history(status="failed")] == ["2"]
    assert [r["message"] for r in dispatcher.history(recipient="a")] == ["3", "1"]
    assert dispatcher.stats() == {
        "total": 3,
        "by_status": {"delivered": 1, "failed": 1, "shed": 1},
        "by_channel": {"email": 2, "sms": 1, "push": 0, "webhook": 0},
        "by_priority": {"low": 0, "normal": 3, "high": 0, "critical": 0},
        "delivery_rate": 0.5,
        "retries": 2,
        "manual_shed_level": "high",
    }
    with pytest.raises(InvalidInputError):
        dispatcher.history(status="lost")


def test_a_tier_floor_sheds_below_it_and_without_retries_a_message_is_attempted_once(dispatcher: Dispatcher) -> None:
    low = dispatcher.send("email", "a@b", message="promo", priority="low", floor=Priority.NORMAL)
    normal = dispatcher.send("email", "a@b", message="x", retries=False, attempt_fails=lambda _: True)
    retried = dispatcher.send("email", "a@b", message="x", attempt_fails=lambda _: True)

    assert (low["status"], low["attempts"], low["shed_level"]) == ("shed", [], "normal")
    assert (normal["status"], len(normal["attempts"])) == ("failed", 1)
    assert len(retried["attempts"]) == 3
    assert dispatcher.shed_status({}, Priority.HIGH)["shed_priorities"] == ["low", "normal"]


def test_a_route_sends_a_message_on_the_channel_it_picks(dispatcher: Dispatcher) -> None:
    record = dispatcher.send("push", "d-1", message="x", route=lambda channel: ("backup", "email"))

    assert (record["channel"], record["route"], record["status"]) == ("email", "backup", "delivered")


def test_a_keyed_message_is_sent_once_and_a_repeat_answers_its_record(dispatcher: Dispatcher) -> None:
    first = dispatcher.send("email", "ann@example.com", message="receipt", order_id="ORD-1", idempotency_key="r:ORD-1")
    again = dispatcher.send("email", "ann@example.com", message="receipt", order_id="ORD-1", idempotency_key="r:ORD-1")

    assert again == first
    assert first["id"].startswith("NTF-")
    assert first["id"] != "NTF-1"
    assert dispatcher.replay("r:ORD-1") == first
    assert (dispatcher.replay("r:ORD-2"), dispatcher.replay(None)) == (None, None)
    assert len(dispatcher.history(limit=10)) == 1


def test_a_keyed_message_that_failed_is_attempted_again(dispatcher: Dispatcher) -> None:
    failed = dispatcher.send("sms", "+100", message="hi", attempt_fails=lambda n: True, idempotency_key="k")
    assert dispatcher.replay("k") is None
    delivered = dispatcher.send("sms", "+100", message="hi", idempotency_key="k")

    assert (failed["status"], delivered["status"], delivered["id"]) == ("failed", "delivered", failed["id"])
    assert len(dispatcher.history(limit=10)) == 1
