"""Facts read from one incident's event chain (all events sharing its correlation_id).

``collect`` turns the chain into ``ChainFacts``: what fired, what contained the damage, what
adapted, which recovery tiers ran and which runbook steps failed. Payload keys follow
``aref.topics``; a missing or malformed key is skipped, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aref import topics
from aref.events import Event
from aref.models import RecoveryTier, TimelineEntry

FAILED_OUTCOMES = frozenset({"failed", "failure", "error", "timeout", "timed_out", "aborted"})


def parse_tier(value: Any) -> RecoveryTier | None:
    """Read a recovery tier given as 2, "2", "T2" or RecoveryTier.T2; None when it is none of them."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip().upper().removeprefix("T")
        if not text.isdigit():
            return None
        number = int(text)
    else:
        return None
    return RecoveryTier(number) if number in RecoveryTier._value2member_map_ else None


@dataclass(frozen=True)
class ChainFacts:
    """What the event chain of one incident shows; every field is empty when nothing was seen."""

    event_count: int = 0
    alert_metrics: tuple[str, ...] = ()
    detectors: tuple[str, ...] = ()
    breakers_opened: tuple[str, ...] = ()
    degradations: tuple[str, ...] = ()
    strategies: tuple[str, ...] = ()
    adaptation_actions: tuple[str, ...] = ()
    escalation_reasons: tuple[str, ...] = ()
    tiers: tuple[RecoveryTier, ...] = ()
    failed_steps: tuple[str, ...] = ()
    fault_types: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        """True when there is a chain to reason about; absence findings need one."""
        return self.event_count > 0

    @property
    def escalated_to_recovery(self) -> bool:
        return bool(self.escalation_reasons)


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _text(payload: Mapping[str, Any], key: str) -> str:
    value = payload.get(key)
    return "" if value is None else str(value)


def collect(chain: Sequence[Event]) -> ChainFacts:
    """Summarise ``chain`` (any order) into ``ChainFacts``."""
    events = sorted(chain, key=lambda e: e.timestamp)
    by_topic: dict[str, list[Mapping[str, Any]]] = {}
    for event in events:
        by_topic.setdefault(event.topic, []).append(event.payload)

    def each(topic: str, key: str) -> list[str]:
        return [_text(p, key) for p in by_topic.get(topic, [])]

    actions: list[str] = []
    for payload in by_topic.get(topics.STRATEGY_EXECUTED, []):
        listed = payload.get("actions")
        if isinstance(listed, (list, tuple)):
            actions += [str(a) for a in listed]
    tiers = [parse_tier(p.get("tier")) for p in by_topic.get(topics.RECOVERY_STARTED, [])]
    for payload in by_topic.get(topics.TIER_ESCALATED, []):
        tiers += [parse_tier(payload.get("from_tier")), parse_tier(payload.get("to_tier"))]
    failed = [
        f"{_text(p, 'runbook')}/{_text(p, 'step')}"
        for p in by_topic.get(topics.RUNBOOK_STEP_COMPLETED, [])
        if _text(p, "outcome").lower() in FAILED_OUTCOMES
    ]
    opened = by_topic.get(topics.BREAKER_OPENED, [])
    degradations = [
        f"{_text(p, 'service')} {_text(p, 'from_tier')}->{_text(p, 'to_tier')}"
        for p in by_topic.get(topics.DEGRADATION_CHANGED, [])
    ]
    return ChainFacts(
        event_count=len(events),
        alert_metrics=_unique(each(topics.ALERT_FIRED, "metric")),
        detectors=_unique(each(topics.ALERT_FIRED, "detector")),
        breakers_opened=_unique(
            [_text(p, "breaker") or f"{_text(p, 'service')}->{_text(p, 'dependency')}" for p in opened]
        ),
        degradations=_unique(degradations),
        strategies=_unique(each(topics.STRATEGY_EXECUTED, "strategy")),
        adaptation_actions=_unique(actions),
        escalation_reasons=_unique([r or "no reason given" for r in each(topics.ESCALATE_TO_RECOVERY, "reason")]),
        tiers=tuple(sorted({t for t in tiers if t is not None})),
        failed_steps=_unique(failed),
        fault_types=_unique(each(topics.FAULT_INJECTED, "fault_type")),
    )


def _fmt(template: str, *keys: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda p: template.format(*(p.get(k, "?") for k in keys))


_DESCRIBE: Mapping[str, Callable[[Mapping[str, Any]], str]] = {
    topics.ALERT_FIRED: _fmt(
        "{} alert on {} {} (value {}, threshold {})", "severity", "service", "metric", "value", "threshold"
    ),
    topics.ALERT_ACKNOWLEDGED: _fmt("alert {} acknowledged", "alert_id"),
    topics.ALERT_RESOLVED: _fmt("alert {} resolved", "alert_id"),
    topics.BREAKER_OPENED: _fmt("breaker {} opened (failure rate {})", "breaker", "failure_rate"),
    topics.BREAKER_HALF_OPEN: _fmt("breaker {} half-open", "breaker"),
    topics.BREAKER_CLOSED: _fmt("breaker {} closed", "breaker"),
    topics.DEGRADATION_CHANGED: _fmt("{} degraded {} -> {} ({})", "service", "from_tier", "to_tier", "reason"),
    topics.STRATEGY_EXECUTED: _fmt("adaptation ran {} on {} ({})", "strategy", "service", "anomaly_class"),
    topics.SCALE_REQUESTED: _fmt("scale {} from {} to {} replicas", "service", "current", "desired"),
    topics.FLAG_CHANGED: _fmt("flag {} set enabled={}", "flag", "enabled"),
    topics.TRAFFIC_SHIFTED: _fmt("traffic of {} shifted to {}", "service", "weights"),
    topics.ESCALATE_TO_RECOVERY: _fmt("adaptation escalated {} to recovery: {}", "service", "reason"),
    topics.RECOVERY_STARTED: _fmt("recovery {} started at tier {}", "recovery_id", "tier"),
    topics.TIER_ESCALATED: _fmt("recovery {} escalated {} -> {}", "recovery_id", "from_tier", "to_tier"),
    topics.RUNBOOK_STEP_COMPLETED: _fmt("runbook {} step {}: {}", "runbook", "step", "outcome"),
    topics.RECOVERY_RESOLVED: _fmt("recovery {} resolved at tier {}", "recovery_id", "tier"),
    topics.FAULT_INJECTED: _fmt("{} fault injected on {} (rate {})", "fault_type", "service", "rate"),
    topics.FAULT_ROLLED_BACK: _fmt("fault {} rolled back ({})", "fault_id", "reason"),
}


def describe(event: Event) -> TimelineEntry:
    """One timeline line for ``event``; unknown topics are listed by name."""
    render = _DESCRIBE.get(event.topic)
    detail = render(event.payload) if render else event.topic
    return TimelineEntry(at=event.timestamp, kind=event.topic, detail=detail)
