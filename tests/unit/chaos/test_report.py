from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace

from chaos.faults import FaultSpec, FaultType
from chaos.loadgen import ClientStats
from chaos.report import junit_xml, runs_to_json, to_json
from chaos.runner_observation import DetectorTruth
from chaos.runner_record import ExpectationResult, GroundTruth, ProbeResult, RunRecord, SteadyStateCheck

T0 = 1_700_000_000.0


def record(*results: ExpectationResult, name: str = "payment_provider_failure") -> RunRecord:
    probe = ProbeResult("errors", "error_rate", "client", "gateway", 0.05, 0.0, True)
    stats = ClientStats(120, 30, 0.25, 50.0, 120.0, {"201": 90, "503": 30})
    return RunRecord(
        id="RUN-1",
        experiment=name,
        target="payments",
        fault=FaultSpec("payments", FaultType.ERROR, 0.8, 60.0),
        time_scale=1.0,
        forced=False,
        started_at=T0,
        injected_at=T0 + 10,
        rolled_back_at=T0 + 70,
        ended_at=T0 + 80.5,
        fault_window=(T0 + 10, T0 + 75),
        fault_id="FLT-1",
        correlation_id="COR-1",
        incident_correlation_id="COR-2",
        mttd_s=7.0,
        time_to_mitigate_s=8.0,
        mitigation="adaptation.strategy_executed",
        mttr_s=25.0,
        recovery_note="steady state restored 25.0 s after the injection",
        expectations=results,
        steady_state_before=SteadyStateCheck(T0 + 10, True, (probe,)),
        steady_state_after=SteadyStateCheck(T0 + 80, True, (probe,)),
        alerts_per_detector={"threshold": 2},
        ground_truth=GroundTruth(stats, stats, (DetectorTruth("threshold", 1, 1, T0 + 17, 7.0, False),)),
        error_budget_remaining=0.9,
    )


PASS = ExpectationResult(
    "detected_within_s", "an alert fires within 30 s", {"within_s": 30.0}, 7.0, True, "after 7.0 s"
)
FAIL = ExpectationResult(
    "error_rate_below",
    "client order error rate during the fault stays below 20.0%",
    {"max": 0.2},
    0.25,
    False,
    "30/120 orders failed (25.0%) during the fault; expected below 20.0%",
)
UNMEASURED = ExpectationResult(
    "review_generated", "a review is generated", {"within_s": None}, None, False, "no review"
)


def test_json_round_trips_the_record_and_states_the_verdict() -> None:
    original = record(PASS, FAIL)
    data = json.loads(to_json(original))
    assert data["passed"] is False
    assert (data["mttd_s"], data["mttr_s"], data["fault"]["fault_type"]) == (7.0, 25.0, "error")
    assert RunRecord.from_dict(data) == original
    assert [r["id"] for r in json.loads(runs_to_json([original, original]))] == ["RUN-1", "RUN-1"]


def test_json_never_emits_non_finite_numbers() -> None:
    weird = replace(record(PASS), mttr_s=float("inf"))
    assert json.loads(to_json(weird))["mttr_s"] is None


def test_junit_has_one_suite_per_run_and_one_case_per_expectation() -> None:
    xml = junit_xml([record(PASS, FAIL, UNMEASURED), record(PASS, name="replica_crash")])
    root = ET.fromstring(xml)
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "4", "2")
    first, second = root.findall("testsuite")
    assert (first.get("name"), first.get("tests"), first.get("failures"), first.get("time")) == (
        "chaos.payment_provider_failure",
        "3",
        "2",
        "80.500",
    )
    assert second.get("name") == "chaos.replica_crash"
    cases = first.findall("testcase")
    assert [c.get("name") for c in cases] == [
        "01 detected_within_s: an alert fires within 30 s",
        "02 error_rate_below: client order error rate during the fault stays below 20.0%",
        "03 review_generated: a review is generated",
    ]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None
    assert (
        failure.get("message") == "measured 0.25: 30/120 orders failed (25.0%) during the fault; expected below 20.0%"
    )
    unmeasured = cases[2].find("failure")
    assert unmeasured is not None
    assert unmeasured.get("message") == "not measured: no review"


def test_junit_properties_carry_the_headline_numbers() -> None:
    suite = ET.fromstring(junit_xml([record(PASS)])).find("testsuite")
    assert suite is not None
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["mttd_s"] == "7.000"
    assert props["time_to_mitigate_s"] == "8.000"
    assert props["mttr_s"] == "25.000"
    assert props["client_error_rate_during_fault"] == "0.250"
    assert props["fault"] == "error rate=0.8 duration_s=60"
    assert props["steady_state_after"] == "ok"


def test_junit_escapes_what_it_carries() -> None:
    nasty = replace(PASS, passed=False, detail='<&> "quoted"')
    failure = ET.fromstring(junit_xml([record(nasty)])).find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == 'measured 7: <&> "quoted"'
