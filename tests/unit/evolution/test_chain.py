from __future__ import annotations

from typing import Any

import pytest

from aref import topics
from aref.evolution.chain import ChainFacts, collect, describe, parse_tier
from aref.models import RecoveryTier

from .builders import T0, MakeEvent


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2, RecoveryTier.T2),
        ("T3", RecoveryTier.T3),
        (" t1 ", RecoveryTier.T1),
        ("4", RecoveryTier.T4),
        (RecoveryTier.T0, RecoveryTier.T0),
        (True, None),
        ("T9", None),
        (7, None),
        ("tier", None),
        (None, None),
        (2.0, None),
    ],
)
def test_parse_tier(value: Any, expected: RecoveryTier | None) -> None:
    assert parse_tier(value) == expected


def test_an_empty_chain_is_unknown() -> None:
    facts = collect([])
    assert facts == ChainFacts()
    assert not facts.known
    assert not facts.escalated_to_recovery


def test_collect_reads_every_pillar_in_time_order(make_event: MakeEvent) -> None:
    chain = [
        make_event(topics.TIER_ESCALATED, T0 + 50, from_tier="T1", to_tier="T2"),
        make_event(topics.ALERT_FIRED, T0 + 10, metric="error_rate", detector="threshold"),
        make_event(topics.ALERT_FIRED, T0 + 5, metric="latency_p99", detector="zscore"),
        make_event(topics.ALERT_FIRED, T0 + 12, metric="error_rate", detector="threshold"),
        make_event(topics.BREAKER_OPENED, T0 + 20, breaker="gateway->payments"),
        make_event(topics.BREAKER_OPENED, T0 + 21, service="orders", dependency="payments"),
        make_event(topics.DEGRADATION_CHANGED, T0 + 22, service="gateway", from_tier="FULL", to_tier="REDUCED"),
        make_event(topics.STRATEGY_EXECUTED, T0 + 30, strategy="shed_load", actions=["disable analytics", "scale"]),
        make_event(topics.STRATEGY_EXECUTED, T0 + 31, strategy="shift_traffic", actions="not a list"),
        make_event(topics.ESCALATE_TO_RECOVERY, T0 + 40, reason="window passed"),
        make_event(topics.ESCALATE_TO_RECOVERY, T0 + 41),
        make_event(topics.RECOVERY_STARTED, T0 + 42, tier="T1"),
        make_event(topics.RUNBOOK_STEP_COMPLETED, T0 + 43, runbook="t1", step="restart", outcome="FAILED"),
        make_event(topics.RUNBOOK_STEP_COMPLETED, T0 + 44, runbook="t1", step="flush", outcome="ok"),
        make_event(topics.FAULT_INJECTED, T0, fault_type="error"),
    ]
    facts = collect(chain)
    assert facts == ChainFacts(
        event_count=15,
        alert_metrics=("latency_p99", "error_rate"),
        detectors=("zscore", "threshold"),
        breakers_opened=("gateway->payments", "orders->payments"),
        degradations=("gateway FULL->REDUCED",),
        strategies=("shed_load", "shift_traffic"),
        adaptation_actions=("disable analytics", "scale"),
        escalation_reasons=("window passed", "no reason given"),
        tiers=(RecoveryTier.T1, RecoveryTier.T2),
        failed_steps=("t1/restart",),
        fault_types=("error",),
    )
    assert facts.known
    assert facts.escalated_to_recovery


def test_malformed_tiers_are_skipped(make_event: MakeEvent) -> None:
    facts = collect([make_event(topics.RECOVERY_STARTED, T0, tier="urgent"), make_event(topics.RECOVERY_STARTED, T0)])
    assert facts.tiers == ()


def test_describe_renders_known_topics(make_event: MakeEvent) -> None:
    entry = describe(
        make_event(
            topics.ALERT_FIRED,
            T0 + 3,
            severity="critical",
            service="payments",
            metric="error_rate",
            value=0.4,
            threshold=0.15,
        )
    )
    assert (entry.at, entry.kind) == (T0 + 3, "detection.alert_fired")
    assert entry.detail == "critical alert on payments error_rate (value 0.4, threshold 0.15)"


def test_describe_marks_missing_keys_and_names_unknown_topics(make_event: MakeEvent) -> None:
    assert describe(make_event(topics.BREAKER_OPENED, T0)).detail == "breaker ? opened (failure rate ?)"
    assert describe(make_event("system.heartbeat", T0)).detail == "system.heartbeat"
