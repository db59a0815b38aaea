"""Hypothesis expectations: the one registry of measurable expectation kinds.

Each kind judges an ``Observation`` (see ``chaos.runner_verdicts`` for the shape). A verdict
still pending when observation ends fails with its reason: nothing is skipped. Adding a kind =
one class and one entry in ``EXPECTATION_KINDS``; the runner never changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, field_validator

from aref.topology import DEMO_TOPOLOGY
from chaos.runner_control_kinds import DegradedTo, FailedOver, FlagsDisabled, RecoveryCompleted, ScaledOut
from chaos.runner_observation import Observation
from chaos.runner_verdicts import (
    ExpectationKind,
    OptionalWithin,
    Params,
    Status,
    Verdict,
    Within,
    registry,
    timed,
    within_phrase,
)

__all__ = [
    "EXPECTATION_KINDS",
    "ExpectationKind",
    "OptionalWithin",
    "Params",
    "Status",
    "Verdict",
    "Within",
    "registry",
]

KNOWN_EDGES = frozenset(DEMO_TOPOLOGY.edge_names())


class DetectedWithin(ExpectationKind):
    """The first alert on the target fires within N s of the injection."""

    name = "detected_within_s"
    params = Within

    def describe(self, p: Mapping[str, Any]) -> str:
        return f"an alert on the target fires within {p['within_s']:g} s of the injection"

    def evaluate(self, p: Mapping[str, Any], obs: Observation) -> Verdict:
        first = obs.first_detection()
        what = f"alert on {obs.target}" + (f" ({first.detector})" if first else "")
        return timed(first.fired_at if first else None, p["within_s"], obs, what, obs.injected_at)


class BreakerParams(OptionalWithin):
    edge: str = Field(description="the breaker, e.g. gateway->payments")

    @field_validator("edge")
    @classmethod
    def _known_edge(cls, edge: str) -> str:
        if edge not in KNOWN_EDGES:
            raise ValueError(f"unknown edge {edge!r} (known: {', '.join(sorted(KNOWN_EDGES))})")
        return edge


class BreakerOpens(ExpectationKind):
    """The circuit breaker on ``edge`` opens (within N s of the injection, when given)."""

    name = "breaker_opens"
    params = BreakerParams
    shorthand = "edge"

    def describe(self, p: Mapping[str, Any]) -> str:
        within = within_phrase(p)
        return f"breaker {p['edge']} opens{within}"

    def evaluate(self, p: Mapping[str, Any], obs: Observation) -> Verdict:
        opened = obs.breaker_opened_at(p["edge"])
        return timed(opened, p.get("within_s"), obs, f"breaker {p['edge']} open", obs.injected_at)


class RateBelow(Params):
    max: float = Field(gt=0, le=1, description="client-side error rate during the fault, exclusive bound")


class ErrorRateBelow(ExpectationKind):
    """The client-side order error rate while the fault acts stays below ``max``."""

    name = "error_rate_below"
    params = RateBelow
    shorthand = "max"
    durations = ()

    def describe(self, p: Mapping[str, Any]) -> str:
        return f"client order error rate during the fault stays below {p['max']:.1%}"

    def evaluate(self, p: Mapping[str, Any], obs: Observation) -> Verdict:
        ended = obs.fault_ended_at
        if ended is None:
            return Verdict(Status.PENDING, None, "the fault is still active")
        stats = obs.client.window(obs.injected_at, ended).stats()
        if stats.error_rate is None:
            return Verdict(Status.FAILED, None, "no client requests were sent during the fault window")
        ok = stats.error_rate < p["max"]
        detail = (
            f"{stats.errors}/{stats.requests} orders failed ({stats.error_rate:.1%}) during the fault; "
            f"expected below {p['max']:.1%}"
        )
        return Verdict(Status.PASSED if ok else Status.FAILED, stats.error_rate, detail)


class RecoveredParams(Within):
    since: Literal["injection", "rollback"] = "injection"


class RecoveredWithin(ExpectationKind):
    """The steady state is restored (for good) within N s of the injection or of the rollback."""

    name = "recovered_within_s"
    params = RecoveredParams

    def describe(self, p: Mapping[str, Any]) -> str:
        return f"steady state restored within {p['within_s']:g} s of the {p['since']}"

    def evaluate(self, p: Mapping[str, Any], obs: Observation) -> Verdict:
        reference = obs.injected_at if p["since"] == "injection" else obs.fault_ended_at
        restored, why = obs.recovery()
        if reference is None:
            return Verdict(Status.PENDING, None, f"not rolled back yet; {why}")
        if restored is not None:
            taken = max(0.0, restored - reference)
            ok = taken <= p["within_s"]
            detail = f"{why}: {taken:.1f} s after the {p['since']}; expected within {p['within_s']:g} s"
            return Verdict(Status.PASSED if ok else Status.FAILED, taken, detail)
        latest_bad = bool(obs.steady) and not max(obs.steady, key=lambda s: s.at).ok
        if latest_bad and obs.expired(reference, p["within_s"]):
            return Verdict(Status.FAILED, None, f"{why}; not restored within {p['within_s']:g} s of the {p['since']}")
        return Verdict(Status.PENDING, None, why)


class ReviewGenerated(ExpectationKind):
    """A post-incident review is generated for the incident the fault caused on the target."""

    name = "review_generated"
    params = OptionalWithin

    def describe(self, p: Mapping[str, Any]) -> str:
        within = within_phrase(p, " of the injection")
        return f"a review is generated for the incident{within}"

    def evaluate(self, p: Mapping[str, Any], obs: Observation) -> Verdict:
        review = obs.review()
        what = "review" + (f" {review.payload.get('review_id')}" if review else "") + f" for {obs.target}"
        return timed(review.timestamp if review else None, p.get("within_s"), obs, what, obs.injected_at)


class ReplicaReplaced(ExpectationKind):
    """After a crash the target serves at its level before the fault again, with new replicas.

    Judged by identity when the API names the running replicas (the killed ids are gone and the
    count is back), else by the running count dipping and coming back.
    """

    name = "replica_replaced"
    params = OptionalWithin

    def describe(self, p: Mapping[str, Any]) -> str:
        within = within_phrase(p)
        return f"crashed replicas are replaced{within}"

    def evaluate(self, p: Mapping[str, Any], obs: Observation) -> Verdict:
        if obs.replicas_before is None:
            return Verdict(Status.FAILED, None, "the replica count before the fault is unknown")
        within = p.get("within_s")
        renewed = obs.replicas_renewed()
        if renewed is not None:
            gone = len(obs.replicas_killed)
            what = f"{obs.target} back to {renewed.running} running replicas, none of the {gone} killed"
            return timed(renewed.at, within, obs, what, obs.injected_at)
        dip = obs.replica_dip()
        back = obs.replica_back(dip) if dip else None
        if dip is not None:
            what = f"{obs.target} back to {obs.replicas_before} running replicas (dipped to {dip.running})"
            return timed(back.at if back else None, within, obs, what, obs.injected_at)
        killed = f"{len(obs.replicas_killed)} replica(s) reported killed" if obs.replicas_killed else "no kill reported"
        reason = f"{killed}, and the running count never dropped below {obs.replicas_before}"
        if (within is not None and obs.expired(obs.injected_at, within)) or obs.fault_ended_at is not None:
            return Verdict(Status.FAILED, None, f"could not observe a replacement: {reason}")
        return Verdict(Status.PENDING, None, reason)


EXPECTATION_KINDS: Mapping[str, ExpectationKind] = registry(
    DetectedWithin(),
    BreakerOpens(),
    ErrorRateBelow(),
    RecoveredWithin(),
    ReviewGenerated(),
    ReplicaReplaced(),
    ScaledOut(),
    FlagsDisabled(),
    DegradedTo(),
    FailedOver(),
    RecoveryCompleted(),
)
