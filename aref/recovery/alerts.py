"""What the recovery engine remembers about alerts, per correlation id.

Detection's alerts arrive before any recovery exists; their onset and fire times become the
incident's onset and detection times, and every alert of the incident must be resolved
before the incident is, except a budget-burn alert once the incident's other detectors have been
calm for a hold (``holds_open``). Memory is bounded: the oldest correlation ids are forgotten first.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from aref.errors import InvalidInputError

BUDGET_BURN_DETECTOR = "slo_burn"


@dataclass(frozen=True)
class AlertMemo:
    service: str
    onset_at: float
    fired_at: float
    title: str
    open_alerts: frozenset[str] = frozenset()
    onset_witness: str = "breaching_sample"
    resolved_alerts: frozenset[str] = frozenset()
    burn_alerts: frozenset[str] = frozenset()  # the ids of budget-burn (``slo_burn``) alerts
    calm_since: float | None = None
    """When the last open alert of another detector resolved; None while one is open or none resolved."""


class AlertBook:
    def __init__(self, capacity: int = 1000) -> None:
        if capacity < 1:
            raise InvalidInputError("capacity", "must be >= 1")
        self._capacity = capacity
        self._memos: OrderedDict[str, AlertMemo] = OrderedDict()

    def fired(self, correlation_id: str, payload: Mapping[str, Any], at: float) -> AlertMemo:
        """Remember an alert_fired payload; the first alert of a correlation id sets onset and title."""
        alert_id = str(payload.get("alert_id") or "")
        known = self._memos.get(correlation_id)
        if known is None:
            fired_at = _number(payload.get("fired_at"), at)
            onset_at = min(_number(payload.get("onset_at"), fired_at), fired_at)
            service = str(payload.get("service") or "")
            metric = payload.get("metric") or payload.get("detector") or "alert"
            title = f"{service}: {metric} {payload.get('severity', '')}".strip()
            witness = str(payload.get("onset_witness") or "breaching_sample")
            known = AlertMemo(service, onset_at, fired_at, title, onset_witness=witness)
        memo = replace(known, open_alerts=known.open_alerts | ({alert_id} if alert_id else set()))
        if alert_id and payload.get("detector") == BUDGET_BURN_DETECTOR:
            memo = replace(memo, burn_alerts=memo.burn_alerts | {alert_id})
        else:
            memo = replace(memo, calm_since=None)
        self._memos[correlation_id] = memo
        self._memos.move_to_end(correlation_id)
        while len(self._memos) > self._capacity:
            self._memos.popitem(last=False)
        return memo

    def resolved(self, correlation_id: str, alert_id: str, at: float) -> None:
        memo = self._memos.get(correlation_id)
        if memo is None:
            return
        memo = replace(
            memo, open_alerts=memo.open_alerts - {alert_id}, resolved_alerts=memo.resolved_alerts | {alert_id}
        )
        if alert_id not in memo.burn_alerts and not memo.open_alerts - memo.burn_alerts:
            memo = replace(memo, calm_since=at)
        self._memos[correlation_id] = memo

    def holds_open(self, correlation_id: str, remaining: Sequence[str], now: float, hold_s: float) -> bool:
        """Whether the ``remaining`` open alerts keep the incident open at ``now``.

        Budget-burn alerts alone do not once every alert of the incident's other detectors has been
        resolved for ``hold_s``: the service has recovered, while a burn alert clears only when its
        short window does (30 min for the 6x page) and keeps the budget policy in force meanwhile.
        The hold rides out a flapping detector (an alert that resolves and fires again while a
        breaker probes a still-broken service): any of their alerts firing again restarts it."""
        if not remaining:
            return False
        memo = self._memos.get(correlation_id)
        if memo is None or not set(remaining) <= memo.burn_alerts or memo.calm_since is None:
            return True
        return now - memo.calm_since < hold_s

    def get(self, correlation_id: str) -> AlertMemo | None:
        return self._memos.get(correlation_id)

    def __len__(self) -> int:
        return len(self._memos)


def _number(value: Any, default: float) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default
