"""``chaos list | status | stop`` and the live account of ``chaos run`` (also the demo's steps 4-9)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rich.console import Console

from aref.cli.render.basics import NONE, Row, line, percent, records, seconds, when

FAULT_KEYS = "fault_id:1 experiment:2 service:1 fault_type:3 rate:3 state:1 started_at:4 remaining_s:2 end_reason:2"
MARKS = {"passed": "+", "failed": "x", "pending": "."}  # one per expectation while observing


def experiments(console: Console, data: Row) -> None:
    items = [{**e, "state": "running" if e["running"] else NONE} for e in data["experiments"]]
    keys = "name:1 service:1 fault_type:3 rate:3 duration_s:4 state:2 hypothesis:2"
    records(console, "Chaos experiments", items, keys, "no experiment is registered")


def faults(console: Console, title: str, items: Sequence[Row], empty: str) -> None:
    records(console, title, items, FAULT_KEYS, empty)


def run_progress(console: Console) -> Callable[[str, Mapping[str, Any]], None]:
    """The account of ``chaos run`` as the runner reports it (``chaos.runner_ports.Progress``):
    one line per phase; while observing, a line only when a verdict changes (``+`` held, ``x``
    failed, ``.`` pending); at the end the finished record (``run_result``)."""
    shown: list[str] = []

    def show(phase: str, info: Mapping[str, Any]) -> None:
        if phase == "experiment":
            line(console, f"experiment {info['name']} on {info['target']}", "bold")
        elif phase == "budget":
            left = info["remaining"]
            text = (
                "no error budget tracks the target"
                if left is None
                else f"{percent(left)} of {info['slo']} left outside experiments "
                f"({percent(info['with_experiments'])} with their burn)"
            )
            line(console, f"  error budget: {text}")
        elif phase == "load_started":
            plan = info["plan"]
            warmup = seconds(plan.warmup_s)
            line(console, f"  load: {plan.rate_per_s:g} orders/s for {seconds(plan.duration_s)}, warm-up {warmup}")
        elif phase == "standing_down":
            line(console, f"  waiting for AREF to stand down: {', '.join(info['busy'])}")
        elif phase in ("steady_state", "steady_state_after"):
            check = info["check"]
            verdict, style = ("ok", "green") if check.ok else ("VIOLATED", "yellow")
            when_ = "before" if phase == "steady_state" else "after"
            line(console, f"  steady state {when_} the fault: {verdict} ({check.summary() or 'no probe'})", style)
        elif phase == "injected":
            fault = info["fault"]
            line(console, f"  injected fault {fault['fault_id']} (correlation {fault.get('correlation_id') or NONE})")
        elif phase == "observed":
            marks = "".join(MARKS.get(str(v.status), "?") for v in info["verdicts"])
            if shown != [marks]:
                shown[:] = [marks]
                line(console, f"  observing [{marks}]")
        elif phase == "rolled_back":
            line(console, f"  rolled back fault {info['fault_id']} at {when(info['at'])}")
        elif phase == "done":
            run_result(console, info["record"].to_dict())

    return show


def run_result(console: Console, data: Row) -> None:
    """A finished run (``RunRecord.to_dict()``): each expectation, the headline times, the verdict."""
    results = [{**e, "result": "PASS" if e["passed"] else "FAIL"} for e in data["expectations"]]
    records(console, f"Hypothesis of {data['experiment']}", results, "result expected measured detail", "none")
    times = (seconds(data[k]) for k in ("mttd_s", "time_to_mitigate_s", "mttr_s"))
    line(console, "MTTD {}, mitigated {}, MTTR {}".format(*times))
    failed = sum(1 for e in results if not e["passed"])
    if failed:
        text = f"verdict: FAILED: {failed} of {len(results)} expectations did not hold (run {data['id']})"
        line(console, text, "bold red")
    else:
        line(console, f"verdict: PASSED: all {len(results)} expectations held (run {data['id']})", "bold green")
