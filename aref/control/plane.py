"""ControlPlane: everything the dashboard API asks of the running framework, written once.

It reaches the pillar services through a ``Transport`` (in-process or Ray) and builds the API's
views (``aref.control.wire``) from their typed answers with the builders of ``aref.control.views``.
Every method is async and returns plain JSON-ready data. Failures are ``aref.errors``:
``NotFoundError`` (unknown service, alert, experiment, flag, fault), ``InvalidInputError`` (a
bad value, naming the field), ``ConflictError`` (not possible now), ``RejectedError``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from aref.absorption.degradation import DegradationTier
from aref.clock import Clock
from aref.config import ArefSettings
from aref.control import runs as run_records
from aref.control.applied_view import applied_view
from aref.control.experiments import ExperimentRegistry, seed_registry
from aref.control.metrics_view import metrics_view
from aref.control.pillars.chaos import FaultRecord
from aref.control.timeline_view import check_limit
from aref.control.transport import Transport
from aref.control.views import (
    alert_view,
    alerts_view,
    choose_profile,
    experiment_view,
    fault_view,
    maturity_view,
    replica_counts,
    service_view,
    status_view,
)
from aref.control.wire import (
    AlertsView,
    AlertView,
    AppliedView,
    ChaosStatusView,
    ChaosStopView,
    ExperimentsView,
    FaultView,
    FlagView,
    LoadRecordView,
    LoadView,
    MaturityView,
    MetricsView,
    RecoveryRunView,
    ReplicaView,
    SeededView,
    ServicesView,
    StatusView,
    TierView,
    TimelineView,
    TrafficView,
)
from aref.detection.alerts import Alert
from aref.errors import NotFoundError
from aref.evolution.demo_history import check_count
from aref.evolution.measured import measured_incidents
from aref.maturity.facts import PillarFacts, automated_tiers
from aref.models import Incident
from aref.records import json_ready, to_record
from aref.recovery.runbook import Runbook
from aref.scoring import RiskProfile
from aref.topology import DEMO_TOPOLOGY, SERVICES, DependencyGraph
from chaos.faults import FaultSpec
from chaos.loadgen import TrafficPlan

STOP_REASON = "stopped by request"
MAX_RUNS = 1000
"""Run records maturity reads (the newest; older ones have decayed long before)."""


@dataclass(frozen=True)
class Evidence:
    """The pillars' facts, the open and recently resolved alerts, the measured incidents and the run records."""

    facts: PillarFacts
    active: list[Alert]
    resolved: list[Alert]
    incidents: list[Incident]
    runs: list[dict[str, Any]]


