"""Hypothesis expectations: the one registry of measurable expectation kinds.

A kind names its parameters (a pydantic model, so YAML is checked at load time), the field a
bare scalar sets (``detected_within_s: 30``), which parameters are durations (scaled by
``--time-scale``), and how to judge an ``Observation``: passed, failed, or pending (not
settled yet). A verdict still pending when observation ends fails with its reason: nothing is
skipped. Adding a kind = one class and one entry in ``EXPECTATION_KINDS``; the runner never changes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from aref.topology import DEMO_TOPOLOGY
from chaos.runner_observation import Observation

KNOWN_EDGES = frozenset(DEMO_TOPOLOGY.edge_names())


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    PENDING = "pending"


@dataclass(frozen=True)
class Verdict:
    status: Status
    measured: float | None
    detail: str


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Within(Params):
    within_s: float = Field(gt=0, description="seconds after the reference point")


class OptionalWithin(Params):
    within_s: float | None = Field(None, gt=0, description="seconds after the injection (default: any time)")


class ExpectationKind(ABC):
    name: ClassVar[str]
    params: ClassVar[type[Params]]
    shorthand: ClassVar[str | None] = "within_s"
    durations: ClassVar[tuple[str, ...]] = ("within_s",)

    @abstractmethod
    def describe(self, p: Mapping[str, Any]) -> str:
        """What is expected, in words."""

    @abstractmethod
    def evaluate(self, p: Mapping[str, Any], obs: Observation) -> Verdict:
        """Judge ``obs``; pending while the answer may still change."""


def _timed(found_at: float | None, within: float | None, obs: Observation, what: str, since: float) -> Verdict:
    """The common shape: something must happen within ``within`` s of ``since``."""
    if found_at is not None:
        delay = max(0.0, found_at - since)
        ok = within is None or delay <= within
        bound = "" if within is None else f"; expected within {within:g} s"
        return Verdict(Status.PASSED if ok else Status.FAILED, delay, f"{what} after {delay:.1f} s{bound}")
    if within is not None and obs.expired(since, within):
        return Verdict(Status.FAILED, None, f"no {what} within {within:g} s")
    return Verdict(Status.PENDING, None, f"no {what} yet ({obs.now - since:.1f} s observed)")


class DetectedWithin(ExpectationKind):
    """The first alert on the target fires within N s of the injection."""

    name = "detected_within_s"
    params = Within

    def describe(self, p: Mapping[str, Any]) -> str:
        return f"an alert on the target fires within {p['within_s']:g} s of the injection"

    def evaluate(self, p: Mapping[str, Any], obs: Observation) -> Verdict:
        first = obs.first_detection()
        what = f"alert on {obs.target}" + (f" ({first.detector})" if first else "")
        return _timed(first.fired_at if first else None, p["within_s"], obs, what, obs.injected_at)


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
        within = "" if p.get("within_s") is None else f" within {p['within_s']:g} s"
        return f"breaker {p['edge']} opens{within}"

    def evaluate(self, p: Mapping[str, Any], obs: Observation) -> Verdict:
        opened = obs.breaker_opened_at(p["edge"])
        return _timed(opened, p.get("within_s"), obs, f"breaker {p['edge']} open", obs.injected_at)


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
        within = "" if p.get("within_s") is None else f" within {p['within_s']:g} s of the injection"
        return f"a review is generated for the incident{within}"

    def evaluate(self, p: Mapping[str, Any], obs: Observation) -> Verdict:
        review = obs.review()
        what = "review" + (f" {review.payload.get('review_id')}" if review else "") + f" for {obs.target}"
        return _timed(review.timestamp if review else None, p.get("within_s"), obs, what, obs.injected_at)


class ReplicaReplaced(ExpectationKind):
    """After a crash the target serves at its level before the fault again, with new replicas.

    Judged by identity when the API names the running replicas (the killed ids are gone and the
    count is back), else by the running count dipping and coming back.
    """

    name = "replica_replaced"
    params = OptionalWithin

    def describe(self, p: Mapping[str, Any]) -> str:
        within = "" if p.get("within_s") is None else f" within {p['within_s']:g} s"
        return f"crashed replicas are replaced{within}"

    def evaluate(self, p: Mapping[str, Any], obs: Observation) -> Verdict:
        if obs.replicas_before is None:
            return Verdict(Status.FAILED, None, "the replica count before the fault is unknown")
        within = p.get("within_s")
        renewed = obs.replicas_renewed()
        if renewed is not None:
            gone = len(obs.replicas_killed)
            what = f"{obs.target} back to {renewed.running} running replicas, none of the {gone} killed"
            return _timed(renewed.at, within, obs, what, obs.injected_at)
        dip = obs.replica_dip()
        back = obs.replica_back(dip) if dip else None
        if dip is not None:
            what = f"{obs.target} back to {obs.replicas_before} running replicas (dipped to {dip.running})"
            return _timed(back.at if back else None, within, obs, what, obs.injected_at)
        killed = f"{len(obs.replicas_killed)} replica(s) reported killed" if obs.replicas_killed else "no kill reported"
        reason = f"{killed}, and the running count never dropped below {obs.replicas_before}"
        if (within is not None and obs.expired(obs.injected_at, within)) or obs.fault_ended_at is not None:
            return Verdict(Status.FAILED, None, f"could not observe a replacement: {reason}")
        return Verdict(Status.PENDING, None, reason)


def registry(*kinds: ExpectationKind) -> Mapping[str, ExpectationKind]:
    return MappingProxyType({kind.name: kind for kind in kinds})


EXPECTATION_KINDS: Mapping[str, ExpectationKind] = registry(
    DetectedWithin(), BreakerOpens(), ErrorRateBelow(), RecoveredWithin(), ReviewGenerated(), ReplicaReplaced()
)
