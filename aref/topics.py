"""The cross-pillar event contract: every topic one engine publishes and another consumes.

Payload keys listed here are the contract; engines may add keys, never drop or rename these.
All events of one incident share the ``correlation_id`` detection gave its first alert.

detection.alert_fired          alert_id, fingerprint, service, metric, detector, severity,
                               value, threshold, onset_at, fired_at, detection_class
detection.alert_acknowledged   alert_id, fingerprint, service
detection.alert_resolved       alert_id, fingerprint, service, resolved_at
absorption.circuit_breaker_opened     breaker, service, dependency, failure_rate
absorption.circuit_breaker_half_open  breaker, service, dependency
absorption.circuit_breaker_closed     breaker, service, dependency
absorption.degradation_changed        service, from_tier, to_tier, reason
adaptation.strategy_executed   strategy, service, anomaly_class, actions (list of str), alert_id
adaptation.scale_requested     service, current, desired, reason
adaptation.flag_changed        flag, service, enabled, reason
adaptation.traffic_shifted     service, weights (dict route -> int)
adaptation.escalate_to_recovery  service, alert_id, reason
recovery.recovery_started      recovery_id, incident (Incident record), tier
recovery.tier_escalated        recovery_id, from_tier, to_tier
recovery.runbook_step_completed  recovery_id, runbook, step, kind, outcome
recovery.recovery_resolved     recovery_id, incident (Incident record), tier
evolution.review_generated     review_id, incident_id, action_item_ids
evolution.recurrence_detected  incident_id, signature, previous_incident_ids
chaos.fault_injected           fault_id, service, fault_type, rate, delay_ms, duration_s
chaos.fault_rolled_back        fault_id, service, reason
"""

from __future__ import annotations

ALERT_FIRED = "detection.alert_fired"
ALERT_ACKNOWLEDGED = "detection.alert_acknowledged"
ALERT_RESOLVED = "detection.alert_resolved"
NO_DATA = "no_data"
"""An ``ALERT_RESOLVED`` payload's ``reason`` when the alert's service sent nothing to judge."""
BREAKER_OPENED = "absorption.circuit_breaker_opened"
BREAKER_HALF_OPEN = "absorption.circuit_breaker_half_open"
BREAKER_CLOSED = "absorption.circuit_breaker_closed"
DEGRADATION_CHANGED = "absorption.degradation_changed"
STRATEGY_EXECUTED = "adaptation.strategy_executed"
SCALE_REQUESTED = "adaptation.scale_requested"
FLAG_CHANGED = "adaptation.flag_changed"
TRAFFIC_SHIFTED = "adaptation.traffic_shifted"
ESCALATE_TO_RECOVERY = "adaptation.escalate_to_recovery"
RECOVERY_STARTED = "recovery.recovery_started"
TIER_ESCALATED = "recovery.tier_escalated"
RUNBOOK_STEP_COMPLETED = "recovery.runbook_step_completed"
RECOVERY_RESOLVED = "recovery.recovery_resolved"
REVIEW_GENERATED = "evolution.review_generated"
RECURRENCE_DETECTED = "evolution.recurrence_detected"
FAULT_INJECTED = "chaos.fault_injected"
FAULT_ROLLED_BACK = "chaos.fault_rolled_back"
