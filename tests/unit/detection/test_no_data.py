"""No data: a service with nothing to judge has its alerts resolved as no_data and fires nothing; every
resolution says why."""

from __future__ import annotations

from aref import topics
from aref.config import DetectionSettings
from aref.detection.probes import ProbeResult
from tests.unit.detection.test_engine import Rig


def test_an_alert_of_a_service_that_goes_silent_resolves_as_no_data() -> None:
    """After load stops, replicas still push empty windows: nothing to judge, so the alert resolves as no_data."""
    rig = Rig(kinds=("threshold",), settings=DetectionSettings(no_data_seconds=20))
    for _ in range(3):
        rig.step(latency=2_000.0)  # p99 far over the critical bound
    [fired] = rig.fired()
    for _ in range(19):
        rig.step(requests=0, latency=0.0)
        rig.engine.tick()
    assert rig.sink.of(topics.ALERT_RESOLVED) == []  # 19 s of silence: still within no_data_seconds
    rig.step(requests=0, latency=0.0)
    rig.engine.tick()
    [resolved] = rig.sink.of(topics.ALERT_RESOLVED)
    assert (resolved.correlation_id, resolved.payload["reason"]) == (fired.correlation_id, "no_data")
    assert rig.engine.active_alerts() == []
    assert rig.engine.recent_resolved()[0].resolution == "no_data"


def test_a_silent_service_fires_nothing_until_traffic_returns() -> None:
    rig = Rig(kinds=("threshold",), settings=DetectionSettings(no_data_seconds=5))
    for _ in range(10):
        rig.step(requests=0, latency=2_000.0)  # a stale latency with no request behind it
        rig.engine.tick()
    assert rig.fired() == []
    for _ in range(3):
        rig.step(latency=2_000.0)  # real requests, really slow
    assert [e.payload["service"] for e in rig.fired()] == ["payments"]


def test_every_resolution_says_why() -> None:
    rig = Rig(kinds=("threshold",))
    for _ in range(3):
        rig.step(errors=50)
    [first] = rig.engine.active_alerts()
    assert rig.engine.resolve(first.id).resolution == "manual"
    for _ in range(3):
        rig.step(errors=50)
    [second] = rig.engine.active_alerts()
    rig.step(errors=0)
    assert rig.engine.alert(second.id).resolution == "condition_cleared"


def test_a_service_is_silent_after_the_no_data_window_and_judged_again_on_traffic() -> None:
    rig = Rig(kinds=("threshold",), settings=DetectionSettings(no_data_seconds=5))
    rig.step(requests=10)
    assert rig.engine.silent_services() == ()
    for _ in range(5):
        rig.step(requests=0)
    assert "payments" in rig.engine.silent_services()
    rig.step(requests=1)
    assert "payments" not in rig.engine.silent_services()


def test_probes_keep_no_latency_alert_of_past_load_alive() -> None:
    """A probe is data for synthetic alerts only: after load stops, a latency alert still goes no_data."""
    rig = Rig(kinds=("threshold",), settings=DetectionSettings(no_data_seconds=5))
    for _ in range(3):
        rig.step(latency=2_000.0)
    [fired] = rig.fired()
    for _ in range(5):
        now = rig.step(requests=0, latency=0.0)
        rig.engine.ingest_probe(ProbeResult("payments", True, 5.0, 200, now))
        rig.engine.tick()
    [resolved] = rig.sink.of(topics.ALERT_RESOLVED)
    assert (resolved.correlation_id, resolved.payload["reason"]) == (fired.correlation_id, "no_data")
    assert "payments" not in rig.engine.silent_services()  # the probes still say it answers
