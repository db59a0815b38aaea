"""Each recovery action acts on the in-process stack and measures its effect; rollback undoes the
newest control change; verify conditions read detection's live telemetry; the runner bridge keeps
work in flight PENDING and never loops on a condition that does not hold."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from aref.control.inprocess.transport import InProcessTransport
from aref.control.pillar import Effect
from aref.control.pillars.absorption import AbsorptionService
from aref.control.pillars.adaptation import AdaptationService
from aref.control.pillars.recovery import RecoveryService
from aref.control.pillars.recovery_actions import RecoveryActions
from aref.control.pillars.recovery_checks import RecoveryChecks
from aref.control.pillars.recovery_runner import Outcome, PortRunner, Then
from aref.models import HealthSample, RecoveryTier
from aref.recovery.defaults import default_runbooks
from aref.recovery.step_kinds import StepContext, StepProgress, StepResult, Verdict
from aref.testing import FakeClock
from tests.unit.control.pillars.env import T0, pillar_settings

run = asyncio.run


def ctx(service: str = "payments", step: int = 0, recovery: str = "REC-1") -> StepContext:
    return StepContext(recovery, "COR-1", service, "rb", RecoveryTier.T1, step, T0, T0)


def stack() -> tuple[InProcessTransport, RecoveryActions]:
    t = InProcessTransport(pillar_settings(), FakeClock(T0), runbooks=default_runbooks())
    return t, t.raw(RecoveryService).actions


def done(outcome: Outcome) -> StepResult:
    assert isinstance(outcome, StepResult)
    return outcome


def test_shift_traffic_moves_off_the_heaviest_route_and_rollback_undoes_it() -> None:
    t, actions = stack()
    shifted = done(run(actions.shift_traffic({}, ctx())))
    assert shifted.progress == StepProgress.DONE
    assert run(t.adaptation.control_for("payments"))["traffic"] == {"primary": 0, "backup": 100}
    assert shifted.check == "payments control state reads {'primary': 0, 'backup': 100}"
    back = done(run(actions.rollback_last_change({}, ctx())))
    assert back.progress == StepProgress.DONE
    assert run(t.adaptation.control_for("payments"))["traffic"] == {"primary": 100, "backup": 0}
    nothing = done(run(actions.rollback_last_change({}, ctx())))
    assert (nothing.progress, nothing.detail) == (StepProgress.FAILED, "recovery made no control change to roll back")


def test_scale_waits_until_the_replicas_run_and_rollback_scales_back() -> None:
    t, actions = stack()
    scaled = done(run(actions.scale({"delta": 1}, ctx("orders"))))
    assert scaled.progress == StepProgress.DONE
    assert scaled.evidence == {"before": 1, "target": 2, "running": 2}
    assert t.fleet.running("orders") == 2
    done(run(actions.rollback_last_change({}, ctx("orders"))))
    assert t.fleet.running("orders") == 1


def test_page_and_status_page_reach_the_notifications_service() -> None:
    t, actions = stack()
    page = done(run(actions.page({"team": "payments-oncall"}, ctx())))
    status = done(run(actions.status_page({"state": "degraded"}, ctx())))
    assert [m["channel"] for m in t.notifications.sent] == ["sms", "webhook"]
    assert t.notifications.sent[0]["recipient"] == "payments-oncall"
    assert page.check == f"notifications answered 201, message {t.notifications.sent[0]['id']} sent"
    assert status.evidence["notification_id"] == t.notifications.sent[1]["id"]


def test_declare_reads_the_incident_record_back() -> None:
    t, _ = stack()
    service: RecoveryService = t.raw(RecoveryService)
    rec = service.engine.begin_recovery("payments", "COR-9")
    declared = done(run(service.actions.declare({}, ctx(recovery=rec.id))))
    assert declared.evidence == {"incident_id": rec.incident.id}
    assert declared.check == f"incident record {rec.incident.id} stored, status recovering"


def test_error_rate_conditions_read_detections_latest_window() -> None:
    t, _ = stack()
    checks = RecoveryChecks(t.raw(RecoveryService).actions._peers)
    empty = run(checks.error_rate_below({}, ctx()))
    assert (empty.holds, empty.measured) == (
        False,
        "no requests of payments in detection's latest window; below 0.05 wanted",
    )
    t.ingest(HealthSample("payments", T0, requests=100, errors=30))
    above = run(checks.error_rate_above({"threshold": 0.2}, ctx()))
    below = run(checks.error_rate_below({"threshold": 0.05}, ctx()))
    assert (above.holds, below.holds) == (True, False)
    assert "payments error rate 0.300 (30/100)" in above.measured


class Host:
    """Queued effects run on ``settle``, as the service host runs them."""

    def __init__(self) -> None:
        self.queued: list[Effect] = []
        self.advanced = 0

    def later(self, effect: Effect) -> None:
        self.queued.append(effect)

    def advance(self) -> None:
        self.advanced += 1

    def settle(self) -> None:
        while self.queued:
            effect = self.queued.pop(0)
            run(effect())


def test_the_runner_keeps_work_pending_follows_up_once_per_poll_and_advances_when_done() -> None:
    host = Host()
    polls = iter([False, True])

    async def wait(params: Mapping[str, Any], context: StepContext) -> Outcome:
        return Then("waiting", follow)

    async def follow() -> Outcome:
        return StepResult.done("replaced") if next(polls) else Then("still waiting", follow)

    runner = PortRunner({"wait": wait}, {}, host.later, host.advance)
    assert runner.run("wait", {}, ctx()).detail == "wait started"
    assert runner.run("wait", {}, ctx()).detail == "wait in progress"  # queued, not run yet
    host.settle()
    assert host.advanced == 0  # a follow-up waits for the next poll
    assert runner.run("wait", {}, ctx()).detail == "waiting"
    host.settle()
    assert (runner.run("wait", {}, ctx()).detail, host.advanced) == ("still waiting", 0)
    host.settle()
    assert host.advanced == 1
    assert runner.run("wait", {}, ctx()) == StepResult.done("replaced")
    assert runner.run("unknown", {}, ctx(step=1)).progress == StepProgress.FAILED


def test_a_forgotten_recovery_keeps_nothing_not_even_work_that_finishes_later() -> None:
    host = Host()

    async def act(params: Mapping[str, Any], context: StepContext) -> Outcome:
        return StepResult.done("done")

    async def rate(params: Mapping[str, Any], context: StepContext) -> Verdict:
        return Verdict(False, "0.3")

    runner = PortRunner({"act": act}, {"rate": rate}, host.later, host.advance)
    runner.run("act", {}, ctx(step=0))  # finishes, but is never polled again (the step timed out)
    runner.check("rate", {}, ctx(step=1))
    host.settle()
    runner.run("act", {}, ctx(step=2, recovery="REC-2"))
    runner.run("act", {}, ctx(step=3))  # still queued when its recovery ends
    assert runner.kept == 4
    runner.forget("REC-1")
    host.settle()
    assert runner.kept == 1  # REC-2's result, waiting for its poll
    assert runner.run("act", {}, ctx(step=2, recovery="REC-2")) == StepResult.done("done")
    assert runner.kept == 0


def test_the_runner_reads_a_condition_on_every_poll_and_advances_only_when_it_holds() -> None:
    host = Host()
    readings = iter([Verdict(False, "0.3"), Verdict(True, "0.01")])

    async def rate(params: Mapping[str, Any], context: StepContext) -> Verdict:
        return next(readings)

    runner = PortRunner({}, {"rate": rate}, host.later, host.advance)
    assert runner.check("rate", {}, ctx()) == Verdict(False, "reading rate")
    host.settle()
    assert host.advanced == 0
    assert runner.check("rate", {}, ctx()) == Verdict(False, "0.3")
    host.settle()
    assert host.advanced == 1
    assert runner.check("rate", {}, ctx()) == Verdict(True, "0.01")
    assert runner.check("nope", {}, ctx()).measured == "the verifier cannot check 'nope'"


def test_shedding_flags_already_off_reads_them_off_and_a_tier_already_severe_is_left() -> None:
    t, actions = stack()
    flags = run(t.adaptation.status())["flags"]
    optional = sorted(n for n, f in flags.items() if f["service"] == "orders" and not f["critical"])
    for name in optional:
        run(t.adaptation.toggle_flag(name, False))
    shed = done(run(actions.shed_load({}, ctx("orders"))))
    assert (shed.progress, shed.evidence["flags_off"]) == (StepProgress.DONE, optional)
    assert shed.detail == "non-critical flags of orders were already off: nothing left to shed"
    run(t.absorption.set_tier("orders", "emergency"))
    left = done(run(actions.set_degradation({"level": "minimal"}, ctx("orders"))))
    assert (left.progress, left.check) == (StepProgress.DONE, "absorption pushes tier emergency for orders")
    assert run(t.absorption.tiers())["orders"] == "emergency"


def test_shifting_a_service_already_off_its_primary_route_leaves_it_there() -> None:
    t, actions = stack()
    run(t.adaptation.set_weights("payments", {"primary": 0, "backup": 100}))
    left = done(run(actions.shift_traffic({}, ctx())))
    assert (left.progress, left.evidence) == (StepProgress.DONE, {"weights": {"primary": 0, "backup": 100}})
    assert run(t.adaptation.control_for("payments"))["traffic"] == {"primary": 0, "backup": 100}


def test_a_message_the_notifications_service_shed_is_a_failed_step() -> None:
    t, actions = stack()

    async def shed(channel: str, recipient: str, message: str, priority: str) -> dict[str, Any]:
        return {"status": 200, "body": {"id": "NTF-1", "status": "shed"}}

    t.notifications.notify = shed  # type: ignore[method-assign]
    page = done(run(actions.page({}, ctx())))
    assert (page.progress, page.check) == (StepProgress.FAILED, "notifications answered 200, message NTF-1 shed")


def test_undoing_a_resolved_recovery_sets_back_flags_and_scale_but_keeps_the_weights() -> None:
    t, actions = stack()
    done(run(actions.scale({"delta": 1}, ctx("orders"))))
    done(run(actions.shift_traffic({}, ctx("orders"))))
    done(run(actions.set_flag({"flag": "notifications.search", "enabled": False}, ctx("orders"))))
    flag = {"flag": "notifications.analytics", "enabled": False}
    other = done(run(actions.set_flag(flag, ctx("orders", recovery="REC-2"))))
    assert other.progress == StepProgress.DONE
    assert len(run(actions.undo_recovery("REC-1"))) == 2
    flags = run(t.adaptation.control_for("notifications"))["flags"]
    assert (flags["notifications.search"], flags["notifications.analytics"]) == (True, False)  # REC-2's flag stays
    assert t.fleet.running("orders") == 1
    assert run(t.adaptation.control_for("orders"))["traffic"] == {"primary": 0, "backup": 100}


def test_undoing_a_drill_sets_the_weights_back_too() -> None:
    t, actions = stack()
    before = run(t.adaptation.control_for("payments"))["traffic"]
    done(run(actions.shift_traffic({}, ctx())))
    assert run(t.adaptation.control_for("payments"))["traffic"] == {"primary": 0, "backup": 100}
    assert len(run(actions.undo_recovery("REC-1", weights=True))) == 1
    assert run(t.adaptation.control_for("payments"))["traffic"] == before


def test_undoing_sets_a_restored_flag_and_a_lifted_pin_back_once_without_flapping() -> None:
    t, actions = stack()
    done(run(actions.set_degradation({"level": "minimal"}, ctx())))
    done(run(actions.set_flag({"flag": "payments.analytics", "enabled": False}, ctx())))
    done(run(actions.set_degradation({"level": "full"}, ctx())))
    done(run(actions.restore_flags({}, ctx())))
    toggles: list[tuple[str, bool]] = []
    pins: list[tuple[str, str | None]] = []
    adaptation, absorption = t.raw(AdaptationService), t.raw(AbsorptionService)
    toggle, set_tier = adaptation.toggle_flag, absorption.set_tier

    async def record_toggle(name: str, enabled: bool) -> Any:
        toggles.append((name, enabled))
        return await toggle(name, enabled)

    async def record_pin(service: str, tier: str | None, reason: str = "") -> Any:
        pins.append((service, tier))
        return await set_tier(service, tier, reason)

    adaptation.toggle_flag = record_toggle  # type: ignore[method-assign]
    absorption.set_tier = record_pin  # type: ignore[method-assign]
    assert len(run(actions.undo_recovery("REC-1"))) == 4
    assert (toggles, pins) == ([("payments.analytics", True)], [("payments", None)])
    assert run(t.adaptation.control_for("payments"))["flags"]["payments.analytics"] is True
    assert "payments" not in run(t.absorption.status())["pinned_tiers"]
