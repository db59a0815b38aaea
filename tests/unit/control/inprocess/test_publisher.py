"""InProcessPublisher: delivery by the wiring table in rounds, never back to the publisher, failures kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from aref import topics
from aref.control.inprocess.publisher import InProcessPublisher
from aref.control.pillar import PillarService
from aref.control.wiring import ADAPTATION, DETECTION, RECOVERY, TIMELINE
from aref.errors import ConflictError, InvalidInputError
from aref.events import Event, EventCategory
from aref.testing import FakeClock

CLOCK = FakeClock()


def event(type_: str, category: EventCategory = EventCategory.DETECTION, source: str = "test") -> Event:
    return Event.create(category, type_, source=source, clock=CLOCK)


class Receiver(PillarService):
    """A pillar service that records the batches it receives; ``answer`` may emit events in reply."""

    def __init__(self, name: str, publisher: InProcessPublisher) -> None:
        super().__init__(publisher)
        self.NAME = name  # type: ignore[misc]
        self.batches: list[list[str]] = []
        self.flushes = 0
        self.answer: Callable[[Sequence[Event]], None] = lambda batch: None

    def deliver(self, events: Sequence[Event]) -> int:
        self.batches.append([e.type for e in events])
        self.answer(events)
        return len(events)

    def flush(self) -> None:
        self.flushes += 1
        super().flush()


def attached(publisher: InProcessPublisher, *names: str) -> dict[str, Receiver]:
    receivers = {name: Receiver(name, publisher) for name in names}
    publisher.attach(receivers)
    return receivers


def test_a_publication_is_delivered_in_one_batch_per_subscriber_by_topic() -> None:
    publisher = InProcessPublisher()
    got = attached(publisher, TIMELINE, ADAPTATION, RECOVERY, DETECTION)
    heard: list[list[str]] = []
    publisher.listeners.append(lambda batch: heard.append([e.type for e in batch]))
    publisher("test", [event("alert_fired"), event("alert_acknowledged")])
    assert got[TIMELINE].batches == [["alert_fired", "alert_acknowledged"]]  # the timeline hears everything
    assert got[ADAPTATION].batches == [["alert_fired"]]  # the others only their topics
    assert got[RECOVERY].batches == [["alert_fired"]]
    assert got[DETECTION].batches == []
    assert heard == [["alert_fired", "alert_acknowledged"]]
    assert (publisher.delivered, list(publisher.failures)) == (2, [])
    assert got[TIMELINE].flushes == 1  # a receiver's own events go out after each delivery


def test_events_published_while_delivering_go_out_in_the_next_round() -> None:
    publisher = InProcessPublisher()
    got = attached(publisher, TIMELINE, ADAPTATION)
    adaptation = got[ADAPTATION]

    def reply(batch: Sequence[Event]) -> None:
        for e in batch:
            if e.topic == topics.ALERT_FIRED:
                adaptation.sink.emit(event("strategy_executed", EventCategory.ADAPTATION, source=ADAPTATION))

    adaptation.answer = reply
    publisher("detection", [event("alert_fired", source="detection")])
    assert got[TIMELINE].batches == [["alert_fired"], ["strategy_executed"]]
    assert adaptation.batches == [["alert_fired"]]  # its own reply never comes back to it
    assert publisher.delivered == 2


def test_a_failing_subscriber_is_recorded_and_the_others_still_receive() -> None:
    publisher = InProcessPublisher()
    got = attached(publisher, ADAPTATION, TIMELINE)

    def broken(batch: Sequence[Event]) -> None:
        raise InvalidInputError("payload", "broken")

    got[ADAPTATION].answer = broken
    publisher("test", [event("alert_fired")])
    assert got[TIMELINE].batches == [["alert_fired"]]
    assert [(f.subscriber, f.topics, f.error) for f in publisher.failures] == [
        (ADAPTATION, (topics.ALERT_FIRED,), "payload: broken")
    ]
    assert got[ADAPTATION].flushes == 1  # what it emitted before failing still goes out


def test_a_feedback_loop_is_cut_after_max_rounds() -> None:
    publisher = InProcessPublisher(max_rounds=3)
    got = attached(publisher, TIMELINE, ADAPTATION, RECOVERY)
    adaptation, recovery = got[ADAPTATION], got[RECOVERY]

    def escalate(batch: Sequence[Event]) -> None:  # adaptation answers every alert with an escalation
        adaptation.sink.emit(event("escalate_to_recovery", EventCategory.ADAPTATION, source=ADAPTATION))

    def refire(batch: Sequence[Event]) -> None:  # and recovery every escalation with an alert
        if any(e.topic == topics.ESCALATE_TO_RECOVERY for e in batch):
            recovery.sink.emit(event("alert_fired", source=RECOVERY))

    adaptation.answer, recovery.answer = escalate, refire
    with pytest.raises(ConflictError):
        publisher("test", [event("alert_fired")])
    assert len(got[TIMELINE].batches) == 3
    adaptation.answer = recovery.answer = lambda batch: None
    publisher("test", [event("alert_acknowledged")])  # the loop's leftovers were dropped: delivery works again
    assert got[TIMELINE].batches[-1] == ["alert_acknowledged"]
    with pytest.raises(InvalidInputError) as caught:
        InProcessPublisher(max_rounds=0)
    assert caught.value.field == "max_rounds"


def test_a_subscriber_that_is_not_attached_is_skipped() -> None:
    publisher = InProcessPublisher()
    got = attached(publisher, TIMELINE)  # nothing runs as adaptation or recovery here
    publisher("test", [event("alert_fired")])
    assert (got[TIMELINE].batches, publisher.delivered, list(publisher.failures)) == ([["alert_fired"]], 1, [])


def test_an_event_never_goes_back_to_its_publisher() -> None:
    publisher = InProcessPublisher()
    got = attached(publisher, DETECTION, ADAPTATION)
    publisher(ADAPTATION, [event("strategy_executed", EventCategory.ADAPTATION, source=ADAPTATION)])
    publisher(DETECTION, [event("alert_fired", source=DETECTION)])
    assert got[DETECTION].batches == [["strategy_executed"]]
    assert got[ADAPTATION].batches == [["alert_fired"]]