class ControlPlane:
    def __init__(
        self,
        settings: ArefSettings,
        transport: Transport,
        clock: Clock,
        *,
        runbooks: Sequence[Runbook],
        experiments: ExperimentRegistry | None = None,
        topology: DependencyGraph = DEMO_TOPOLOGY,
        services: Sequence[str] = SERVICES,
    ) -> None:
        self.settings = settings
        self.transport = transport
        self.clock = clock
        self.experiments = seed_registry() if experiments is None else experiments
        self.topology = topology
        self.service_names = tuple(services)
        self._automated = automated_tiers(runbooks)

    # -- gathering ----------------------------------------------------------------------------

    async def _t(self) -> Transport:
        await self.transport.sync()
        return self.transport

    async def _facts(self) -> PillarFacts:
        t = self.transport
        detection, absorption, adaptation, recovery, evolution = await asyncio.gather(
            t.detection.facts(), t.absorption.facts(), t.adaptation.facts(), t.recovery.facts(), t.evolution.facts()
        )
        return PillarFacts(detection, absorption, adaptation, recovery, evolution)

    async def _alerts(self) -> tuple[list[Alert], list[Alert]]:
        return await self.transport.detection.alerts()

    async def _evidence(self) -> Evidence:
        """What the maturity, the status and the metrics rest on, read once per request."""
        facts, (active, resolved), stored, runs = await asyncio.gather(
            self._facts(), self._alerts(), self.transport.evolution.incidents(), self.transport.chaos.runs(MAX_RUNS)
        )
        return Evidence(facts, active, resolved, measured_incidents(stored, [*active, *resolved]), runs)

    def _maturity(self, evidence: Evidence, profile: RiskProfile) -> MaturityView:
        return maturity_view(
            evidence.facts,
            incidents=evidence.incidents,
            alerts=[*evidence.active, *evidence.resolved],
            topology=self.topology,
            settings=self.settings,
            automated=self._automated,
            profile=profile,
            runs=evidence.runs,
            now=self.clock.now(),
        )

    async def _faults(self) -> list[FaultView]:
        now = self.clock.now()
        return [fault_view(f, now) for f in await self.transport.chaos.active()]

    # -- overview -----------------------------------------------------------------------------

    async def status(self) -> StatusView:
        t = await self._t()
        profile = self.settings.risk_profile
        evidence, recoveries, faults = await asyncio.gather(self._evidence(), t.recovery.active_count(), self._faults())
        return status_view(
            maturity=self._maturity(evidence, profile),
            risk_profile=profile.value,
            active_alerts=alerts_view(evidence.active, [])["active"],
            active_recoveries=recoveries,
            faults=faults,
            at=self.clock.now(),
            environment=self.settings.environment,
            runtime=self.transport.runtime,
        )

    async def services(self) -> ServicesView:
        t = await self._t()
        (active, _), tiers, faults, replicas, samples, silent = await asyncio.gather(
            self._alerts(),
            t.absorption.tiers(),
            t.chaos.active(),
            t.adaptation.replica_counts(),
            t.detection.latest_samples(),
            t.detection.silent_services(),
        )
        views = [
            service_view(
                name,
                topology=self.topology,
                replicas=replicas.get(name),
                tier=DegradationTier(tiers[name]) if name in tiers else None,
                open_alerts=[a for a in active if a.service == name],
                fault_ids=[f.fault.id for f in faults if f.fault.spec.service == name],
                telemetry=samples.get(name),
                judged=name not in silent,
            )
            for name in self.service_names
        ]
        return {"services": views}

    # -- alerts and the timeline ---------------------------------------------------------------

    async def alerts(self) -> AlertsView:
        await self._t()
        return alerts_view(*await self._alerts())

    async def ack_alert(self, alert_id: str) -> AlertView:
        return _alert(await (await self._t()).detection.ack(alert_id))

    async def resolve_alert(self, alert_id: str) -> AlertView:
        return _alert(await (await self._t()).detection.resolve(alert_id))

    async def timeline(
        self,
        *,
        category: str | None = None,
        severity: str | None = None,
        correlation_id: str | None = None,
        limit: int = 100,
    ) -> TimelineView:
        """Events newest first, at most ``limit`` (1..1000); filters match exactly."""
        check_limit(limit)
        t = await self._t()
        return await t.timeline.query(category=category, severity=severity, correlation_id=correlation_id, limit=limit)

    # -- pillars --------------------------------------------------------------------------------

    async def detection(self) -> dict[str, Any]:
        return await (await self._t()).detection.status()

    async def absorption(self) -> dict[str, Any]:
        return await (await self._t()).absorption.status()

    async def adaptation(self) -> dict[str, Any]:
        """The engine's status plus ``replicas``: service -> running beside target."""
        t = await self._t()
        status, replicas = await asyncio.gather(t.adaptation.status(), t.adaptation.replica_counts())
        counts = {s: replica_counts(c) for s, c in replicas.items()}
        return {**status, "replicas": counts}

    async def recovery(self) -> dict[str, Any]:
        return await (await self._t()).recovery.status()

    async def drill(
        self, service: str, tiers: Sequence[str], *, runbooks: Sequence[str] = (), dry_run: bool, by: str
    ) -> RecoveryRunView:
        """Start a recovery drill of ``service`` (``RecoveryEngine.drill``)."""
        view = await (await self._t()).recovery.drill(service, tiers, runbooks=runbooks, dry_run=dry_run, by=by)
        return cast(RecoveryRunView, view)

    async def approve(self, recovery_id: str, step: str, by: str) -> RecoveryRunView:
        """Approve the recovery's step that waits for approval."""
        return cast(RecoveryRunView, await (await self._t()).recovery.approve(recovery_id, step, by))

    async def evolution(self) -> dict[str, Any]:
        return await (await self._t()).evolution.status()

    async def maturity(self, profile: str | None = None) -> MaturityView:
        chosen = choose_profile(profile, self.settings.risk_profile)
        await self._t()
        return self._maturity(await self._evidence(), chosen)

    async def metrics(self) -> MetricsView:
        t = await self._t()
        evidence, slos = await asyncio.gather(self._evidence(), t.detection.slos())
        assessment = self._maturity(evidence, self.settings.risk_profile)
        view = metrics_view(
            incidents=evidence.incidents,
            slos=slos,
            crs_by_profile=assessment["crs_by_profile"],
            settings=self.settings,
            at=self.clock.now(),
        )
        result: MetricsView = json_ready(view)
        return result

    # -- chaos ------------------------------------------------------------------------------------

    async def chaos_experiments(self) -> ExperimentsView:
        await self._t()
        running = {f["experiment"] for f in await self._faults()}
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
        provider: str | None = None,
    ) -> FaultView:
        """One ad-hoc fault; ``label`` names the experiment it belongs to (refused while that label runs)."""
        if service not in self.service_names:
            raise NotFoundError("service", service)
        return await self._inject(FaultSpec.build(service, fault_type, rate, duration_s, delay_ms, provider), label)

    async def _inject(self, spec: FaultSpec, experiment: str | None) -> FaultView:
        injected = await (await self._t()).chaos.inject(spec, experiment)
        return fault_view(injected.record, self.clock.now())

    async def stop_chaos(self) -> ChaosStopView:
        stopped = await (await self._t()).chaos.stop_all(STOP_REASON)
        return {"stopped": self._views(stopped)}

    async def stop_fault(self, fault_id: str) -> FaultView:
        """Roll back one active fault now; an unknown or already ended one is ``NotFoundError``."""
        return fault_view(await (await self._t()).chaos.stop(fault_id, STOP_REASON), self.clock.now())

    async def chaos_status(self) -> ChaosStatusView:
        t = await self._t()
        version, active, recent = await asyncio.gather(t.chaos.version(), t.chaos.active(), t.chaos.recent())
        return {"version": version, "active": self._views(active), "recent": self._views(recent)}

    def _views(self, records: Sequence[FaultRecord]) -> list[FaultView]:
        now = self.clock.now()
        return [fault_view(r, now) for r in records]

    async def save_run(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Keep one experiment run record under its ``id``; returns ``{"id": ...}``."""
        run_records.run_id(record)  # refused before any pillar is asked
        return await (await self._t()).chaos.save_run(dict(record))

    async def runs(self, limit: int = run_records.DEFAULT_LIMIT) -> list[dict[str, Any]]:
        """Stored run records, newest first, at most ``limit`` (1..1000)."""
        check_limit(limit)
        return await (await self._t()).chaos.runs(limit)

    # -- controls ---------------------------------------------------------------------------------

    async def scale(self, service: str, replicas: int) -> ReplicaView:
        count = await (await self._t()).adaptation.scale(service, replicas)
        low, high = self.settings.adaptation.min_replicas, self.settings.adaptation.max_replicas
        return {"service": service, "running": count.running, "target": count.target, "min": low, "max": high}

    async def set_flag(self, name: str, enabled: bool) -> FlagView:
        flag = await (await self._t()).adaptation.toggle_flag(name, enabled)
        view: FlagView = json_ready({"name": flag.name, **flag.to_status()})
        return view

    async def set_traffic(self, service: str, weights: Mapping[str, int]) -> TrafficView:
        applied = await (await self._t()).adaptation.set_weights(service, dict(weights))
        return {"service": service, "weights": applied}

    async def set_tier(self, service: str, tier: str | None) -> TierView:
        """Pin ``service``'s degradation tier (None lifts the pin); replicas apply it within a tick."""
        if service not in self.service_names:
            raise NotFoundError("service", service)
        answer = await (await self._t()).absorption.set_tier(service, tier)
        return {"service": service, "tier": str(answer["tier"]), "pinned": bool(answer["pinned"])}

    async def applied_controls(self) -> AppliedView:
        """Each live replica's applied tier, flags and weights beside what the pillars want now."""
        t = await self._t()
        reports, tiers, *controls = await asyncio.gather(
            t.absorption.applied(), t.absorption.tiers(), *(t.adaptation.control_for(s) for s in self.service_names)
        )
        return applied_view(reports, tiers, dict(zip(self.service_names, controls, strict=True)))

    async def seed(self, incidents: int) -> SeededView:
        """Add ``incidents`` (1..100) past, resolved demo incidents, each reviewed by the evolution
        engine with its action items. Only this call loads demo history."""
        check_count(incidents)
        report = await (await self._t()).evolution.seed(incidents)
        return {
            "incidents": report.incidents,
            "reviews": report.reviews,
            "action_items": report.action_items,
            "events": report.events,
        }

    # -- the background load -----------------------------------------------------------------------

    async def load_status(self) -> LoadView:
        return await (await self._t()).loadgen.view()

    async def start_load(self, plan: TrafficPlan) -> LoadView:
        """Start sending orders on ``plan`` with a fresh record; ``ConflictError`` while a load runs."""
        return await (await self._t()).loadgen.start(plan)

    async def stop_load(self) -> LoadView:
        """Stop sending and wait for the answers in flight; stopping when idle changes nothing."""
        return await (await self._t()).loadgen.stop()

    async def load_record(self, after: int = 0) -> LoadRecordView:
        """The current (or last) load's outcomes from position ``after`` on; empty when none ran."""
        return await (await self._t()).loadgen.record(after)


def _alert(alert: Alert) -> AlertView:
    return alert_view(to_record(alert))
