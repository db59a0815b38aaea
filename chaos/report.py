"""Run records for machines: JSON, and JUnit XML for CI.

JUnit: one ``<testsuite>`` per run (named ``chaos.<experiment>``), one ``<testcase>`` per
expectation; a failed expectation carries a ``<failure>`` whose message holds the numbers. The
run's headline measures (MTTD, time to mitigate, MTTR, client error rate, steady state) are
suite ``<property>`` elements. Built with ``xml.etree`` so every text is escaped.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from chaos.runner_record import RunRecord


def to_json(record: RunRecord, *, indent: int | None = 2) -> str:
    return json.dumps(_finite(record.to_dict()), indent=indent, sort_keys=False)


def runs_to_json(records: Sequence[RunRecord], *, indent: int | None = 2) -> str:
    return json.dumps([_finite(r.to_dict()) for r in records], indent=indent)


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: such numbers become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _num(value: float | None, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:.3f}{unit}"


def properties(record: RunRecord) -> dict[str, str]:
    during = record.ground_truth.during_fault
    return {
        "run_id": record.id,
        "target": record.target,
        "fault": f"{record.fault.fault_type.value} rate={record.fault.rate:g} duration_s={record.fault.duration_s:g}",
        "time_scale": f"{record.time_scale:g}",
        "forced": str(record.forced).lower(),
        "mttd_s": _num(record.mttd_s),
        "time_to_mitigate_s": _num(record.time_to_mitigate_s),
        "mttr_s": _num(record.mttr_s),
        "client_error_rate_during_fault": _num(during.error_rate),
        "client_latency_p99_ms_during_fault": _num(during.latency_p99_ms),
        "steady_state_before": "ok" if record.steady_state_before.ok else "violated",
        "steady_state_after": "n/a"
        if record.steady_state_after is None
        else ("ok" if record.steady_state_after.ok else "violated"),
        "rollback_error": record.rollback_error or "",
    }


def suite(record: RunRecord) -> ET.Element:
    name = f"chaos.{record.experiment}"
    failures = record.failures
    element = ET.Element(
        "testsuite",
        {
            "name": name,
            "tests": str(len(record.expectations)),
            "failures": str(len(failures)),
            "errors": "0",
            "skipped": "0",
            "time": f"{max(0.0, record.ended_at - record.started_at):.3f}",
            "timestamp": datetime.fromtimestamp(record.started_at, UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        },
    )
    props = ET.SubElement(element, "properties")
    for key, value in properties(record).items():
        ET.SubElement(props, "property", {"name": key, "value": value})
    for index, result in enumerate(record.expectations):
        case = ET.SubElement(
            element,
            "testcase",
            {
                "classname": name,
                "name": f"{index + 1:02d} {result.kind}: {result.expected}",
                "time": "0",
            },
        )
        if not result.passed:
            measured = "not measured" if result.measured is None else f"measured {result.measured:g}"
            failure = ET.SubElement(
                case, "failure", {"message": f"{measured}: {result.detail}", "type": "ExpectationFailed"}
            )
            failure.text = f"expected: {result.expected}\nparams: {json.dumps(result.params)}\n{result.detail}"
        else:
            ET.SubElement(case, "system-out").text = result.detail
    return element


def junit_xml(records: Sequence[RunRecord]) -> str:
    """A ``<testsuites>`` document with one suite per run."""
    root = ET.Element(
        "testsuites",
        {
            "name": "aref-chaos",
            "tests": str(sum(len(r.expectations) for r in records)),
            "failures": str(sum(len(r.failures) for r in records)),
        },
    )
    root.extend(suite(r) for r in records)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
