"""An alert's onset is the first bad request clients or probes saw shortly before the breach, else the breach."""

from __future__ import annotations

import pytest

from aref import topics
from aref.config import DetectionSettings
from aref.detection.onset import OnsetWitness, Sightings
from aref.detection.probes import ProbeResult
from aref.errors import InvalidInputError
from tests.unit.detection.test_engine import Rig

SERVICES = ("gateway", "payments")


def test_the_earliest_sighting_within_the_lookback_is_the_onset() -> None:
    seen = Sightings(SERVICES, lookback_seconds=30.0)
    seen.saw(["payments"], 60.0, OnsetWitness.PROBES, now=60.0)
    seen.saw(SERVICES, 75.0, OnsetWitness.CLIENTS, now=75.0)
    seen.saw(SERVICES, 71.0, OnsetWitness.CLIENTS, now=75.0)
    assert seen.onset("payments", 95.0) == (71.0, OnsetWitness.CLIENTS)  # 60 s lies before the lookback
    assert seen.onset("payments", 85.0) == (60.0, OnsetWitness.PROBES)
    assert seen.onset("gateway", 70.0) == (70.0, OnsetWitness.BREACHING_SAMPLE)  # sightings after it do not count


def test_unknown_services_are_ignored_and_a_negative_lookback_refused() -> None:
    seen = Sightings(SERVICES, lookback_seconds=10.0)
    seen.saw(["billing"], 1.0, OnsetWitness.CLIENTS, now=1.0)
    assert seen.onset("billing", 5.0) == (5.0, OnsetWitness.BREACHING_SAMPLE)
    with pytest.raises(InvalidInputError):
        Sightings(SERVICES, lookback_seconds=-1.0)


def test_a_new_alert_counts_from_the_first_failed_order_clients_saw() -> None:
    rig = Rig(kinds=("threshold",), settings=DetectionSettings(onset_lookback_seconds=30))
    rig.step()
    failed_at = rig.clock.now() - 0.5
    rig.engine.ingest_client_failures([failed_at])
    breach = rig.step(errors=50)
    rig.step(errors=50)
    rig.step(errors=50)
    [fired] = rig.fired()
    assert (fired.payload["onset_at"], fired.payload["onset_witness"]) == (failed_at, "clients")
    assert breach > failed_at
    assert rig.engine.active_alerts()[0].onset_witness == "clients"


def test_a_failed_probe_dates_its_own_service_only() -> None:
    rig = Rig(kinds=("threshold",))
    probed_at = rig.step()
    rig.engine.ingest_probe(ProbeResult("gateway", False, 0.0, None, probed_at))
    rig.engine.ingest_probe(ProbeResult("payments", True, 5.0, 200, probed_at))
    first_breach = rig.step(errors=50)
    rig.step(errors=50)
    rig.step(errors=50)
    [fired] = rig.fired()
    assert (fired.payload["onset_at"], fired.payload["onset_witness"]) == (first_breach, "breaching_sample")
    assert rig.sink.of(topics.ALERT_RESOLVED) == []
