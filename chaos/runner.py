"""ExperimentRunner: one experiment as a verified hypothesis, orchestration only.

Order: refuse if the target's error budget is below the floor (unless forced) -> wait up to
``rest_wait_s`` while AREF still holds a degradation tier or a flag off from something earlier
(a hypothesis about how AREF answers the fault means nothing while it is still answering something
else; no load runs yet, so the wait costs none of the plan's duration) -> start the load
-> warm up -> check the steady state under that load, waiting up to ``data_wait_s`` while a
probe has no answered order to judge yet -> refuse a violated steady state unless forced -> inject through
the API -> observe (poll alerts, timeline, breakers, services and the client record) until every
expectation settles or ``observe_s`` passes, rolling back when the fault's time is up or the
hypothesis is settled -> re-check the steady state -> record and store. The rollback and the
load stop sit in ``finally``: they run on success, on any error, on cancellation and on
KeyboardInterrupt. Everything external is injected (API, clock, sleep, load generator, sink);
no Ray or HTTP here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from aref.clock import Clock
from aref.errors import ArefError, InvalidInputError, RejectedError
from chaos.faults import FaultSpec
from chaos.runner_expectations import EXPECTATION_KINDS, ExpectationKind, Status
from chaos.runner_observation import ControlSample, ReplicaSample, SeenAlert, SeenEvent, SteadySample
from chaos.runner_ports import ExperimentApi, LoadGenerator, Progress, RunnerConfig, RunSink, Sleep
from chaos.runner_record import RunRecord, SteadyStateCheck, check_steady_state
from chaos.runner_state import RunState, build_record, judge
from chaos.schema import Experiment

__all__ = ["ExperimentApi", "ExperimentRunner", "LoadGenerator", "RunSink", "RunnerConfig"]

log = logging.getLogger(__name__)
EVENT_CATEGORIES = ("absorption", "adaptation", "recovery", "evolution")
ROLLBACK_ATTEMPTS = 2


class ExperimentRunner:
    def __init__(
        self,
        api: ExperimentApi,
        clock: Clock,
        sleep: Sleep,
        loadgen: LoadGenerator,
        *,
        sink: RunSink | None = None,
        config: RunnerConfig | None = None,
        kinds: Mapping[str, ExpectationKind] = EXPECTATION_KINDS,
        on_progress: Progress | None = None,
    ) -> None:
        self._api, self._clock, self._sleep, self._loadgen = api, clock, sleep, loadgen
        self._sink = sink
        self._config = config or RunnerConfig()
        self._kinds = kinds
        self._progress: Progress = on_progress or (lambda phase, info: None)

    async def run(self, experiment: Experiment, *, force: bool = False) -> RunRecord:
        """Run ``experiment`` once; refusals raise ``RejectedError`` before any fault is injected."""
        unknown = [e.kind for e in experiment.hypothesis if e.kind not in self._kinds]
        if unknown:
            raise InvalidInputError("hypothesis", f"unknown expectation kinds {unknown}", source=experiment.source)
        spec = experiment.fault.spec(experiment.target)  # the safety bounds hold before anything starts
        state = RunState(experiment, self._clock.now())
        budget = await self._check_budget(experiment, force)
        detectors = await self._api.detectors()
        await self._stand_down(state)
        await self._loadgen.start(experiment.traffic)
        self._progress("load_started", {"plan": experiment.traffic})
        try:
            if experiment.traffic.warmup_s > 0:
                await self._sleep(experiment.traffic.warmup_s)
            before = await self._steady_state(state)
            patience = self._clock.now() + self._config.data_wait_s
            while before.without_data and self._clock.now() < patience:  # slow first answers: not a verdict yet
                await self._sleep(self._config.poll_s)
                before = await self._steady_state(state)
            self._progress("steady_state", {"check": before})
            if not before.ok and not force:
                raise RejectedError("steady state", experiment.name, before.summary())
            target = state.services.get(experiment.target)
            state.replicas_before = None if target is None else int((target.get("replicas") or {}).get("running", 0))
            await self._inject(state, spec)
            await self._observe(state)
            after = await self._steady_state(state)
            self._progress("steady_state_after", {"check": after})
        finally:
            await self._rollback(state)
            await self._stop_load()
        obs = state.observation(self._clock.now(), self._config)
        record = build_record(
            state, obs, self._kinds, before=before, after=after, detectors=detectors, budget=budget, forced=force
        )
        self._progress("done", {"record": record})
        return await self._store(record)

    # -- phases ----------------------------------------------------------------------------------

    async def _check_budget(self, experiment: Experiment, force: bool) -> tuple[float | None, float | None]:
        """The target's lowest remaining budget outside experiments (the gate: an outage's burn refuses
        the run, earlier experiments' burn does not), and the same SLO's budget with that burn."""
        budgets = [b for b in await self._api.error_budgets() if b.get("service") == experiment.target]
        if not budgets:
            self._progress("budget", {"remaining": None})
            return None, None
        lowest = min(budgets, key=outside_experiments)
        remaining, overall = outside_experiments(lowest), float(lowest["remaining"])
        self._progress("budget", {"remaining": remaining, "with_experiments": overall, "slo": lowest.get("slo")})
        if remaining < self._config.budget_floor and not force:
            detail = (
                f"error budget {lowest.get('slo')} has {remaining:.0%} left outside experiments, below the floor "
                f"{self._config.budget_floor:.0%}: an outage spent it; force the run to override"
            )
            raise RejectedError("error budget", experiment.target, detail)
        return remaining, overall

    async def _stand_down(self, state: RunState) -> None:
        """Wait, within ``rest_wait_s``, until no service is degraded and no flag is off."""
        patience = self._clock.now() + self._config.rest_wait_s
        told: tuple[str, ...] = ()
        while True:
            try:
                state.services = {str(s["name"]): s for s in await self._api.services()}
            except ArefError:
                state.poll_errors += 1
            busy = (await self._controls(state, self._clock.now())).busy()
            if not busy or self._clock.now() >= patience:
                return
            if busy != told:
                told = busy
                self._progress("standing_down", {"busy": busy})
            await self._sleep(self._config.poll_s)

    async def _inject(self, state: RunState, spec: FaultSpec) -> None:
        fault = await self._api.inject(spec, state.experiment.name)
        state.fault_id = str(fault["fault_id"])
        state.correlation_id = fault.get("correlation_id")
        state.injected_at = float(fault.get("started_at", self._clock.now()))
        state.fault_end = float(fault.get("expires_at", state.injected_at + spec.duration_s))
        state.replicas_killed = tuple(str(r) for r in fault.get("replicas_killed", ()))
        self._progress("injected", {"fault": fault})

    async def _observe(self, state: RunState) -> None:
        assert state.injected_at is not None
        deadline = state.injected_at + state.experiment.observe_s
        while True:
            await self._poll(state)
            now = self._clock.now()
            observation = state.observation(now, self._config)
            verdicts = judge(state.experiment, self._kinds, observation)
            self._progress("observed", {"verdicts": verdicts, "at": now, "observation": observation, "until": deadline})
            settled = all(v.status is not Status.PENDING for v in verdicts)
            if state.rolled_back_at is None and (settled or now >= state.fault_end):
                await self._rollback(state)
            if (settled and state.restored_after_rollback()) or now >= deadline:
                return
            pause = min(self._config.poll_s, deadline - now)
            if state.rolled_back_at is None and now < state.fault_end:
                pause = min(pause, state.fault_end - now)
            await self._sleep(pause)

    async def _rollback(self, state: RunState) -> None:
        if state.fault_id is None or state.rolled_back_at is not None:
            return
        for _ in range(ROLLBACK_ATTEMPTS):
            try:
                await self._api.stop_fault(state.fault_id)
            except Exception as exc:  # the fault still expires by itself; record it, never hide it
                state.rollback_error = f"{type(exc).__name__}: {exc}"
                log.warning("rollback of fault %s failed: %s", state.fault_id, exc)
                continue
            state.rolled_back_at, state.rollback_error = self._clock.now(), None
            self._progress("rolled_back", {"fault_id": state.fault_id, "at": state.rolled_back_at})
            return

    async def _stop_load(self) -> None:
        try:
            await self._loadgen.stop()
        except Exception:
            log.warning("the load generator did not stop cleanly", exc_info=True)

    # -- gathering -------------------------------------------------------------------------------

    async def _poll(self, state: RunState) -> None:
        """Gather everything once; a failed read is counted, never fatal (the rollback must happen)."""
        try:
            for alert in await self._api.alerts():
                state.alerts[str(alert["id"])] = SeenAlert.from_view(alert)
        except ArefError:
            state.poll_errors += 1
        for category in EVENT_CATEGORIES:
            try:
                for event in await self._api.events(category):
                    state.events[str(event["id"])] = SeenEvent.from_view(event)
            except ArefError:
                state.poll_errors += 1
        try:
            state.breakers = dict(await self._api.breakers())
        except ArefError:
            state.poll_errors += 1
        await self._steady_state(state)

    async def _steady_state(self, state: RunState) -> SteadyStateCheck:
        """Judge the probes now, keeping the sample (and the target's replica count)."""
        try:
            state.services = {str(s["name"]): s for s in await self._api.services()}
        except ArefError:
            state.poll_errors += 1
            state.services = {}
        state.client = await self._loadgen.record()
        now = self._clock.now()
        self._progress("sampled", {"client": state.client, "at": now})
        check = check_steady_state(state.experiment.steady_state, state.client, state.services, now)
        state.steady.append(SteadySample(now, check.ok, {p.name: p.value for p in check.probes}))
        target: dict[str, Any] | None = state.services.get(state.experiment.target)
        if target is not None:
            counts = target.get("replicas") or {}
            ids = tuple(str(i) for i in counts.get("running_ids") or ())
            state.replicas.append(ReplicaSample(now, int(counts.get("running", 0)), int(counts.get("target", 0)), ids))
        state.controls.append(await self._controls(state, now))
        return check

    async def _controls(self, state: RunState, now: float) -> ControlSample:
        """Replicas and tiers from the services just read, flags and the target's provider counters."""
        running = {name: int((s.get("replicas") or {}).get("running", 0)) for name, s in state.services.items()}
        tiers = {name: s.get("degradation_tier") for name, s in state.services.items()}
        flags: dict[str, bool] = {}
        captured: dict[str, int] = {}
        try:
            flags = await self._api.flags()
        except ArefError:
            state.poll_errors += 1
        try:
            captured = await self._api.captured(state.experiment.target)
        except ArefError:
            state.poll_errors += 1
        return ControlSample(now, running, tiers, flags, captured)

    async def _store(self, record: RunRecord) -> RunRecord:
        if self._sink is None:
            return record
        try:
            await self._sink.save_run(record.id, record.to_dict())
        except ArefError as exc:
            log.warning("run %s was not stored: %s", record.id, exc)
            return replace(record, storage_error=str(exc))
        return record


def outside_experiments(budget: Mapping[str, Any]) -> float:
    """An ``ErrorBudgetView``'s remaining share outside experiments (its whole remaining if it has none)."""
    return float(budget.get("remaining_outside_experiments", budget["remaining"]))
