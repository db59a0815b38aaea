"""Run experiment files against a running stack: ``python -m chaos.runner_main NAME|PATH ...``.

The entry a terminal or CI calls; ``aref chaos run`` goes through the same ``run_experiments``. Both
install SIGTERM and SIGINT handlers that raise KeyboardInterrupt, so ``kill`` stops a run the way
Ctrl-C does (also when started in the background, where SIGINT is inherited ignored): the runner's
``finally`` rolls the fault back and stops the load before the process exits. The load comes from
the cluster's ``loadgen`` actor through the API (``--load-from cluster``, the default; it refuses
while a background load runs), or from this process (``--load-from local``: ``LocalLoadGenerator``,
aimed at the gateway's order route behind ``--url`` unless ``--orders-url`` says otherwise). Exit
codes: 0 every hypothesis held, 1 an expectation failed, 2 refused / bad input / AREF unreachable,
130 interrupted. ``--json`` and ``--junit`` write the records for CI.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from aref.clock import Clock, SystemClock
from aref.errors import ArefError, InvalidInputError, RejectedError
from chaos.http_api import DEFAULT_URL, ApiLoadGenerator, HttpExperimentApi
from chaos.loadgen_http import LocalLoadGenerator
from chaos.report import junit_xml, runs_to_json
from chaos.runner import ExperimentRunner, RunnerConfig
from chaos.runner_expectations import EXPECTATION_KINDS, Status, Verdict
from chaos.runner_ports import ExperimentApi, LoadGenerator, Progress, RunSink, Sleep
from chaos.runner_record import RunRecord
from chaos.schema import EXPERIMENTS_DIR, Experiment, load_experiment, load_experiments

EXIT_PASSED, EXIT_FAILED, EXIT_REFUSED, EXIT_INTERRUPTED = 0, 1, 2, 130
MARKS = {Status.PASSED: "+", Status.FAILED: "x", Status.PENDING: "."}  # one per expectation while observing
ORDERS_PATH = "/gateway/api/orders"  # the gateway's order route, behind the same proxy as the API
ROLLED_BACK = "the fault was rolled back and the load stopped"  # what an interrupt still did


def raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def install_stop_handlers() -> None:
    """SIGTERM and SIGINT unwind the run through its rollback, also where SIGINT came in ignored
    (a process started in the background by a non-interactive shell inherits SIGINT ignored, and
    Python then never raises KeyboardInterrupt: ``kill -INT`` would not stop the run)."""
    signal.signal(signal.SIGTERM, raise_interrupt)
    signal.signal(signal.SIGINT, raise_interrupt)


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


# -- what a run is given ------------------------------------------------------------------------


@dataclass(frozen=True)
class RunOptions:
    """Where AREF answers and the run's knobs, as both front-ends take them."""

    url: str = DEFAULT_URL
    token: str | None = None
    load_from: str = "cluster"  # "cluster": the loadgen actor through the API; "local": this process
    orders_url: str | None = None  # local load only; None: the gateway's order route behind ``url``
    time_scale: float = 1.0
    budget_floor: float = RunnerConfig().budget_floor
    stand_down_wait_s: float = RunnerConfig().rest_wait_s  # not scaled: AREF's holds are not
    force: bool = False
    store: bool = True  # send the records to the API

    @property
    def gateway_orders_url(self) -> str:
        return self.orders_url or self.url.rstrip("/") + ORDERS_PATH


async def _nothing() -> None:
    return None


@dataclass(frozen=True)
class RunPorts:
    """Everything a run talks to; ``close`` is awaited once the runs are over, however they ended."""

    api: ExperimentApi
    loadgen: LoadGenerator
    sink: RunSink | None = None
    clock: Clock = field(default_factory=SystemClock)
    sleep: Sleep = asyncio.sleep
    close: Callable[[], Awaitable[None]] = _nothing


Connect = Callable[[RunOptions], RunPorts]


LOAD_SOURCES = ("cluster", "local")


def http_ports(options: RunOptions) -> RunPorts:
    """The real ones: AREF's HTTP API (also the run sink) and the load (the cluster's, or this process's)."""
    if options.load_from not in LOAD_SOURCES:
        raise InvalidInputError("load_from", f"must be one of {', '.join(LOAD_SOURCES)}, got {options.load_from!r}")
    api = HttpExperimentApi(options.url, token=options.token)
    if options.load_from == "cluster":
        return RunPorts(api, ApiLoadGenerator(api), api if options.store else None, close=api.aclose)
    local = LocalLoadGenerator(options.gateway_orders_url)

    async def close() -> None:
        try:
            await local.aclose()
        finally:
            await api.aclose()

    return RunPorts(api, local, api if options.store else None, close=close)


class Stop(StrEnum):
    """Why the runs stopped short."""

    REFUSED = "refused"  # a guard said no (error budget, steady state): nothing was injected
    ERROR = "error"  # bad input, or AREF unreachable or answering with an error
    INTERRUPTED = "interrupted"  # Ctrl-C or SIGTERM, after the rollback


@dataclass(frozen=True)
class Outcome:
    """How the runs ended: the exit code, the records finished, and why they stopped short."""

    code: int
    records: tuple[RunRecord, ...] = ()
    stopped: Stop | None = None
    reason: str = ""

    @property
    def message(self) -> str | None:
        """One line, ``"<why>: <reason>"``, when the runs stopped short."""
        return None if self.stopped is None else f"{self.stopped}: {self.reason}"

    def warnings(self) -> list[str]:
        return [f"warning: run {r.id} was not stored: {r.storage_error}" for r in self.records if r.storage_error]


# -- running ------------------------------------------------------------------------------------


