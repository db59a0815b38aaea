"""Experiment run records as maturity evidence, and the rule that keeps what does not count out.

A run record (``chaos.runner_record.RunRecord.to_dict()``, read here by field name) proves a
passed chaos experiment; a passed run that restored the steady state after its rollback is a
recovery drill. A FAILED run proves nothing, and nothing observed while it ran counts either:
an alert fired, an incident started or an adaptation made inside its window (start .. end of
the run or of its fault, whichever is later), or anything carrying its correlation ids (the
fault's, the incident's, and those of the alerts and incidents of its window, which also
taints the reviews of those incidents). Evidence older than the maximum age decays. So a
failed experiment can never raise a maturity level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SECONDS_PER_DAY = 86400.0


@dataclass(frozen=True)
class RunFact:
    id: str
    experiment: str
    passed: bool
    started_at: float
    ended_at: float
    restored: bool
    """The steady state held again after the rollback."""
    correlation_ids: frozenset[str]

    @property
    def window(self) -> tuple[float, float]:
        return self.started_at, self.ended_at

    def covers(self, at: float) -> bool:
        start, end = self.window
        return start <= at <= end

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> RunFact | None:
        """The facts of one stored run record; None for a record that is not a finished run."""
        try:
            started, ended = float(record["started_at"]), float(record["ended_at"])
            fault_window = record.get("fault_window") or (started, ended)
            end = max(ended, float(fault_window[1]))
            after = record.get("steady_state_after")
            cids = (record.get("correlation_id"), record.get("incident_correlation_id"))
            return cls(
                id=str(record["id"]),
                experiment=str(record.get("experiment", "")),
                passed=record.get("passed") is True,
                started_at=started,
                ended_at=end,
                restored=isinstance(after, Mapping) and after.get("ok") is True,
                correlation_ids=frozenset(c for c in cids if isinstance(c, str) and c),
            )
        except (KeyError, TypeError, ValueError, IndexError):
            return None


def run_facts(records: Iterable[Mapping[str, Any]]) -> tuple[RunFact, ...]:
    return tuple(f for r in records if (f := RunFact.from_record(r)) is not None)


@dataclass(frozen=True)
class EvidenceFilter:
    """What may count as evidence at ``now``: fresh enough and untouched by a failed run."""

    now: float
    max_age_s: float
    failed: tuple[RunFact, ...] = ()
    tainted: frozenset[str] = frozenset()
    """Correlation ids of failed runs and of what they caused."""

    @classmethod
    def build(
        cls,
        now: float,
        max_age_days: float,
        runs: Sequence[RunFact],
        observed: Iterable[tuple[float, str]] = (),
    ) -> EvidenceFilter:
        """``observed``: ``(time, correlation_id)`` of alerts and incidents, to taint those in a failed window."""
        failed = tuple(r for r in runs if not r.passed)
        tainted = {cid for r in failed for cid in r.correlation_ids}
        tainted.update(cid for at, cid in observed if any(r.covers(at) for r in failed))
        return cls(now, max_age_days * SECONDS_PER_DAY, failed, frozenset(tainted))

    def fresh(self, at: float) -> bool:
        return at >= self.now - self.max_age_s

    def counts(self, at: float, correlation_id: str | None = None) -> bool:
        """Fresh, outside every failed run's window and not caused by a failed run."""
        if not self.fresh(at) or any(r.covers(at) for r in self.failed):
            return False
        return correlation_id is None or correlation_id not in self.tainted
