"""Evidence: the measured things a maturity criterion rests on, and a criterion's verdict.

An ``Evidence`` names what happened (a run, an alert, an incident, an adaptation, a review, a
recovery's performed runbook, a replica's guard report) with its id and time, or, with ``at``
None, a piece of configuration in place now (``CONFIG``: it claims that something exists, never
that something happened).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class EvidenceKind(StrEnum):
    RUN = "run"
    DRILL = "drill"
    ALERT = "alert"
    INCIDENT = "incident"
    ADAPTATION = "adaptation"
    REVIEW = "review"
    RECOVERY = "recovery"
    REPORT = "report"
    BREAKER = "breaker"
    CONFIG = "config"


@dataclass(frozen=True)
class Evidence:
    kind: EvidenceKind
    ref: str
    at: float | None
    note: str


@dataclass(frozen=True)
class Verdict:
    """Whether a criterion holds, the evidence that made it true, or the reason it does not hold."""

    holds: bool
    evidence: tuple[Evidence, ...] = ()
    reason: str = ""

    @classmethod
    def met(cls, evidence: Iterable[Evidence]) -> Verdict:
        return cls(True, newest_first(evidence))

    @classmethod
    def unmet(cls, reason: str, evidence: Iterable[Evidence] = ()) -> Verdict:
        return cls(False, newest_first(evidence), reason)


def newest_first(evidence: Iterable[Evidence]) -> tuple[Evidence, ...]:
    """Timed evidence newest first, then configuration."""
    return tuple(sorted(evidence, key=lambda e: -e.at if e.at is not None else float("inf")))


def config(ref: str, note: str) -> Evidence:
    return Evidence(EvidenceKind.CONFIG, ref, None, note)
