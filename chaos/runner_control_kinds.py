"""Expectations judged on what the controls did: replicas, flags, tiers, provider routing, recovery.

``scaled_out``: Serve's running count of a service rose above its count before the injection.
``flags_disabled``: every named flag is off on every live replica (what the replicas report applying).
``degraded_to``: a service's degradation tier reached the named one (or a deeper one).
``failed_over``: the backup alternative of the target captured at least ``min_share`` of a batch
of at least ``min_payments`` payments while the fault acted (the payments replicas' own
per-provider counters); with ``max_error_rate``, the load generator's order error rate from that
moment to the end of the fault must also stay below it.
``recovery_completed``: a runbook of the named recovery tier finished with every step ``ok``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, field_validator

from aref import topics
from aref.absorption.degradation import DegradationTier
from aref.adaptation.feature_flags import flag_kinds
from aref.topology import SERVICES
from chaos.faults import ALTERNATIVES
from chaos.runner_observation import ControlSample, Observation, SeenEvent
from chaos.runner_verdicts import ExpectationKind, OptionalWithin, Status, Verdict, Within, timed, within_phrase


class ServiceWithin(Within):
    service: str | None = Field(None, description="the service (default: the experiment's target)")


class ScaledOut(ExpectationKind):
    """Serve's running replica count of the service rose within N s of the injection."""

    name = "scaled_out"
    params = ServiceWithin

    def describe(self, p: Mapping[str, Any]) -> str:
        service = p.get("service") or "the target"
        return f"{service} runs more replicas within {p['within_s']:g} s of the injection"

    def evaluate(self, p: Mapping[str, Any], obs: Observation) -> Verdict:
        service = p.get("service") or obs.target
        before = obs.controls_before()
        baseline = before.running.get(service) if before is not None else None
        if baseline is None and service == obs.target:
            baseline = obs.replicas_before
        if baseline is None:
            return Verdict(Status.FAILED, None, f"the running replica count of {service} before the fault is unknown")
        rose = next((c for c in obs.controls_after() if c.running.get(service, 0) > baseline), None)
        what = f"{service} scaled out from {baseline}" + (
            "" if rose is None else f" to {rose.running[service]} running replicas"
        )
        return timed(None if rose is None else rose.at, p["within_s"], obs, what, obs.injected_at)


class FlagsParams(Within):
    flags: tuple[str, ...] = Field(min_length=1, description='flag names, "{service}.{kind}"')

    @field_validator("flags")
    @classmethod
    def _existing_flags(cls, flags: tuple[str, ...]) -> tuple[str, ...]:
        """Only flags that exist: one that changes nothing was removed and could never be seen off."""
        for name in flags:
            service, _, kind = name.partition(".")
            if service not in SERVICES or kind not in flag_kinds(service):
                known = ", ".join(f"{service}.{{{','.join(flag_kinds(service))}}}" for service in SERVICES)
                raise ValueError(f"unknown flag {name!r} (known: {known})")
        return flags


class FlagsDisabled(ExpectationKind):
    """Every named feature flag is off within N s of the injection."""

    name = "flags_disabled"
    params = FlagsParams
    shorthand = None

    def describe(self, p: Mapping[str, Any]) -> str:
        by_service: dict[str, list[str]] = {}
        for name in p["flags"]:
            service, _, kind = str(name).rpartition(".")
            by_service.setdefault(service, []).append(kind)
        named = "; ".join(f"{', '.join(kinds)} of {service or 'any service'}" for service, kinds in by_service.items())
        return f"flags {named} are off within {p['within_s']:g} s of the injection"

    def evaluate(self, p: Mapping[str, Any], obs: Observation) -> Verdict:
        names = tuple(p["flags"])
        off = next((c for c in obs.controls_after() if all(c.flags.get(n) is False for n in names)), None)
        what = f"flags {', '.join(names)} off"
        verdict = timed(None if off is None else off.at, p["within_s"], obs, what, obs.injected_at)
        if verdict.status is Status.PASSED or off is not None:
            return verdict
        latest = obs.controls_after()[-1].flags if obs.controls_after() else {}
        state = ", ".join(f"{n}={'unknown' if latest.get(n) is None else latest[n]}" for n in names)
        return Verdict(verdict.status, verdict.measured, f"{verdict.detail} (last seen: {state})")


