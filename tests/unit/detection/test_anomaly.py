from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from aref.detection.anomaly import AnomalyMonitor, AnomalyVerdict, StreamSpec
from aref.errors import InvalidInputError
from aref.events import Severity
from aref.models import DetectionClass, HealthSample


class ScriptedModel:
    """Returns verdicts from a script: 'w' warming up, 'n' normal, 'a' anomalous."""

    def __init__(self, script: str, bound: float | None = None) -> None:
        self.script = list(script)
        self.bound = bound
        self.seen: list[tuple[float, ...]] = []

    def observe(self, features: Sequence[float], at: float) -> AnomalyVerdict:
        self.seen.append(tuple(features))
        step = self.script.pop(0)
        score = 9.0 if step == "a" else 0.5
        return AnomalyVerdict("scripted", at, score, 3.0, step == "a", step != "w", len(self.seen), bound=self.bound)

    def stats(self) -> dict[str, Any]:
        return {"samples": len(self.seen)}


def sample(at: float, errors: int = 0, requests: int = 100) -> HealthSample:
    return HealthSample("orders", at, requests=requests, errors=errors, latency_p99_ms=120.0)


def monitor(model: ScriptedModel, metrics: tuple[str, ...] = ("error_rate",)) -> AnomalyMonitor:
    return AnomalyMonitor("scripted", [StreamSpec("orders", metrics)], lambda _spec: model, confirmations=3)


def test_fires_on_the_third_anomalous_verdict_with_the_first_as_onset() -> None:
    mon = monitor(ScriptedModel("wnaaa", bound=0.02))
    assert mon.observe(sample(1.0)) == []  # warming up: no judgment
    [clear] = mon.observe(sample(2.0))
    assert not clear.firing
    assert mon.observe(sample(3.0, errors=30)) == []
    assert mon.observe(sample(4.0, errors=30)) == []
    [signal] = mon.observe(sample(5.0, errors=30))
    assert (signal.firing, signal.severity, signal.onset_at, signal.fingerprint) == (
        True,
        Severity.WARNING,
        3.0,
        "scripted:orders:error_rate",
    )
    assert signal.detection_class is DetectionClass.ANOMALY
    assert (signal.value, signal.threshold) == (0.3, 0.02)  # metric units when the model has a bound
    assert signal.details == {"score": 9.0, "score_threshold": 3.0}


def test_a_normal_verdict_clears_and_resets_the_streak() -> None:
    mon = monitor(ScriptedModel("aanaaa"))
    for t in (1.0, 2.0):
        assert mon.observe(sample(t)) == []
    [clear] = mon.observe(sample(3.0))
    assert not clear.firing
    assert mon.observe(sample(4.0)) == []
    assert mon.observe(sample(5.0)) == []
    [signal] = mon.observe(sample(6.0))
    assert signal.onset_at == 4.0


def test_without_a_bound_the_score_is_the_value() -> None:
    mon = monitor(ScriptedModel("aaa"), ("error_rate", "latency_p99"))
    mon.observe(sample(1.0))
    mon.observe(sample(2.0))
    [signal] = mon.observe(sample(3.0, errors=5))
    assert (signal.metric, signal.value, signal.threshold) == ("error_rate+latency_p99", 9.0, 3.0)


def test_feeds_the_stream_metrics_as_one_vector_and_skips_idle_ticks() -> None:
    model = ScriptedModel("nn")
    mon = monitor(model, ("error_rate", "latency_p99"))
    mon.observe(sample(1.0, errors=10))
    mon.observe(sample(2.0, requests=0))
    mon.observe(HealthSample("payments", 3.0, 10, 0))
    assert mon.observe("not a sample") == []
    assert model.seen == [(0.1, 120.0)]


def test_status_lists_streams_with_model_stats() -> None:
    mon = monitor(ScriptedModel("na"))
    mon.observe(sample(1.0))
    mon.observe(sample(2.0))
    assert mon.status() == {
        "streams": [
            {
                "service": "orders",
                "metric": "error_rate",
                "streak": 1,
                "firing": False,
                "last_score": 9.0,
                "last_anomalous": True,
                "samples": 2,
            }
        ]
    }
    assert mon.evaluate(10.0) == []


@pytest.mark.parametrize(("metrics", "field"), [((), "metrics"), (("cpu",), "metrics")])
def test_stream_spec_validation(metrics: tuple[str, ...], field: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        StreamSpec("orders", metrics)
    assert err.value.field == field


def test_confirmations_must_be_positive() -> None:
    with pytest.raises(InvalidInputError) as err:
        AnomalyMonitor("x", [], lambda _s: ScriptedModel(""), confirmations=0)
    assert err.value.field == "confirmations"


def test_stream_count_follows_the_watched_streams() -> None:
    assert AnomalyMonitor("scripted", [], lambda _spec: ScriptedModel("")).stream_count == 0
    specs = [
        StreamSpec("orders", ("error_rate",)),
        StreamSpec("orders", ("latency_p99",)),
        StreamSpec("payments", ("error_rate",)),
    ]
    watched = AnomalyMonitor("scripted", specs, lambda _spec: ScriptedModel(""))
    assert watched.stream_count == 3
    assert len(watched.status()["streams"]) == 3
