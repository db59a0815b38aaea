"""Run experiment files against a running stack: ``python -m chaos.runner_main NAME|PATH ...``.

The entry a terminal or CI calls. It installs a SIGTERM handler that raises KeyboardInterrupt,
so ``kill`` stops a run the way Ctrl-C does: the runner's ``finally`` rolls the fault back and
stops the load before the process exits. Load comes from this process (``LocalLoadGenerator``).
Exit codes: 0 every hypothesis held, 1 an expectation failed, 2 refused / bad input / AREF
unreachable, 130 interrupted. ``--json`` and ``--junit`` write the records for CI.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from aref.clock import SystemClock
from aref.errors import ArefError, RejectedError
from chaos.http_api import DEFAULT_URL, HttpExperimentApi
from chaos.loadgen_http import ORDERS_URL, LocalLoadGenerator
from chaos.report import junit_xml, runs_to_json
from chaos.runner import ExperimentRunner, RunnerConfig
from chaos.runner_expectations import Status, Verdict
from chaos.runner_ports import Progress
from chaos.runner_record import RunRecord
from chaos.schema import EXPERIMENTS_DIR, Experiment, load_experiment, load_experiments

EXIT_PASSED, EXIT_FAILED, EXIT_REFUSED, EXIT_INTERRUPTED = 0, 1, 2, 130
MARKS = {Status.PASSED: "+", Status.FAILED: "x", Status.PENDING: "."}  # one per expectation while observing


def raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def install_sigterm_handler() -> None:
    """SIGTERM behaves like Ctrl-C: the run unwinds through its rollback."""
    signal.signal(signal.SIGTERM, raise_interrupt)


def resolve(names: Sequence[str], directory: Path = EXPERIMENTS_DIR) -> list[Experiment]:
    """Each argument is a file path, or the name of an experiment in ``directory``."""
    known = {e.name: e for e in load_experiments(directory)} if any(not _is_path(n) for n in names) else {}
    chosen = []
    for name in names:
        if _is_path(name):
            chosen.append(load_experiment(name))
        elif name in known:
            chosen.append(known[name])
        else:
            raise ArefError(f"unknown experiment {name!r} (known: {', '.join(sorted(known))})")
    return chosen


def _is_path(name: str) -> bool:
    return name.endswith((".yaml", ".yml")) or "/" in name


def printer(out: TextIO) -> Progress:
    """A progress callback writing one plain line per phase."""

    def show(phase: str, info: Mapping[str, Any]) -> None:
        if phase == "observed":
            verdicts: list[Verdict] = info["verdicts"]
            states = "".join(MARKS[v.status] for v in verdicts)
            print(f"  observing  [{states}]", file=out, flush=True)
        elif phase == "done":
            record: RunRecord = info["record"]
            for result in record.expectations:
                print(f"  {'PASS' if result.passed else 'FAIL'}  {result.expected}: {result.detail}", file=out)
            times = (record.mttd_s, record.time_to_mitigate_s, record.mttr_s)
            mttd, mitigated, mttr = ("n/a" if t is None else f"{t:.1f} s" for t in times)
            print(f"  MTTD {mttd}, mitigated {mitigated}, MTTR {mttr}", file=out)
        else:
            shown = {k: v for k, v in info.items() if k in ("remaining", "fault_id", "at")}
            print(f"  {phase} {shown if shown else ''}".rstrip(), file=out, flush=True)

    return show


async def run_all(experiments: Sequence[Experiment], args: argparse.Namespace, out: TextIO) -> list[RunRecord]:
    api = HttpExperimentApi(args.url, token=args.token)
    loadgen = LocalLoadGenerator(args.orders_url)
    config = RunnerConfig(budget_floor=args.budget_floor).scaled(args.time_scale)
    runner = ExperimentRunner(
        api,
        SystemClock(),
        asyncio.sleep,
        loadgen,
        sink=None if args.no_store else api,
        config=config,
        on_progress=printer(out),
    )
    records = []
    try:
        for experiment in experiments:
            print(f"experiment {experiment.name} on {experiment.target}", file=out, flush=True)
            scaled = experiment.scaled(args.time_scale) if args.time_scale != 1.0 else experiment
            records.append(await runner.run(scaled, force=args.force))
    finally:
        await loadgen.aclose()
        await api.aclose()
    return records


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m chaos.runner_main", description=__doc__.splitlines()[0])
    p.add_argument("experiments", nargs="+", help="experiment names (in chaos/experiments/) or YAML paths")
    p.add_argument("--url", default=DEFAULT_URL, help="the AREF API")
    p.add_argument("--orders-url", default=ORDERS_URL, help="the gateway's order route the load goes to")
    p.add_argument("--token", default=None, help="AREF_API_TOKEN, when the API requires one")
    p.add_argument("--time-scale", type=float, default=1.0, help="multiply every duration by this (0 < f <= 1)")
    p.add_argument("--budget-floor", type=float, default=RunnerConfig().budget_floor)
    p.add_argument("--force", action="store_true", help="run despite a low error budget or a broken steady state")
    p.add_argument("--json", type=Path, default=None, help="write the run records here")
    p.add_argument("--junit", type=Path, default=None, help="write JUnit XML here")
    p.add_argument("--no-store", action="store_true", help="do not send the records to the API")
    return p


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stderr) -> int:
    args = parser().parse_args(argv)
    install_sigterm_handler()
    try:
        experiments = resolve(args.experiments)
        records = asyncio.run(run_all(experiments, args, out))
    except KeyboardInterrupt:
        print("interrupted: the fault was rolled back and the load stopped", file=out)
        return EXIT_INTERRUPTED
    except RejectedError as error:
        print(f"refused: {error}", file=out)
        return EXIT_REFUSED
    except ArefError as error:
        print(f"error: {error}", file=out)
        return EXIT_REFUSED
    if args.json is not None:
        args.json.write_text(runs_to_json(records), encoding="utf-8")
    if args.junit is not None:
        args.junit.write_text(junit_xml(records), encoding="utf-8")
    for record in records:
        if record.storage_error:
            print(f"warning: run {record.id} was not stored: {record.storage_error}", file=out)
    return EXIT_PASSED if all(r.passed for r in records) else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
