from __future__ import annotations

import pytest

from aref.detection.detector import Signal, fingerprint_of
from aref.errors import InvalidInputError
from aref.events import Severity
from aref.models import DetectionClass


def test_fingerprint_names_detector_service_and_metric() -> None:
    assert fingerprint_of("threshold", "payments", "error_rate") == "threshold:payments:error_rate"


def test_a_firing_signal_carries_its_fingerprint() -> None:
    signal = Signal(
        "zscore", DetectionClass.ANOMALY, "orders", "latency_p99", True, 5.0, Severity.WARNING, 900.0, 300.0, 3.0
    )
    assert signal.fingerprint == "zscore:orders:latency_p99"


@pytest.mark.parametrize(("severity", "onset"), [(None, 1.0), (Severity.WARNING, None)])
def test_a_firing_signal_needs_severity_and_onset(severity: Severity | None, onset: float | None) -> None:
    with pytest.raises(InvalidInputError) as err:
        Signal("t", DetectionClass.THRESHOLD, "s", "m", True, 1.0, severity, onset_at=onset)
    assert err.value.field == "severity"


def test_clear_builds_a_non_firing_signal() -> None:
    signal = Signal.clear("synthetic", DetectionClass.SYNTHETIC, "gateway", "probe", 7.0, 0.5)
    assert (signal.firing, signal.severity, signal.onset_at, signal.at, signal.value) == (False, None, None, 7.0, 0.5)
