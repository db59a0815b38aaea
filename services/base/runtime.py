"""The replica runtime: fault hook, telemetry and guards on the data plane; the tick loop on the control plane.

Data plane (``run`` / ``run_async``, per business request): decide the request's fault from the cached
board, apply it, run the operation, map errors to an envelope, record latency and outcome (ok = status <
500). Tiers: an operation named in the service's ``gates`` (operation -> feature of
``aref.absorption.degradation``) is refused while the tier in force switches its feature off: 503 with
``Retry-After``, shed, counted in ``skipped`` under the feature. Flags: ``<service>.core_api`` off
refuses every business request with 503; ``<service>.analytics`` off leaves the Prometheus request
metrics unrecorded. A request its caller cancels (a timeout upstream) is recorded with the time it ran
and status 499, so a slow service whose callers give up is still seen as slow. No call to any actor
happens here. A synthetic request (the prober's, ``services.base.synthetic``) is only counted in
``synthetic_requests``: it never reaches the request and error counts, the telemetry detection judges,
nor the metrics. ``bare_data_plane`` (benchmarks only) skips all of it: the operation runs alone, so the
request costs what the shop's work costs.

Control plane (``tick``, every ``tick_seconds``): flush telemetry and push it to detection, push the
guards' outcome reports to absorption (both fire-and-forget; what could not be sent is kept, bounded,
and sent later; reports are idempotent by sequence), then pull the fault board, the breaker decisions
newer than the cached version and the flags/traffic, and apply them (the tier rides on the decisions
answer), then push what it applied to absorption (the applied-vs-desired view; ``applied``) when it changed, or
every ``APPLIED_REFRESH_S`` as a sign of life. Any failure
is logged and the cached state stays in force; the loop never dies.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import Any, TypeVar

from aref.absorption.degradation import NON_CRITICAL_FEATURES, switched_off
from aref.absorption.edges import edge_name
from aref.clock import Clock
from aref.config import ArefSettings
from aref.errors import InvalidInputError
from aref.records import to_record
from aref.telemetry import TelemetryAccumulator
from aref.topology import DEMO_TOPOLOGY
from chaos.faults import EffectKind, FaultBoard
from services.base.control import ControlCache
from services.base.envelope import Envelope, error_envelope
from services.base.faults import FaultDraw, Sleep, apply_effect
from services.base.guards import EdgeGuard, GuardPolicy
from services.base.link import ControlLink, ReplicaIdentity
from services.base.metrics import ReplicaMetrics, memory_mb
from services.base.synthetic import is_synthetic

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_PENDING_TELEMETRY = 10
MAX_PENDING_REPORTS = 500
APPLIED_REFRESH_S = 10.0  # an unchanged applied state is re-sent this often (absorption forgets a replica after 30 s)
RECENT, FAILING_RATE = 100, 0.5  # half the last 100 requests failed: the replica is failing (a restart may cure it)
CALLER_GAVE_UP = 499  # recorded for a request cancelled by its caller: slow, not failed by this replica
NO_FAULTS = FaultBoard()
DEFAULT_RETRY_AFTER_S = 10


class ReplicaRuntime:
    def __init__(
        self,
        identity: ReplicaIdentity,
        settings: ArefSettings,
        link: ControlLink,
        clock: Clock,
        *,
        downstream: Sequence[str] = (),
        guard_policy: GuardPolicy | None = None,
        edge_policies: Mapping[str, GuardPolicy] | None = None,
        timer: Callable[[], float] = time.perf_counter,
        rng: Callable[[], float] = random.random,
        sleep: Sleep = asyncio.sleep,
        autostart: bool = True,
    ) -> None:
        self.identity = identity
        self._autostart = autostart
        self.service = identity.service
        self.settings = settings
        self.clock = clock
        self.control = ControlCache()
        self.board_applied_at: float | None = None  # when this replica took its current fault board
        self.metrics = ReplicaMetrics(self.service, identity.replica_id)
        self.telemetry = TelemetryAccumulator(self.service, identity.replica_id, clock.now(), identity.actor_name)
        self._link = link
        self._timer = timer
        self._rng = rng
        self._sleep = sleep
        self.started_at = clock.now()
        self.requests = 0
        self.errors = 0
        self.synthetic_requests = 0
        self.shed_requests = 0  # refused because a tier or flag switched the work off (Envelope.shed)
        self.skipped: dict[str, int] = {}  # optional work not done, by what switched it off
        self._recent: deque[bool] = deque(maxlen=RECENT)
        self._pending_telemetry: list[dict[str, Any]] = []
        self._pending_reports: list[dict[str, Any]] = []
        self._applied_sent: tuple[dict[str, Any], float] | None = None  # what absorption last got, and when
        self._task: asyncio.Task[None] | None = None
        self.ticks = 0
        self.gates: Mapping[str, str] = {}  # operation -> the tier feature it needs (``gate``)
        self.retry_after_s = DEFAULT_RETRY_AFTER_S
        policy = guard_policy or GuardPolicy.from_settings(settings.absorption)
        self.guards: dict[str, EdgeGuard] = {}
        if settings.bare_data_plane:
            log.warning("%s: AREF_BARE_DATA_PLANE is on: no fault, guard, gate or telemetry on requests", self.service)
        for dependency in downstream:
            if dependency not in DEMO_TOPOLOGY.dependencies(self.service):
                raise InvalidInputError("downstream", f"{self.service} does not depend on {dependency!r}")
            edge = edge_name(self.service, dependency)
            own = (edge_policies or {}).get(dependency, policy)  # a dependency may have its own bounds
            self.guards[dependency] = EdgeGuard(
                edge, identity.replica_id, own, clock, sleep, listener=self.metrics.edge_call
            )

    async def run(
        self,
        op: str,
        work: Callable[[FaultDraw], Any],
        *,
        status: int = 200,
        absorb_errors: bool = False,
        shed_at_door: Callable[[], bool] | None = None,
    ) -> Envelope:
        """Serve a blocking operation (store I/O) in a worker thread; a non-envelope result gets ``status``."""

        async def in_thread(draw: FaultDraw) -> Envelope:
            result = await asyncio.to_thread(work, draw)
            return result if isinstance(result, Envelope) else Envelope(status, result)

        return await self.run_async(op, in_thread, absorb_errors=absorb_errors, shed_at_door=shed_at_door)

    async def run_async(
        self,
        op: str,
        work: Callable[[FaultDraw], Awaitable[Envelope]],
        *,
        absorb_errors: bool = False,
        shed_at_door: Callable[[], bool] | None = None,
    ) -> Envelope:
        """Serve one business request: fault hook, operation, error mapping, telemetry.

        ``absorb_errors`` leaves error faults to the operation (it draws them with ``FaultDraw.fails``).
        ``shed_at_door`` (in memory, cheap) says the controls in force shed this request: the operation
        then runs without the fault's effect, as a service refuses at its door before any slow work.
        """
        self.ensure_started()
        if self.settings.bare_data_plane:
            return await self._bare(work)
        started = self._timer()
        draw = FaultDraw(self.control.board, self.service, self.clock.now(), self._rng)
        feature = self.gates.get(op)
        if feature is not None and not self.control.feature_on(feature):
            refused = self.tier_refusal(feature)
            self._record(op, refused.status, self._timer() - started, shed=True)
            return refused
        if not self.control.flag_on(self.service, "core_api"):
            self.skip("core_api")
            body = {"error": f"{self.service}.core_api is switched off", "flag": "core_api"}
            refused = Envelope(503, body, shed=True)
            self._record(op, refused.status, self._timer() - started, shed=True)
            return refused
        if shed_at_door is not None and shed_at_door():
            draw = FaultDraw(NO_FAULTS, self.service, self.clock.now(), self._rng)
        try:
            effect = draw.request()
            if effect.kind is not EffectKind.NONE and not (absorb_errors and effect.kind is EffectKind.ERROR):
                draw.injected.append(effect)
            await apply_effect(effect, self.service, self._sleep, errors=not absorb_errors)
            envelope = await work(draw)
        except asyncio.CancelledError:  # the caller gave up (its timeout): the time it waited is still seen
            self._record(op, CALLER_GAVE_UP, self._timer() - started)
            raise
        except Exception as exc:
            envelope = error_envelope(exc)
            if envelope.status == 500:
                log.exception("%s %s failed unexpectedly", self.service, op)
        for effect in draw.injected:
            self.metrics.fault(effect.kind.value)
        self._record(op, envelope.status, self._timer() - started, shed=envelope.shed)
        return envelope

    async def _bare(self, work: Callable[[FaultDraw], Awaitable[Envelope]]) -> Envelope:
        """``bare_data_plane``: the operation alone, with no fault, gate or record (errors still map)."""
        try:
            return await work(FaultDraw(NO_FAULTS, self.service, 0.0, self._rng))
        except Exception as exc:
            return error_envelope(exc)

    def gate(self, gates: Mapping[str, str], retry_after_s: int = DEFAULT_RETRY_AFTER_S) -> None:
        """Refuse each operation of ``gates`` while the tier switches its feature off (``retry_after_s``: the wait)."""
        unknown = sorted(f for f in gates.values() if f not in NON_CRITICAL_FEATURES)
        if unknown:
            raise InvalidInputError("gates", f"unknown tier features {unknown}")
        if retry_after_s < 1:
            raise InvalidInputError("retry_after_s", "must be >= 1")
        self.gates = dict(gates)
        self.retry_after_s = retry_after_s

    def tier_refusal(self, feature: str) -> Envelope:
        """The answer to work the tier in force switches off: 503 + ``Retry-After``, shed, counted as skipped."""
        self.skip(feature)
        tier, wait = self.control.tier.value, self.retry_after_s
        body = {
            "error": f"{self.service}: {feature} is off at degradation tier {tier}; retry after {wait} s",
            "status": "refused",
            "feature": feature,
            "tier": tier,
            "retry_after_s": wait,
        }
        return Envelope(503, body, {"Retry-After": str(wait)}, shed=True)

    def apply_faults(self, board: dict[str, Any]) -> dict[str, Any]:
        """A pushed fault board (``DeploymentHandle.broadcast``); older or equal versions change nothing."""
        try:
            applied = self._take_board(board)
        except InvalidInputError as exc:
            return {**self._ids(), "version": self.control.board.version, "applied": False, "error": str(exc)}
        self.metrics.fault_version(self.control.board.version)
        return {**self._ids(), "version": self.control.board.version, "applied": applied}

    def _take_board(self, board: Any) -> bool:
        applied = self.control.apply_board(board)
        if applied:
            self.board_applied_at = self.clock.now()
        return applied

    def whoami(self) -> dict[str, Any]:
        return {
            **self._ids(),
            "service": self.service,
            "actor_name": self.identity.actor_name,
            "pid": self.identity.pid,
            "fault_version": self.control.board.version,
            "fault_applied_at": self.board_applied_at,
        }

    def health(self) -> dict[str, Any]:
        now = self.clock.now()
        recent_rate = sum(1 for ok in self._recent if not ok) / len(self._recent) if self._recent else 0.0
        live = self.control.live_faults(self.service, now)
        return {
            "service": self.service,
            "status": "degraded" if recent_rate >= FAILING_RATE or live else "healthy",
            "failing": recent_rate >= FAILING_RATE or self.control.failing_faults(self.service, now) > 0,
            "replica_id": self.identity.replica_id,
            "pid": self.identity.pid,
            "uptime_s": round(now - self.started_at, 3),
            "requests": self.requests,
            "errors": self.errors,
            "synthetic_requests": self.synthetic_requests,
            "shed_requests": self.shed_requests,
            "error_rate": round(self.errors / self.requests, 4) if self.requests else 0.0,
            "recent_error_rate": round(recent_rate, 4),
            "memory_mb": memory_mb(),
            "fault_version": self.control.board.version,
            "active_faults": live,
            "control_version": self.control.control_version,
            "decisions_version": self.control.decisions_version,
            "edges": {g.edge: g.breaker.state.value for g in self.guards.values()},
            "ticks": self.ticks,
            "bare_data_plane": self.settings.bare_data_plane,
            "applied": self.applied(),
            "skipped": dict(self.skipped),
        }

    def skip(self, what: str) -> None:
        """Count one piece of optional work this replica did not do (``what``: the tier feature or flag)."""
        if not is_synthetic():
            self.skipped[what] = self.skipped.get(what, 0) + 1

    def applied(self) -> dict[str, Any]:
        """The control state this replica acts on now: tier (and what it switches off here), flags, weights."""
        c = self.control
        return {
            "service": self.service,
            "replica_id": self.identity.replica_id,
            "tier": c.tier.value,
            "disabled_features": list(switched_off(c.tier, self.service)),
            "control_version": c.control_version,
            "flags": dict(c.flags),
            "traffic": dict(c.traffic),
            "fault_version": c.board.version,
            "decisions_version": c.decisions_version,
            "skipped": dict(self.skipped),
            "at": self.clock.now(),
        }

    def start(self) -> bool:
        """Start the tick loop on the running event loop (once); False when there is none yet."""
        if self._task is not None and not self._task.done():
            return True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        self._task = loop.create_task(self._loop(), name=f"aref-tick-{self.service}")
        return True

    def ensure_started(self) -> None:
        """Start the tick loop if this runtime starts it by itself (``autostart``, the default)."""
        if self._autostart:
            self.start()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def tick(self) -> None:
        """One control-plane round; every step survives a missing or failing actor."""
        self._pending_telemetry.append(to_record(self.telemetry.flush(self.clock.now())))
        del self._pending_telemetry[:-MAX_PENDING_TELEMETRY]
        if await self._quiet(self._link.push_telemetry(list(self._pending_telemetry)), "push telemetry"):
            self._pending_telemetry.clear()
        for guard in self.guards.values():
            report = guard.drain_report()
            if report is not None:
                self._pending_reports.append(to_record(report))
        del self._pending_reports[:-MAX_PENDING_REPORTS]
        if self._pending_reports:
            sent = await self._quiet(self._link.push_reports(list(self._pending_reports)), "push breaker reports")
            if sent:
                self._pending_reports.clear()
        board, decisions, control = await asyncio.gather(
            self._quiet(self._link.board(self.service), "pull fault board"),
            self._quiet(self._link.decisions_since(self.control.decisions_version), "pull breaker decisions"),
            self._quiet(self._link.control_for(self.service), "pull flags and traffic"),
        )
        self._apply(board, decisions, control)
        await self._push_applied()
        self.ticks += 1

    async def _push_applied(self) -> None:
        """Send the applied state when it changed, or when absorption last heard it ``APPLIED_REFRESH_S`` ago."""
        record, now = self.applied(), self.clock.now()
        state = {k: v for k, v in record.items() if k != "at"}
        last = self._applied_sent
        if last is not None and last[0] == state and now - last[1] < APPLIED_REFRESH_S:
            return
        if await self._quiet(self._link.push_applied(record), "push applied control state"):
            self._applied_sent = (state, now)

    def _apply(self, board: Any, decisions: Any, control: Any) -> None:
        try:
            if board is not None:
                self._take_board(board)
                self.metrics.fault_version(self.control.board.version)
            if decisions is not None:
                for edge, decision in self.control.apply_decisions(decisions).items():
                    guard = self.guards.get(edge.partition("->")[2])
                    if guard is not None and guard.edge == edge:
                        guard.apply_decision(decision)
                self.control.apply_tier(self.service, decisions)
            if control is not None:
                self.control.apply_control(control)
        except InvalidInputError as exc:
            log.warning("%s: ignoring malformed control state: %s", self.service, exc)
        for guard in self.guards.values():
            self.metrics.breaker(guard.edge, guard.breaker.state)

    async def _quiet(self, call: Coroutine[Any, Any, T], what: str) -> T | None:
        try:
            return await call
        except Exception as exc:
            log.warning("%s: %s failed (%s: %s); keeping the cached state", self.service, what, type(exc).__name__, exc)
            return None

    async def _loop(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:
                log.exception("%s: tick failed", self.service)
            await asyncio.sleep(self.settings.tick_seconds)

    def _record(self, op: str, status: int, latency_s: float, *, shed: bool = False) -> None:
        if is_synthetic():
            self.synthetic_requests += 1
            return
        if shed:
            self.shed_requests += 1
            self.metrics.request(op, status, latency_s)
            return
        ok = status < 500
        self.requests += 1
        self.errors += 0 if ok else 1
        self._recent.append(ok)
        self.telemetry.record(latency_s * 1000.0, ok)
        if self.control.flag_on(self.service, "analytics"):
            self.metrics.request(op, status, latency_s)
        else:
            self.skip("analytics")

    def _ids(self) -> dict[str, Any]:
        return {"replica_id": self.identity.replica_id}
