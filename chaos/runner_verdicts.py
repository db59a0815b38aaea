"""The shape of a hypothesis expectation: its parameters, its verdict, and the kind that judges it.

A kind names its parameters (a pydantic model, so YAML is checked at load time), the field a
bare scalar sets (``detected_within_s: 30``), which parameters are durations (scaled by
``--time-scale``), and how to judge an ``Observation``: passed, failed, or pending (not
settled yet). The kinds themselves live in ``chaos.runner_expectations`` (judged on alerts,
events and the client record) and ``chaos.runner_control_kinds`` (judged on what the
controls changed: replicas, flags, tiers, provider counters, recovery steps).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from chaos.runner_observation import Observation


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


def timed(found_at: float | None, within: float | None, obs: Observation, what: str, since: float) -> Verdict:
    """The common shape: something must happen within ``within`` s of ``since``."""
    if found_at is not None:
        delay = max(0.0, found_at - since)
        ok = within is None or delay <= within
        bound = "" if within is None else f"; expected within {within:g} s"
        return Verdict(Status.PASSED if ok else Status.FAILED, delay, f"{what} after {delay:.1f} s{bound}")
    if within is not None and obs.expired(since, within):
        return Verdict(Status.FAILED, None, f"no {what} within {within:g} s")
    return Verdict(Status.PENDING, None, f"no {what} yet ({obs.now - since:.1f} s observed)")


def within_phrase(p: Mapping[str, Any], suffix: str = "") -> str:
    """`` within N s`` (plus ``suffix``) for an optional ``within_s``; empty without one."""
    return "" if p.get("within_s") is None else f" within {p['within_s']:g} s{suffix}"


def registry(*kinds: ExpectationKind) -> Mapping[str, ExpectationKind]:
    return MappingProxyType({kind.name: kind for kind in kinds})
