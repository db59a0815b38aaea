"""What each runbook action does on the running system, and how each verify condition is read.

Every action acts through a port and then measures its effect (the ``check`` of its step):

- ``diagnostics.snapshot``: telemetry, alerts and every service's replica ids, stored with the
  incident's correlation id (collection ``diagnostics``), read back.
- ``diagnostics.correlate_changes``: the service's adaptations and recovery control changes in the last hour.
- ``adaptation.shed_load``: every enabled non-critical flag of the service off; ``set_flag``;
  ``restore_flags`` (the flags this recovery changed, set back); ``shift_traffic`` (explicit
  ``weights``, or off the primary route onto the others); ``scale`` (``replicas`` or ``delta``, then waits
  until that many run). Each read back from adaptation's control state or replica counts.
- ``adaptation.restart_unhealthy``: replicas whose requests fail or hang (``ReplicaHealth.failing``;
  one only slow is left serving) are killed one at a time, each time waiting until Serve's
  replacement serves (the killed id gone, the count back); the check lists the ids before and after.
- ``absorption.set_degradation``: pins the service's degradation tier to ``level`` unless it is
  already at that tier or a more severe one (``full`` lifts recovery's pin), read back from the
  tier absorption pushes to the replicas.
- ``notify.page``, ``notify.status_page``: one critical message through notifications; its answer
  (a message the service shed or failed is a failed step).
- ``remediation.rollback_last_change``: recovery's newest control change undone; ``incident.declare``:
  the incident record read back from the store.

Control changes are kept in a ``ChangeJournal`` (``recovery_changes``) for rollback; conditions: ``recovery_checks``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aref.clock import Clock
from aref.control.pillars.recovery_changes import ChangeJournal, ControlChange
from aref.control.pillars.recovery_runner import Action, Outcome, Then
from aref.control.ports import Notifier, Peers, ReplicaFleet
from aref.errors import InvalidInputError
from aref.events import new_id
from aref.models import Incident
from aref.records import json_ready, to_record
from aref.recovery.step_kinds import StepContext, StepResult
from aref.store import Collection, Store

DIAGNOSTICS, CORRELATE_WINDOW_S = "diagnostics", 3600.0  # the snapshots' collection; correlate_changes' look-back


def service_of(params: Mapping[str, Any], context: StepContext) -> str:
    """The service a step acts on: its ``service`` param, else the recovery's."""
    return str(params.get("service") or context.service)