class TierParams(OptionalWithin):
    tier: Literal["reduced", "minimal", "emergency"] = Field(description="the tier to reach (or a deeper one)")
    service: str | None = Field(None, description="the service (default: the experiment's target)")


class DegradedTo(ExpectationKind):
    """The service's degradation tier reaches ``tier`` (or deeper), within N s of the injection when given."""

    name = "degraded_to"
    params = TierParams
    shorthand = "tier"

    def describe(self, p: Mapping[str, Any]) -> str:
        within = within_phrase(p)
        return f"{p.get('service') or 'the target'} degrades to {p['tier']}{within}"

    def evaluate(self, p: Mapping[str, Any], obs: Observation) -> Verdict:
        service = p.get("service") or obs.target
        wanted = DegradationTier(p["tier"]).rank

        def reached(c: ControlSample) -> bool:
            tier = c.tiers.get(service)
            known = {t.value: t for t in DegradationTier}
            return tier is not None and tier in known and known[tier].rank >= wanted

        hit = next((c for c in obs.controls_after() if reached(c)), None)
        what = f"{service} in tier {p['tier']}" + ("" if hit is None else f" ({hit.tiers[service]})")
        verdict = timed(None if hit is None else hit.at, p.get("within_s"), obs, what, obs.injected_at)
        if verdict.status is Status.PENDING and p.get("within_s") is None and obs.fault_ended_at is not None:
            seen = sorted({str(c.tiers.get(service)) for c in obs.controls_after()})
            return Verdict(Status.FAILED, None, f"{service} never reached {p['tier']} (tiers seen: {seen})")
        return verdict


class FailoverParams(Within):
    provider: str | None = Field(None, description="the backup (default: the target's second alternative)")
    min_share: float = Field(0.9, gt=0, le=1, description="share of a batch of payments the backup must capture")
    min_payments: int = Field(5, ge=1, description="payments per batch the share is measured over")
    max_error_rate: float | None = Field(
        None, gt=0, le=1, description="client order error rate from the failover to the fault's end, exclusive"
    )


class FailedOver(ExpectationKind):
    """The backup captures ``min_share`` of the target's payments within N s, while the fault acts."""

    name = "failed_over"
    params = FailoverParams

    def describe(self, p: Mapping[str, Any]) -> str:
        backup = p.get("provider") or "the backup"
        text = f"{backup} captures at least {p['min_share']:.0%} of payments within {p['within_s']:g} s"
        if p.get("max_error_rate") is not None:
            text += f", and the client order error rate after that stays below {p['max_error_rate']:.1%}"
        return text

    def evaluate(self, p: Mapping[str, Any], obs: Observation) -> Verdict:
        alternatives = ALTERNATIVES.get(obs.target, ())
        backup = p.get("provider") or (alternatives[1] if len(alternatives) > 1 else None)
        if backup is None:
            return Verdict(Status.FAILED, None, f"{obs.target} has no backup alternative to fail over to")
        found, share, why = _failover(obs, backup, p["min_share"], p["min_payments"])
        what = f"{backup} captured {share:.0%} of a batch of payments" if found else f"failover to {backup}"
        verdict = timed(None if found is None else found, p["within_s"], obs, what, obs.injected_at)
        if verdict.status is not Status.PASSED:
            return Verdict(verdict.status, verdict.measured, f"{verdict.detail}; {why}")
        limit = p.get("max_error_rate")
        if limit is None or found is None:
            return verdict
        ended = obs.fault_ended_at
        if ended is None:
            return Verdict(Status.PENDING, verdict.measured, f"{verdict.detail}; the fault is still active")
        stats = obs.client.window(found, ended).stats()
        if stats.error_rate is None:
            return Verdict(Status.FAILED, verdict.measured, f"{verdict.detail}; no orders sent after the failover")
        ok = stats.error_rate < limit
        detail = (
            f"{verdict.detail}; then {stats.errors}/{stats.requests} orders failed ({stats.error_rate:.1%}) "
            f"until the fault ended {ended - found:.1f} s later; expected below {limit:.1%}"
        )
        return Verdict(Status.PASSED if ok else Status.FAILED, verdict.measured, detail)


