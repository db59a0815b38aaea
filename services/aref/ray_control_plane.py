"""RayControlPlane: the dashboard's ``ControlPlane`` answered by the pillar actors.

Each method gathers the actor state it needs (concurrently) and builds the same views the
in-memory control plane builds, with the shared functions of ``aref.dashboard``. Replica counts
are Serve's real ones, read by the adaptation actor. The background load is the ``loadgen``
actor's: ``start_load`` creates it when missing (as ``RayLoadGenerator`` does); a status or a
stop without it is the idle view, and creates nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from actors.client import actor, unwrap
from actors.loadgen_actor import LOADGEN, ensure_loadgen
from actors.options import ABSORPTION, ADAPTATION, CHAOS, DETECTION, EVOLUTION, RECOVERY, TIMELINE
from aref.clock import Clock, SystemClock
from aref.config import ArefSettings
from aref.control.wire import (
    AlertsView,
    AlertView,
    ChaosStatusView,
    ChaosStopView,
    ExperimentsView,
    FaultView,
    FlagView,
    LoadRecordView,
    LoadView,
    MaturityView,
    MetricsView,
    ReplicaView,
    SeededView,
    ServicesView,
    StatusView,
    TelemetryView,
    TimelineView,
    TrafficView,
)
from aref.dashboard import runs as run_records
from aref.dashboard.experiments import ExperimentRegistry, seed_registry
from aref.dashboard.facts import PillarStatuses, automated_tiers, maturity_view
from aref.dashboard.load import check_after, idle_view
from aref.dashboard.measures import measured_incidents, metrics_view
from aref.dashboard.timeline import check_limit, timeline_view
from aref.dashboard.views import (
    alert_view,
    alerts_view,
    choose_profile,
    experiment_view,
    fault_view,
    replica_bounds,
    service_view,
    status_view,
    telemetry_view,
)
from aref.errors import NotFoundError
from aref.events import Event
from aref.evolution.demo_history import check_count
from aref.models import HealthSample, Incident
from aref.records import from_record, json_ready, to_record
from aref.recovery.defaults import configured_runbooks
from aref.scoring import RiskProfile
from aref.topology import DEMO_TOPOLOGY, SERVICES
from chaos.faults import ActiveFault, FaultSpec
from chaos.loadgen import TrafficPlan
from chaos.loadgen_http import ORDERS_URL

PILLARS = (DETECTION, ABSORPTION, ADAPTATION, RECOVERY, EVOLUTION)
STOP_REASON = "stopped by request"


async def _call(name: str, method: str, *args: Any, **kwargs: Any) -> Any:
    return await getattr(actor(name), method).remote(*args, **kwargs)


async def _call_loadgen(method: str, *args: Any, create: bool = False) -> Any:
    """Call the ``loadgen`` actor; ``create`` makes it when missing, else a missing one is ``NotFoundError``."""
    handle = ensure_loadgen() if create else actor(LOADGEN)
    return await getattr(handle, method).remote(*args)


class RayControlPlane:
    def __init__(
        self, settings: ArefSettings, *, experiments: ExperimentRegistry | None = None, clock: Clock | None = None
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.experiments = experiments or seed_registry()
        self._automated = automated_tiers(configured_runbooks(settings.recovery))

    # -- gathering ----------------------------------------------------------------------------

    async def _statuses(self) -> PillarStatuses:
        replies = await asyncio.gather(*(_call(name, "get_status") for name in PILLARS))
        return PillarStatuses(*(r["status"] for r in replies))

    async def _incidents(self, alerts: AlertsView) -> list[Incident]:
        stored = [from_record(Incident, r) for r in await _call(EVOLUTION, "incidents")]
        return measured_incidents(stored, [*alerts["active"], *alerts["recent_resolved"]])

    async def _maturity(self, statuses: PillarStatuses, profile: RiskProfile) -> MaturityView:
        alerts = alerts_view(statuses.detection)
        return maturity_view(
            statuses,
            incidents=await self._incidents(alerts),
            alerts=[*alerts["active"], *alerts["recent_resolved"]],
            topology=DEMO_TOPOLOGY,
            settings=self.settings,
            automated=self._automated,
            profile=profile,
        )

    async def _chaos(self) -> dict[str, Any]:
        reply: dict[str, Any] = await _call(CHAOS, "get_status")
        return reply

    def _faults(self, chaos: Mapping[str, Any]) -> list[FaultView]:
        now, labels, killed = self.clock.now(), chaos["experiments"], _killed(chaos)
        return [
            fault_view(
                from_record(ActiveFault, r),
                now,
                experiment=labels.get(r["id"]),
                replicas_killed=killed.get(r["id"], ()),
            )
            for r in chaos["status"]["active"]
        ]

    async def _replicas(self) -> dict[str, dict[str, Any]]:
        counts: dict[str, dict[str, Any]] = await _call(ADAPTATION, "replica_counts")
        return counts

    # -- the ControlPlane protocol ----------------------------------------------------------

    async def status(self) -> StatusView:
        statuses, chaos = await asyncio.gather(self._statuses(), self._chaos())
        profile = self.settings.risk_profile
        return status_view(
            maturity=await self._maturity(statuses, profile),
            risk_profile=profile.value,
            active_alerts=alerts_view(statuses.detection)["active"],
            active_recoveries=len(statuses.recovery.get("active", [])),
            faults=self._faults(chaos),
            at=self.clock.now(),
        )

    async def services(self) -> ServicesView:
        detection, absorption, chaos, replicas = await asyncio.gather(
            _call(DETECTION, "get_status"), _call(ABSORPTION, "get_status"), self._chaos(), self._replicas()
        )
        active = alerts_view(detection["status"])["active"]
        degradation = json_ready(absorption["status"]["degradation"])
        faults = self._faults(chaos)
        samples = detection.get("latest_samples", {})
        views = []
        for name in SERVICES:
            count = replicas.get(name, {})
            sample = samples.get(name)
            views.append(
                service_view(
                    name,
                    topology=DEMO_TOPOLOGY,
                    replicas={
                        "running": int(count.get("running", 0)),
                        "target": int(count.get("target", 0)),
                        "running_ids": [str(r) for r in count.get("replica_ids", ())],
                    },
                    degradation_tier=degradation[name]["tier"] if name in degradation else None,
                    open_alerts=[a for a in active if a["service"] == name],
                    fault_ids=[f["fault_id"] for f in faults if f["service"] == name],
                    telemetry=None if sample is None else _telemetry(sample),
                )
            )
        return {"services": views}

    async def alerts(self) -> AlertsView:
        return alerts_view((await _call(DETECTION, "get_status"))["status"])

    async def ack_alert(self, alert_id: str) -> AlertView:
        return alert_view(unwrap(await _call(DETECTION, "ack", alert_id)))

    async def resolve_alert(self, alert_id: str) -> AlertView:
        return alert_view(unwrap(await _call(DETECTION, "resolve", alert_id)))

    async def timeline(
        self,
        *,
        category: str | None = None,
        severity: str | None = None,
        correlation_id: str | None = None,
        limit: int = 100,
    ) -> TimelineView:
        check_limit(limit)
        reply = unwrap(
            await _call(
                TIMELINE, "query", category=category, severity=severity, correlation_id=correlation_id, limit=10_000
            )
        )
        events = [Event.from_dict(e) for e in reply["events"]]
        return timeline_view(events, limit=limit, retained=int(reply["summary"]["total"]))

    async def detection(self) -> dict[str, Any]:
        return await self._pillar(DETECTION)

    async def absorption(self) -> dict[str, Any]:
        return await self._pillar(ABSORPTION)

    async def adaptation(self) -> dict[str, Any]:
        status, replicas = await asyncio.gather(_call(ADAPTATION, "get_status"), self._replicas())
        counts = {
            s: {"running": c["running"], "target": c["target"], "running_ids": list(c.get("replica_ids", ()))}
            for s, c in replicas.items()
            if s in SERVICES
        }
        return dict(json_ready({**status["status"], "replicas": counts}))

    async def recovery(self) -> dict[str, Any]:
        return await self._pillar(RECOVERY)

    async def evolution(self) -> dict[str, Any]:
        return await self._pillar(EVOLUTION)

    async def _pillar(self, name: str) -> dict[str, Any]:
        return dict(json_ready((await _call(name, "get_status"))["status"]))

    async def maturity(self, profile: str | None = None) -> MaturityView:
        return await self._maturity(await self._statuses(), choose_profile(profile, self.settings.risk_profile))

    async def metrics(self) -> MetricsView:
        statuses = await self._statuses()
        assessment = await self._maturity(statuses, self.settings.risk_profile)
        view = metrics_view(
            incidents=await self._incidents(alerts_view(statuses.detection)),
            detection_status=statuses.detection,
            crs_by_profile=assessment["crs_by_profile"],
            settings=self.settings,
            at=self.clock.now(),
        )
        result: MetricsView = json_ready(view)
        return result

    async def chaos_experiments(self) -> ExperimentsView:
        running = {f["experiment"] for f in self._faults(await self._chaos())}
        return {"experiments": [experiment_view(e, e.name in running) for e in self.experiments]}

    async def start_experiment(self, name: str) -> FaultView:
        experiment = self.experiments.get(name)
        return await self._inject(experiment.fault, experiment.name)

    async def inject_fault(
        self,
        service: str,
        fault_type: str,
        rate: float,
        duration_s: float,
        delay_ms: float | None = None,
        label: str | None = None,
    ) -> FaultView:
        if service not in SERVICES:
            raise NotFoundError("service", service)
        return await self._inject(FaultSpec.build(service, fault_type, rate, duration_s, delay_ms), label)

    async def _inject(self, spec: FaultSpec, experiment: str | None) -> FaultView:
        reply = unwrap(await _call(CHAOS, "inject", to_record(spec), experiment=experiment))
        fault = from_record(ActiveFault, reply["fault"])
        return fault_view(fault, self.clock.now(), experiment=experiment, replicas_killed=reply["replicas_killed"])

    async def stop_chaos(self) -> ChaosStopView:
        chaos = await self._chaos()
        active = {f["fault_id"]: f for f in self._faults(chaos)}
        stopped = unwrap(await _call(CHAOS, "stop_all"))["stopped"]
        now = self.clock.now()
        views: list[FaultView] = []
        for fid in stopped:
            if fid in active:
                views.append({**active[fid], "state": "rolled_back", "ended_at": now, "end_reason": STOP_REASON})
        return {"stopped": views}

    async def stop_fault(self, fault_id: str) -> FaultView:
        labels = (await self._chaos())["experiments"]  # read before the fault leaves the board
        stopped = unwrap(await _call(CHAOS, "stop", fault_id, STOP_REASON))
        now = self.clock.now()
        fault = from_record(ActiveFault, stopped)
        return fault_view(fault, now, experiment=labels.get(fault_id), ended_at=now, end_reason=STOP_REASON)

    async def save_run(self, record: Mapping[str, Any]) -> dict[str, Any]:
        run_records.run_id(record)  # a record without an id is refused before the actor is asked
        saved: dict[str, Any] = unwrap(await _call(CHAOS, "save_run", dict(record)))
        return saved

    async def runs(self, limit: int = run_records.DEFAULT_LIMIT) -> list[dict[str, Any]]:
        check_limit(limit)
        found: list[dict[str, Any]] = await _call(CHAOS, "runs", limit)
        return found

    async def chaos_status(self) -> ChaosStatusView:
        chaos = await self._chaos()
        now, labels, killed = self.clock.now(), chaos["experiments"], _killed(chaos)
        recent = [
            fault_view(
                from_record(ActiveFault, r),
                now,
                experiment=labels.get(r["id"]),
                ended_at=r["rolled_back_at"],
                end_reason=r["reason"],
                replicas_killed=killed.get(r["id"], ()),
            )
            for r in chaos["status"]["history"]
        ]
        return {"version": int(chaos["status"]["version"]), "active": self._faults(chaos), "recent": recent}

    async def scale(self, service: str, replicas: int) -> ReplicaView:
        if service not in SERVICES:
            raise NotFoundError("service", service)
        low, high = replica_bounds(replicas, self.settings.adaptation)
        unwrap(await _call(ADAPTATION, "scale", service, replicas))
        count = (await _call(ADAPTATION, "replica_counts", refresh=True)).get(service, {})
        return {
            "service": service,
            "running": int(count.get("running", 0)),
            "target": replicas,
            "min": low,
            "max": high,
        }

    async def set_flag(self, name: str, enabled: bool) -> FlagView:
        flag = unwrap(await _call(ADAPTATION, "toggle_flag", name, enabled))
        view: FlagView = json_ready({"name": name, **flag})
        return view

    async def set_traffic(self, service: str, weights: Mapping[str, int]) -> TrafficView:
        applied = unwrap(await _call(ADAPTATION, "set_weights", service, dict(weights)))
        return {"service": service, "weights": applied}

    async def seed(self, incidents: int) -> SeededView:
        check_count(incidents)  # a bad count is refused before the actor is asked
        reply: SeededView = unwrap(await _call(EVOLUTION, "seed", incidents))
        return reply

    async def load_status(self) -> LoadView:
        return await self._existing_loadgen("status")

    async def start_load(self, plan: TrafficPlan) -> LoadView:
        view: LoadView = unwrap(await _call_loadgen("start", to_record(plan), create=True))
        return view

    async def stop_load(self) -> LoadView:
        return await self._existing_loadgen("stop")

    async def load_record(self, after: int = 0) -> LoadRecordView:
        check_after(after)
        try:
            reply = await _call_loadgen("record", after)
        except NotFoundError:  # never started: no outcomes
            return {"outcomes": [], "next": after, "skipped": 0}
        view: LoadRecordView = unwrap(reply)
        return view

    async def _existing_loadgen(self, method: str) -> LoadView:
        try:
            reply = await _call_loadgen(method)
        except NotFoundError:  # never started here: nothing to show or stop
            return idle_view(ORDERS_URL)
        view: LoadView = unwrap(reply)
        return view


def _telemetry(record: Mapping[str, Any]) -> TelemetryView:
    return telemetry_view(from_record(HealthSample, record))


def _killed(chaos: Mapping[str, Any]) -> dict[str, list[str]]:
    """Fault id -> the replicas its crash killed (from the chaos actor's recent crashes)."""
    return {str(c["fault_id"]): list(c["killed"]) for c in chaos.get("crashes", ())}
