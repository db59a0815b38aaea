from __future__ import annotations

import pytest

from aref.adaptation.signals import AlertSignal, BreakerSignal, MetricKind, Resolution, metric_kind
from aref.errors import InvalidInputError
from aref.events import Severity
from aref.models import DetectionClass
from aref.testing import FakeClock

from .factories import T0, alert_payload, event


def test_alert_signal_reads_every_contract_field(clock: FakeClock) -> None:
    sig = AlertSignal.from_event(event(clock, "detection.alert_fired", alert_payload()))
    assert sig == AlertSignal(
        alert_id="A1",
        fingerprint="payments:error_rate",
        service="payments",
        metric="error_rate",
        severity=Severity.CRITICAL,
        value=0.4,
        threshold=0.15,
        onset_at=T0 - 20,
        fired_at=T0,
        detector="threshold",
        detection_class=DetectionClass.THRESHOLD,
    )


def test_optional_fields_default_from_the_event(clock: FakeClock) -> None:
    payload = alert_payload()
    for key in ("fingerprint", "onset_at", "fired_at", "detector", "detection_class"):
        del payload[key]
    clock.advance(5)
    sig = AlertSignal.from_event(event(clock, "detection.alert_fired", payload))
    assert (sig.fingerprint, sig.fired_at, sig.onset_at) == ("A1", T0 + 5, T0 + 5)
    assert sig.detection_class is None
    assert sig.detector == ""
    assert sig.budget_consumed is None


def test_an_slo_alert_reports_its_error_budget(clock: FakeClock) -> None:
    details = {"slo": "payments.availability", "policy": "page_fast", "budget_consumed": 0.62}
    sig = AlertSignal.from_event(event(clock, "detection.alert_fired", alert_payload(details=details)))
    assert sig.budget_consumed == 0.62
    other = alert_payload(details={"rule": "payments.error_rate"})
    assert AlertSignal.from_event(event(clock, "detection.alert_fired", other)).budget_consumed is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"alert_id": ""}, "payload.alert_id"),
        ({"service": None}, "payload.service"),
        ({"metric": 3}, "payload.metric"),
        ({"severity": "fatal"}, "payload.severity"),
        ({"value": "high"}, "payload.value"),
        ({"threshold": True}, "payload.threshold"),
        ({"detection_class": "guess"}, "payload.detection_class"),
        ({"onset_at": T0 + 1}, "payload.onset_at"),
        ({"details": {"budget_consumed": "most"}}, "payload.details.budget_consumed"),
        ({"details": {"budget_consumed": -0.1}}, "payload.details.budget_consumed"),
    ],
)
def test_malformed_alert_payload_names_the_field(clock: FakeClock, change: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        AlertSignal.from_event(event(clock, "detection.alert_fired", {**alert_payload(), **change}))
    assert caught.value.field == field


def test_missing_required_key_is_rejected(clock: FakeClock) -> None:
    payload = alert_payload()
    del payload["value"]
    with pytest.raises(InvalidInputError) as caught:
        AlertSignal.from_event(event(clock, "detection.alert_fired", payload))
    assert caught.value.field == "payload.value"


@pytest.mark.parametrize(
    ("metric", "kind"),
    [
        ("error_rate", MetricKind.ERRORS),
        ("availability", MetricKind.ERRORS),
        ("probe_failures", MetricKind.ERRORS),
        ("latency_p99", MetricKind.LOAD),
        ("response_latency", MetricKind.LOAD),
        ("cpu_utilization", MetricKind.LOAD),
        ("queue_depth", MetricKind.LOAD),
        ("disk_free_bytes", MetricKind.OTHER),
    ],
)
def test_metric_kind(metric: str, kind: MetricKind) -> None:
    assert metric_kind(metric) is kind


def test_describe_is_the_step_one_assessment(clock: FakeClock) -> None:
    sig = AlertSignal.from_event(event(clock, "detection.alert_fired", alert_payload()))
    assert sig.describe() == "payments error_rate=0.4 vs threshold 0.15 (2.7x), critical errors signal"


def test_resolution_defaults_resolved_at_to_event_time(clock: FakeClock) -> None:
    clock.advance(30)
    res = Resolution.from_event(event(clock, "detection.alert_resolved", {"alert_id": "A1", "service": "payments"}))
    assert res == Resolution("A1", "payments", T0 + 30)


def test_breaker_signal_requires_its_dependency(clock: FakeClock) -> None:
    payload = {"breaker": "gateway->payments", "service": "gateway", "dependency": "payments"}
    opened = BreakerSignal.from_event(event(clock, "absorption.circuit_breaker_opened", payload))
    assert opened == BreakerSignal("gateway->payments", "gateway", "payments")
    del payload["dependency"]
    with pytest.raises(InvalidInputError) as caught:
        BreakerSignal.from_event(event(clock, "absorption.circuit_breaker_opened", payload))
    assert caught.value.field == "payload.dependency"
