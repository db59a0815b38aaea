from __future__ import annotations

import pytest

from aref.errors import InvalidInputError
from aref.recovery.alerts import AlertBook

FIRED = {
    "alert_id": "A1",
    "service": "payments",
    "metric": "error_rate",
    "severity": "critical",
    "onset_at": 90.0,
    "fired_at": 100.0,
}


def test_the_first_alert_sets_onset_detection_and_title() -> None:
    memo = AlertBook().fired("C1", FIRED, at=105.0)
    assert (memo.service, memo.onset_at, memo.fired_at) == ("payments", 90.0, 100.0)
    assert memo.title == "payments: error_rate critical"
    assert memo.open_alerts == {"A1"}


def test_later_alerts_only_add_open_ids() -> None:
    book = AlertBook()
    book.fired("C1", FIRED, at=105.0)
    memo = book.fired("C1", {**FIRED, "alert_id": "A2", "onset_at": 10.0, "fired_at": 200.0}, at=200.0)
    assert (memo.onset_at, memo.fired_at, memo.open_alerts) == (90.0, 100.0, frozenset({"A1", "A2"}))
    book.resolved("C1", "A1", at=210.0)
    book.resolved("C9", "A1", at=210.0)
    memo_after = book.get("C1")
    assert memo_after is not None
    assert memo_after.open_alerts == {"A2"}


def test_missing_times_fall_back_to_the_event_time_and_onset_never_follows_firing() -> None:
    book = AlertBook()
    assert (book.fired("C1", {"service": "x"}, at=50.0).onset_at, book.fired("C1", {}, at=60.0).fired_at) == (
        50.0,
        50.0,
    )
    late = book.fired("C2", {"onset_at": 80.0, "fired_at": 70.0}, at=75.0)
    assert (late.onset_at, late.fired_at) == (70.0, 70.0)


def test_memory_is_bounded_oldest_first() -> None:
    book = AlertBook(capacity=2)
    for cid in ("C1", "C2", "C1", "C3"):
        book.fired(cid, FIRED, at=1.0)
    assert (len(book), book.get("C2"), book.get("C1") is not None) == (2, None, True)
    with pytest.raises(InvalidInputError):
        AlertBook(capacity=0)


def test_budget_burn_alerts_alone_hold_an_incident_until_the_other_detectors_were_calm_for_the_hold() -> None:
    book = AlertBook()
    book.fired("C1", {**FIRED, "detector": "slo_burn"}, at=100.0)
    book.fired("C1", {**FIRED, "alert_id": "A2", "detector": "threshold"}, at=101.0)
    assert book.holds_open("C1", ["A1", "A2"], now=200.0, hold_s=60.0)
    assert book.holds_open("C1", ["A1"], now=200.0, hold_s=60.0)  # no other detector has seen it recover yet
    book.resolved("C1", "A2", at=110.0)
    assert book.holds_open("C1", ["A1"], now=169.0, hold_s=60.0)  # calm for 59 s: still within the hold
    assert not book.holds_open("C1", ["A1"], now=170.0, hold_s=60.0)
    assert not book.holds_open("C1", [], now=111.0, hold_s=60.0)
    assert book.holds_open("C9", ["A1"], now=1e9, hold_s=60.0)  # an incident it never saw: every alert holds


def test_another_detector_firing_again_restarts_the_hold() -> None:
    book = AlertBook()
    book.fired("C1", {**FIRED, "detector": "slo_burn"}, at=100.0)
    book.fired("C1", {**FIRED, "alert_id": "A2", "detector": "threshold"}, at=101.0)
    book.resolved("C1", "A2", at=110.0)
    book.fired("C1", {**FIRED, "alert_id": "A3", "detector": "zscore"}, at=150.0)  # the breaker's probe failed
    assert book.holds_open("C1", ["A1"], now=200.0, hold_s=60.0)
    book.resolved("C1", "A3", at=160.0)
    assert book.holds_open("C1", ["A1"], now=219.0, hold_s=60.0)
    assert not book.holds_open("C1", ["A1"], now=220.0, hold_s=60.0)


def test_a_burn_alert_resolving_is_no_calm_of_the_other_detectors() -> None:
    book = AlertBook()
    book.fired("C1", {**FIRED, "detector": "slo_burn"}, at=100.0)
    book.fired("C1", {**FIRED, "alert_id": "B2", "detector": "slo_burn"}, at=100.0)
    book.resolved("C1", "A1", at=110.0)
    assert book.holds_open("C1", ["B2"], now=1e9, hold_s=60.0)