def run_experiments(
    names: Sequence[str], options: RunOptions, *, progress: Progress, connect: Connect = http_ports
) -> Outcome:
    """Resolve ``names``, run each in turn, and say how it went; never raises but for a bug.

    Bad input is refused before anything is contacted. ``KeyboardInterrupt`` (Ctrl-C, or SIGTERM
    with the handler installed) ends the runs after the runner's rollback.
    """
    records: list[RunRecord] = []
    try:
        return asyncio.run(_run(names, options, progress, connect, records))
    except KeyboardInterrupt:
        return Outcome(EXIT_INTERRUPTED, tuple(records), Stop.INTERRUPTED, ROLLED_BACK)


async def arun_experiments(
    names: Sequence[str], options: RunOptions, *, progress: Progress, connect: Connect = http_ports
) -> Outcome:
    """``run_experiments`` inside a running event loop (a notebook: ``await arun_experiments(...)``)."""
    records: list[RunRecord] = []
    try:
        return await _run(names, options, progress, connect, records)
    except (KeyboardInterrupt, asyncio.CancelledError):
        return Outcome(EXIT_INTERRUPTED, tuple(records), Stop.INTERRUPTED, ROLLED_BACK)


async def _run(
    names: Sequence[str], options: RunOptions, progress: Progress, connect: Connect, records: list[RunRecord]
) -> Outcome:
    try:
        if not 0.0 <= options.budget_floor <= 1.0:
            raise InvalidInputError("budget_floor", f"must be between 0 and 1, got {options.budget_floor:g}")
        if options.stand_down_wait_s < 0:
            raise InvalidInputError("stand_down_wait", f"must be >= 0 seconds, got {options.stand_down_wait_s:g}")
        experiments = resolve(names)
        if options.time_scale != 1.0:
            experiments = [e.scaled(options.time_scale) for e in experiments]
        await run_all(experiments, options, connect, progress, records)
    except RejectedError as error:
        return Outcome(EXIT_REFUSED, tuple(records), Stop.REFUSED, str(error))
    except ArefError as error:
        return Outcome(EXIT_REFUSED, tuple(records), Stop.ERROR, str(error))
    return Outcome(EXIT_PASSED if all(r.passed for r in records) else EXIT_FAILED, tuple(records))


async def run_all(
    experiments: Sequence[Experiment],
    options: RunOptions,
    connect: Connect,
    progress: Progress,
    records: list[RunRecord],
) -> None:
    """Run ``experiments`` (already scaled) one after the other, appending each record as it is done."""
    ports = connect(options)
    config = RunnerConfig(budget_floor=options.budget_floor, rest_wait_s=options.stand_down_wait_s)
    config = config.scaled(options.time_scale)
    runner = ExperimentRunner(
        ports.api, ports.clock, ports.sleep, ports.loadgen, sink=ports.sink, config=config, on_progress=progress
    )
    try:
        for experiment in experiments:
            expectations = [EXPECTATION_KINDS[e.kind].describe(e.params) for e in experiment.hypothesis]
            progress("experiment", {"name": experiment.name, "target": experiment.target, "expectations": expectations})
            records.append(await runner.run(experiment, force=options.force))
    finally:
        await ports.close()


def printer(out: TextIO) -> Progress:
    """A progress callback writing one plain line per phase."""

    def show(phase: str, info: Mapping[str, Any]) -> None:
        if phase == "sampled":
            return  # every poll: too frequent for a line each
        if phase == "experiment":
            print(f"experiment {info['name']} on {info['target']}", file=out, flush=True)
        elif phase == "observed":
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


# -- the command line ---------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m chaos.runner_main", description=__doc__.splitlines()[0])
    p.add_argument("experiments", nargs="+", help="experiment names (in chaos/experiments/) or YAML paths")
    p.add_argument("--url", default=DEFAULT_URL, help="the AREF API")
    p.add_argument(
        "--load-from", choices=LOAD_SOURCES, default="cluster", help="the loadgen actor (cluster) or this process"
    )
    p.add_argument("--orders-url", default=None, help=f"local load: where it goes (default: URL{ORDERS_PATH})")
    p.add_argument("--token", default=None, help="AREF_API_TOKEN, when the API requires one")
    p.add_argument("--time-scale", type=float, default=1.0, help="multiply every duration by this (0 < f <= 1)")
    p.add_argument("--budget-floor", type=float, default=RunnerConfig().budget_floor)
    p.add_argument(
        "--stand-down-wait",
        type=float,
        default=RunnerConfig().rest_wait_s,
        help="before the fault, wait at most this many seconds for AREF to lift earlier tiers and flags",
    )
    p.add_argument("--force", action="store_true", help="run despite a low error budget or a broken steady state")
    p.add_argument("--json", type=Path, default=None, help="write the run records here")
    p.add_argument("--junit", type=Path, default=None, help="write JUnit XML here")
    p.add_argument("--no-store", action="store_true", help="do not send the records to the API")
    return p


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stderr, connect: Connect = http_ports) -> int:
    args = parser().parse_args(argv)
    install_stop_handlers()
    options = RunOptions(
        url=args.url,
        token=args.token,
        load_from=args.load_from,
        orders_url=args.orders_url,
        time_scale=args.time_scale,
        budget_floor=args.budget_floor,
        stand_down_wait_s=args.stand_down_wait,
        force=args.force,
        store=not args.no_store,
    )
    outcome = run_experiments(args.experiments, options, progress=printer(out), connect=connect)
    if outcome.message:
        print(outcome.message, file=out)
    if outcome.records and args.json is not None:
        args.json.write_text(runs_to_json(outcome.records), encoding="utf-8")
    if outcome.records and args.junit is not None:
        args.junit.write_text(junit_xml(outcome.records), encoding="utf-8")
    for warning in outcome.warnings():
        print(warning, file=out)
    return outcome.code


if __name__ == "__main__":
    sys.exit(main())
