"""Pillar IV, Recovery: tiered T0–T4 recovery with automatic escalation and YAML runbooks.

Entry point: ``aref.recovery.engine.RecoveryEngine``. Runbooks: ``runbook_schema`` (load and
validate), ``step_kinds`` (the step kind registry), ``executor`` (step-by-step execution).
"""