def _failover(obs: Observation, backup: str, min_share: float, batch: int) -> tuple[float | None, float, str]:
    """When the backup first captured ``min_share`` of ``batch`` or more payments while the fault acted."""
    ended = obs.fault_ended_at
    before = obs.controls_before()
    samples = [c for c in ((before,) if before else ()) + obs.controls_after() if c.captured]
    samples = [c for c in samples if ended is None or c.at <= ended]
    if not samples:
        return None, 0.0, f"no per-provider counters of {obs.target} were read"
    base, best = samples[0], 0.0
    for sample in samples[1:]:
        total = sum(sample.captured.values()) - sum(base.captured.values())
        if total < batch:
            continue
        share = (sample.captured.get(backup, 0) - base.captured.get(backup, 0)) / total
        if share >= min_share:
            return sample.at, share, ""
        best, base = max(best, share), sample
    return None, best, f"best share so far {best:.0%} (expected {min_share:.0%} of at least {batch} payments)"


class RecoveryParams(OptionalWithin):
    tier: str = Field(pattern=r"^T[0-4]$", description="the recovery tier, T0..T4")


class RecoveryCompleted(ExpectationKind):
    """A runbook of ``tier`` finished with every step performed and verified (outcome ``ok``)."""

    name = "recovery_completed"
    params = RecoveryParams
    shorthand = "tier"

    def describe(self, p: Mapping[str, Any]) -> str:
        within = within_phrase(p, " of the injection")
        return f"a {p['tier']} runbook completes with every step performed and verified{within}"

    def evaluate(self, p: Mapping[str, Any], obs: Observation) -> Verdict:
        done, why = _runbook_done(obs, p["tier"])
        what = f"{p['tier']} runbook completed" + (f" ({why})" if done is not None else "")
        verdict = timed(done, p.get("within_s"), obs, what, obs.injected_at)
        if verdict.status is not Status.PASSED:
            return Verdict(verdict.status, verdict.measured, f"{verdict.detail}; {why}")
        return verdict


def _runbook_done(obs: Observation, tier: str) -> tuple[float | None, str]:
    """When a runbook of ``tier`` finished with every step ``ok``, from the recovery step events.

    A run counts as finished when its step events cover indices 0..n-1 and either they say how
    many steps there are (``steps_total``) or its recovery resolved naming the runbook. Steps
    labelled ``dry_run`` never count.
    """
    runs: dict[tuple[str, str], list[SeenEvent]] = {}
    for event in obs.events_of(topics.RUNBOOK_STEP_COMPLETED):
        payload = event.payload
        if payload.get("tier") == tier and not payload.get("dry_run"):
            runs.setdefault((str(payload.get("recovery_id")), str(payload.get("runbook"))), []).append(event)
    resolved: dict[str | None, set[str]] = {}
    for event in obs.events_of(topics.RECOVERY_RESOLVED):
        resolved.setdefault(event.correlation_id, set()).update(str(r) for r in event.payload.get("runbooks") or ())
    if not runs:
        return None, f"no {tier} runbook step was performed"
    reasons = []
    for (_, runbook), steps in runs.items():
        indices = sorted(int(e.payload.get("index", -1)) for e in steps)
        bad = [f"{e.payload.get('step')}: {e.payload['outcome']}" for e in steps if e.payload.get("outcome") != "ok"]
        total = steps[-1].payload.get("steps_total")
        whole = indices == list(range(len(indices))) and (
            total == len(indices) if isinstance(total, int) else runbook in resolved.get(steps[-1].correlation_id, ())
        )
        if whole and not bad:
            return max(e.timestamp for e in steps), f"{runbook}: {len(indices)} steps ok"
        reasons.append(f"{runbook}: {len(indices)} step(s) seen" + (f", not ok: {'; '.join(bad)}" if bad else ""))
    return None, "; ".join(reasons)
