"""The replica's cached control state: fault board, breaker decisions, flags and traffic.

Each piece carries a version and is replaced only by a strictly newer one, so a pushed
board and the same board pulled a tick later apply once, and an old answer arriving late
changes nothing. Breaker decisions are versioned per edge (``BreakerDecision.version``);
the cache remembers the highest version seen to ask the registry only for what is newer.
The degradation tier rides on the decisions answer (``"tiers": {service: tier}``); it has no
version of its own, the latest answer wins (a replica pulls one answer at a time).
The data plane reads this cache only; it never waits for the control plane.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aref.absorption.degradation import DISABLED_SETS, DegradationTier
from aref.absorption.shared_breaker import BreakerDecision
from aref.errors import InvalidInputError, StoreError
from aref.records import from_record, to_record
from chaos.faults import FaultBoard, FaultType


def _version(payload: Mapping[str, Any], field: str) -> int:
    version = payload.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise InvalidInputError(f"{field}.version", "must be an integer >= 0")
    return version


class ControlCache:
    def __init__(self) -> None:
        self.board = FaultBoard()
        self.decisions: dict[str, BreakerDecision] = {}
        self.decisions_version = 0
        self.flags: dict[str, bool] = {}
        self.traffic: dict[str, int] = {}
        self.control_version = 0
        self._control_taken = False
        self.tier = DegradationTier.FULL

    def apply_tier(self, service: str, payload: Mapping[str, Any]) -> bool:
        """Take ``service``'s tier from a decisions answer; True when it changed (absent: unchanged)."""
        tiers = payload.get("tiers")
        if tiers is None or service not in tiers:
            return False
        try:
            tier = DegradationTier(tiers[service])
        except (TypeError, ValueError):
            raise InvalidInputError("decisions.tiers", f"unknown tier {tiers[service]!r}") from None
        changed = tier is not self.tier
        self.tier = tier
        return changed

    def flag_on(self, service: str, kind: str) -> bool:
        """Whether the flag ``<service>.<kind>`` is on (a flag never pulled is on)."""
        return self.flags.get(f"{service}.{kind}", True)

    def feature_on(self, feature: str) -> bool:
        """Whether the tier in force leaves ``feature`` (``aref.absorption.degradation``) switched on."""
        return feature not in DISABLED_SETS[self.tier]

    def apply_board(self, payload: Mapping[str, Any] | FaultBoard) -> bool:
        """Take a newer fault board; True when it replaced the cached one."""
        try:
            board = payload if isinstance(payload, FaultBoard) else FaultBoard.from_dict(payload)
        except StoreError as exc:
            raise InvalidInputError("board", str(exc)) from None
        if board.version <= self.board.version:
            return False
        self.board = board
        return True

    def apply_decisions(self, payload: Mapping[str, Any]) -> dict[str, BreakerDecision]:
        """Take the newer per-edge decisions of ``{"version", "decisions": {edge: dict}}``; returns them."""
        overall = _version(payload, "decisions")
        raw = payload.get("decisions")
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            raise InvalidInputError("decisions.decisions", "must map edges to decisions")
        parsed: list[BreakerDecision] = []
        for edge, data in raw.items():
            try:
                parsed.append(data if isinstance(data, BreakerDecision) else from_record(BreakerDecision, data))
            except StoreError as exc:
                raise InvalidInputError(f"decisions.{edge}", str(exc)) from None
        changed: dict[str, BreakerDecision] = {}
        for decision in parsed:
            known = self.decisions.get(decision.edge)
            if known is None or decision.version > known.version:
                self.decisions[decision.edge] = decision
                changed[decision.edge] = decision
        self.decisions_version = max(self.decisions_version, overall, *(d.version for d in changed.values()))
        return changed

    def apply_control(self, payload: Mapping[str, Any]) -> bool:
        """Take newer flags and traffic weights of ``{"version", "flags", "traffic"}``."""
        version = _version(payload, "control")
        if version < self.control_version or (version == self.control_version and self._control_taken):
            return False  # version 0 (nothing changed yet) is taken once, so the replica reports it
        flags = payload.get("flags", {})
        traffic = payload.get("traffic", {})
        if not isinstance(flags, Mapping) or not all(isinstance(v, bool) for v in flags.values()):
            raise InvalidInputError("control.flags", "must map flag names to booleans")
        if not isinstance(traffic, Mapping) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in traffic.values()
        ):
            raise InvalidInputError("control.traffic", "must map routes to integer weights")
        self.flags = {str(k): v for k, v in flags.items()}
        self.traffic = {str(k): int(v) for k, v in traffic.items()}
        self.control_version = version
        self._control_taken = True
        return True

    def live_faults(self, service: str, now: float) -> int:
        return sum(1 for f in self.board.faults if f.spec.service == service and f.live(now))

    def failing_faults(self, service: str, now: float) -> int:
        """Live faults that make requests fail or hang (every kind but latency: that one only slows)."""
        return sum(
            1
            for f in self.board.faults
            if f.spec.service == service and f.live(now) and f.spec.fault_type is not FaultType.LATENCY
        )

    def snapshot(self) -> dict[str, Any]:
        return {
            "fault_version": self.board.version,
            "faults": to_record(self.board.faults),
            "decisions_version": self.decisions_version,
            "decisions": {edge: to_record(d) for edge, d in self.decisions.items()},
            "control_version": self.control_version,
            "flags": dict(self.flags),
            "traffic": dict(self.traffic),
            "tier": self.tier.value,
        }