class RecoveryActions:
    """The actions and conditions of a live recovery over its ports."""

    def __init__(
        self,
        clock: Clock,
        store: Store,
        peers: Peers,
        fleet: ReplicaFleet,
        notifier: Notifier,
        incident_of: Callable[[str], Incident],
    ) -> None:
        self._clock = clock
        self._store = store
        self._peers = peers
        self._fleet = fleet
        self._notifier = notifier
        self._incident_of = incident_of
        self.journal = ChangeJournal(store)

    def actions(self) -> dict[str, Action]:
        return {
            "diagnostics.snapshot": self.snapshot,
            "diagnostics.correlate_changes": self.correlate_changes,
            "adaptation.shed_load": self.shed_load,
            "adaptation.set_flag": self.set_flag,
            "adaptation.restore_flags": self.restore_flags,
            "adaptation.shift_traffic": self.shift_traffic,
            "adaptation.scale": self.scale,
            "adaptation.restart_unhealthy": self.restart_unhealthy,
            "absorption.set_degradation": self.set_degradation,
            "notify.page": self.page,
            "notify.status_page": self.status_page,
            "remediation.rollback_last_change": self.rollback_last_change,
            "incident.declare": self.declare,
        }

    # -- diagnostics ------------------------------------------------------------------------

    async def snapshot(self, params: Mapping[str, Any], context: StepContext) -> Outcome:
        detection = self._peers.detection()
        samples = await detection.latest_samples()
        active, _ = await detection.alerts()
        counts = await self._peers.adaptation().replica_counts(True)
        snapshot_id = new_id("DGN")
        record = {
            "id": snapshot_id,
            "at": self._clock.now(),
            "recovery_id": context.recovery_id,
            "correlation_id": context.correlation_id,
            "service": context.service,
            "telemetry": {s: to_record(sample) for s, sample in samples.items()},
            "alerts": [to_record(a) for a in active],
            "replica_ids": {s: list(c.replica_ids) for s, c in counts.items()},
        }
        self._store.put(DIAGNOSTICS, snapshot_id, json_ready(record))
        back = self._store.get(DIAGNOSTICS, snapshot_id) or {}
        ids = sum(len(v) for v in back.get("replica_ids", {}).values())
        return StepResult.done(
            f"snapshot {snapshot_id}: telemetry of {len(samples)} services, {len(active)} active alerts,"
            f" replica ids of {len(counts)} services",
            f"stored with correlation {context.correlation_id}; read back {len(back.get('telemetry', {}))} services'"
            f" telemetry, {len(back.get('alerts', []))} alerts, {ids} replica ids",
            {"snapshot_id": snapshot_id, "replica_ids": back.get("replica_ids", {})},
        )

    async def correlate_changes(self, params: Mapping[str, Any], context: StepContext) -> Outcome:
        service = service_of(params, context)
        since = self._clock.now() - CORRELATE_WINDOW_S
        status = await self._peers.adaptation().status()
        adaptations = [
            a for a in status.get("adaptations", []) if a.get("service") == service and float(a.get("at", 0)) >= since
        ]
        mine = [c for c in self.journal.changes if c.at >= since]
        names = [f"{a.get('strategy')} ({a.get('trigger')})" for a in adaptations[-5:]]
        return StepResult.done(
            f"{len(adaptations)} adaptations of {service} and {len(mine)} recovery control changes in the last hour",
            "recent adaptations: " + (", ".join(names) if names else "none"),
            {"adaptations": [a.get("id") for a in adaptations], "changes": [c.id for c in mine]},
        )

    # -- adaptation controls ------------------------------------------------------------------

    async def _flags_of(self, service: str) -> dict[str, bool]:
        return dict((await self._peers.adaptation().control_for(service))["flags"])

    async def _set_flag(self, context: StepContext, name: str, enabled: bool) -> str:
        flag = await self._peers.adaptation().toggle_flag(name, enabled)
        self.journal.add(
            ControlChange(new_id("CHG"), self._clock.now(), context.recovery_id, "flag", name, not enabled, enabled)
        )
        return flag.service

    async def shed_load(self, params: Mapping[str, Any], context: StepContext) -> Outcome:
        service = service_of(params, context)
        flags = (await self._peers.adaptation().status()).get("flags", {})
        optional = sorted(n for n, f in flags.items() if f.get("service") == service and not f.get("critical"))
        shed = [name for name in optional if flags[name].get("enabled")]
        if not optional:
            return StepResult.failed(f"{service} has no non-critical flag to shed")
        if not shed:
            now = await self._flags_of(service)
            off = [n for n in optional if now.get(n) is False]
            return (StepResult.done if off == optional else StepResult.failed)(
                f"non-critical flags of {service} were already off: nothing left to shed",
                f"{service} control state reads {', '.join(off)} off",
                {"flags_off": off, "turned_off": []},
            )
        for name in shed:
            await self._set_flag(context, name, False)
        now = await self._flags_of(service)
        still_on = [n for n in shed if now.get(n)]
        check = f"{service} control state reads {', '.join(shed)} off" if not still_on else f"still on: {still_on}"
        result = StepResult.done if not still_on else StepResult.failed
        evidence = {"flags_off": shed, "turned_off": shed}
        return result(f"turned off non-critical flags of {service}: {', '.join(shed)}", check, evidence)

    async def set_flag(self, params: Mapping[str, Any], context: StepContext) -> Outcome:
        name = str(params.get("flag", ""))
        enabled = bool(params.get("enabled", False))
        service = await self._set_flag(context, name, enabled)
        read = (await self._flags_of(service)).get(name)
        result = StepResult.done if read == enabled else StepResult.failed
        return result(f"flag {name} set {'on' if enabled else 'off'}", f"{service} control state reads {name}={read}")

    async def restore_flags(self, params: Mapping[str, Any], context: StepContext) -> Outcome:
        changed = [c for c in self.journal.changes if c.recovery_id == context.recovery_id and c.kind == "flag"]
        if not changed:
            return StepResult.failed("this recovery changed no flag: nothing to restore")
        originals: dict[str, bool] = {}
        for change in changed:
            originals.setdefault(change.target, bool(change.before))
        services = set()
        for name, enabled in originals.items():
            services.add(await self._set_flag(context, name, enabled))
        read = {n: v for s in services for n, v in (await self._flags_of(s)).items() if n in originals}
        ok = read == originals
        return (StepResult.done if ok else StepResult.failed)(
            f"restored {len(originals)} flags this recovery changed", f"control state reads {read}", {"flags": read}
        )

    async def shift_traffic(self, params: Mapping[str, Any], context: StepContext) -> Outcome:
        service = service_of(params, context)
        adaptation = self._peers.adaptation()
        current = dict((await adaptation.control_for(service))["traffic"])
        weights = params.get("weights")
        if not isinstance(weights, Mapping):
            if len(current) < 2:
                return StepResult.failed(f"{service} has no alternative route to shift to")
            primary, *others = list(current)
            if current[primary] == 0:
                return StepResult.done(
                    f"{service} already sends nothing to its primary route {primary}: left as it is",
                    f"{service} control state reads {current}",
                    {"weights": current},
                )
            weights = {r: 100 // len(others) + (100 % len(others) if i == 0 else 0) for i, r in enumerate(others)}
            weights[primary] = 0
        applied = await adaptation.set_weights(service, {str(k): int(v) for k, v in weights.items()})
        self.journal.add(
            ControlChange(new_id("CHG"), self._clock.now(), context.recovery_id, "weights", service, current, applied)
        )
        read = dict((await adaptation.control_for(service))["traffic"])
        return (StepResult.done if read == dict(applied) else StepResult.failed)(
            f"{service} traffic {current} -> {dict(applied)}",
            f"{service} control state reads {read}",
            {"weights": read},
        )

    async def scale(self, params: Mapping[str, Any], context: StepContext) -> Outcome:
        service = service_of(params, context)
        adaptation = self._peers.adaptation()
        count = (await adaptation.replica_counts(True)).get(service)
        before = count.target if count is not None else 0
        desired = int(params["replicas"]) if "replicas" in params else before + int(params.get("delta", 1))
        await adaptation.scale(service, desired)
        self.journal.add(
            ControlChange(new_id("CHG"), self._clock.now(), context.recovery_id, "scale", service, before, desired)
        )
        return await self._running(service, before, desired)

    async def _running(self, service: str, before: int, desired: int) -> Outcome:
        count = (await self._peers.adaptation().replica_counts(True)).get(service)
        running = count.running if count is not None else 0
        evidence = {"before": before, "target": desired, "running": running}
        if running >= desired:
            ids = list(count.replica_ids) if count is not None else []
            return StepResult.done(f"{service} scaled {before} -> {desired}", f"{running} running: {ids}", evidence)
        return Then(
            f"{service} scaled {before} -> {desired}; {running} running",
            lambda: self._running(service, before, desired),
        )

    async def set_degradation(self, params: Mapping[str, Any], context: StepContext) -> Outcome:
        service = service_of(params, context)
        level = str(params.get("level", "minimal"))
        absorption = self._peers.absorption()
        before = (await absorption.tiers()).get(service)
        ranks = ("full", "reduced", "minimal", "emergency")
        if level not in ranks or before is None:
            return StepResult.failed(f"cannot set {service} to tier {level!r} (known: {', '.join(ranks)})")
        if level != "full" and ranks.index(before) >= ranks.index(level):
            return StepResult.done(
                f"{service} already at tier {before}, at least {level}: left as it is",
                f"absorption pushes tier {before} for {service}",
                {"tier": before},
            )
        pinned = await self._pinned(service)
        await absorption.set_tier(service, None if level == "full" else level, f"recovery {context.recovery_id}")
        self.journal.add(
            ControlChange(new_id("CHG"), self._clock.now(), context.recovery_id, "tier", service, pinned, level)
        )
        read = (await absorption.tiers()).get(service)
        ok = level == "full" or read == level
        return (StepResult.done if ok else StepResult.failed)(
            f"{service} tier {before} -> {level}", f"absorption pushes tier {read} for {service}", {"tier": read}
        )

    async def _pinned(self, service: str) -> str | None:
        pins = (await self._peers.absorption().status()).get("pinned_tiers", {})
        return str(pins[service]) if service in pins else None

    async def undo_recovery(self, recovery_id: str, *, weights: bool = False) -> list[str]:
        """Set back each flag, tier pin, replica target and (``weights``: a drill) traffic weight ``recovery_id``
        changed, once, to its value before its first change (no flapping), newest first."""
        undone = []
        mine = [c for c in self.journal.changes if c.recovery_id == recovery_id and not c.undone]
        first = {(c.kind, c.target): c for c in reversed(mine)}
        for change in reversed(mine):
            if change.kind == "weights" and not weights:
                continue  # a recovery leaves them: the route it shifted away from may still fail
            if first[(change.kind, change.target)] is not change:
                pass  # a later change of the same target: set back from its first change
            elif change.kind == "flag":
                await self._peers.adaptation().toggle_flag(change.target, bool(change.before))
            elif change.kind == "tier":
                await self._peers.absorption().set_tier(
                    change.target, change.before, f"recovery {recovery_id} resolved"
                )
            elif change.kind == "weights":
                await self._peers.adaptation().set_weights(change.target, dict(change.before))
            else:
                await self._peers.adaptation().scale(change.target, int(change.before))
            self.journal.undone(change)
            undone.append(change.id)
        return undone

    # -- replicas --------------------------------------------------------------------------------

    async def restart_unhealthy(self, params: Mapping[str, Any], context: StepContext) -> Outcome:
        service = service_of(params, context)
        health = await self._fleet.health(service)
        before = sorted(h.replica.replica_id for h in health)
        unhealthy = [h.replica for h in health if h.failing]
        if not unhealthy:
            slow = sorted(h.replica.replica_id for h in health if not h.healthy)
            return StepResult.done(
                f"no replica of {service} reports itself unhealthy and failing: none restarted"
                + (f" ({len(slow)} degraded but answering: a restart would only drop their requests)" if slow else ""),
                f"{len(before)} replicas serving: {before}",
                {"before": before, "killed": [], "after": before, "degraded": slow},
            )
        return await self._kill_next(service, before, [r.replica_id for r in unhealthy], unhealthy, [])

    async def _kill_next(
        self, service: str, before: list[str], unhealthy: list[str], left: list[Any], killed: list[str]
    ) -> Outcome:
        replica, rest = left[0], left[1:]
        if await self._fleet.kill(replica):
            killed = [*killed, replica.replica_id]
        return await self._replaced(service, before, unhealthy, rest, killed)

    async def _replaced(
        self, service: str, before: list[str], unhealthy: list[str], left: list[Any], killed: list[str]
    ) -> Outcome:
        live = sorted(r.replica_id for r in await self._fleet.live(service))
        evidence = {"before": before, "unhealthy": unhealthy, "killed": killed, "after": live}
        if any(k in live for k in killed) or len(live) < len(before):
            return Then(
                f"killed {killed}; waiting for Serve's replacements ({len(live)} of {len(before)} serving)",
                lambda: self._replaced(service, before, unhealthy, left, killed),
                evidence,
            )
        if left:
            return await self._kill_next(service, before, unhealthy, left, killed)
        return StepResult.done(
            f"killed {len(killed)} unhealthy replicas of {service} one at a time: {killed}",
            f"{len(live)} replicas serve {service}, none of them a killed one: {live}",
            evidence,
        )

    # -- people and records ------------------------------------------------------------------------

    async def _notify(self, channel: str, recipient: str, message: str, priority: str) -> Outcome:
        reply = await self._notifier.notify(channel, recipient, message, priority)
        code = int(reply.get("status", 0))
        body = reply.get("body") or {}
        said = f"notifications answered {code}" + (f", message {body.get('id')} {body.get('status')}" if body else "")
        evidence = {"status": code, "notification_id": body.get("id"), "channel": channel, "recipient": recipient}
        sent = 200 <= code < 300 and body.get("status") not in ("shed", "failed")
        result = StepResult.done if sent else StepResult.failed
        return result(f"{channel} to {recipient}: {message}", said, evidence)

    async def page(self, params: Mapping[str, Any], context: StepContext) -> Outcome:
        team = str(params.get("team") or f"{context.service}-oncall")
        summary = str(params.get("summary") or f"{context.tier.name} recovery of {context.service} running")
        return await self._notify("sms", team, f"[AREF {context.tier.name}] {context.service}: {summary}", "critical")

    async def status_page(self, params: Mapping[str, Any], context: StepContext) -> Outcome:
        component = str(params.get("component") or context.service)
        state = str(params.get("state") or "degraded")
        message = str(params.get("message") or f"{component} is {state}; we are working on it.")
        recipient = f"https://status.aref.invalid/components/{component}"
        return await self._notify("webhook", recipient, f"{component}: {state}. {message}", "critical")

    async def rollback_last_change(self, params: Mapping[str, Any], context: StepContext) -> Outcome:
        change = self.journal.last()
        if change is None:
            return StepResult.failed("recovery made no control change to roll back")
        adaptation = self._peers.adaptation()
        if change.kind == "flag":
            service = (await adaptation.toggle_flag(change.target, bool(change.before))).service
            read: Any = (await self._flags_of(service)).get(change.target)
        elif change.kind == "weights":
            await adaptation.set_weights(change.target, dict(change.before))
            read = dict((await adaptation.control_for(change.target))["traffic"])
        elif change.kind == "tier":
            await self._peers.absorption().set_tier(change.target, change.before, "rolled back by recovery")
            read = await self._pinned(change.target)
        elif change.kind == "scale":
            await adaptation.scale(change.target, int(change.before))
            count = (await adaptation.replica_counts(True)).get(change.target)
            read = count.target if count is not None else None
        else:
            raise InvalidInputError("change.kind", f"unknown control change {change.kind!r}")
        self.journal.undone(change)
        return (StepResult.done if read == change.before else StepResult.failed)(
            f"undid {change.kind} change {change.id} of {change.target}: {change.after} -> {change.before}",
            f"{change.target} reads {read}",
            {"change_id": change.id},
        )

    async def declare(self, params: Mapping[str, Any], context: StepContext) -> Outcome:
        incident = self._incident_of(context.recovery_id)
        stored = self._store.get(Collection.INCIDENTS, incident.id)
        check = f"incident record {incident.id} stored, status {stored['status']}" if stored else "not stored"
        return (StepResult.done if stored else StepResult.failed)(
            f"incident {incident.id} declared: {incident.title} ({incident.severity.value})",
            check,
            {"incident_id": incident.id},
        )
