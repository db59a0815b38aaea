"""A message the notifications flags shed is answered at once, even while a latency fault slows the service."""

from __future__ import annotations

from typing import Any

from aref.records import to_record
from services.notifications.notifications_app import NotificationsService
from tests.unit.services.base.test_runtime import fault_board
from tests.unit.services.fakes import handle, serve_free


def slowed_with_low_priority_shed() -> tuple[Any, list[float]]:
    replica = serve_free(NotificationsService, "notifications")
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    replica.runtime._sleep = sleep
    replica.runtime._rng = lambda: 0.0  # every request draws the fault
    replica.runtime.apply_faults(to_record(fault_board(1, "latency", service="notifications")))
    one_flag_off = {"version": 1, "flags": {"notifications.recommendations": False}, "traffic": {}}
    replica.runtime.control.apply_control(one_flag_off)  # one optional flag off sheds low priority
    return replica, slept


def send(replica: Any, priority: str) -> dict[str, Any]:
    message = {"channel": "email", "recipient": "a@example.com", "message": "hi", "priority": priority}
    return handle(replica.send_notification(message))


def test_a_shed_low_priority_message_never_waits_for_the_slow_path() -> None:
    replica, slept = slowed_with_low_priority_shed()
    shed = send(replica, "low")
    assert (shed["status"], shed["body"]["status"], slept) == (200, "shed", [])
    assert replica.runtime.skipped == {"shed_by_flags": 1}
    delivered = send(replica, "normal")
    assert (delivered["body"]["status"], slept) == ("delivered", [0.1])


def test_a_bad_priority_is_still_refused_naming_the_field() -> None:
    replica, _ = slowed_with_low_priority_shed()
    refused = send(replica, "urgent")
    assert refused["status"] == 422
    assert "priority" in str(refused["body"])
