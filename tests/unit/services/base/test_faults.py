from __future__ import annotations

import asyncio

import pytest

from chaos.faults import ActiveFault, EffectKind, FaultBoard, FaultEffect, FaultSpec
from services.base.envelope import InjectedFaultError
from services.base.faults import FaultDraw, apply_effect


def board(fault_type: str, rate: float = 0.5, delay_ms: float | None = None, service: str = "payments") -> FaultBoard:
    spec = FaultSpec.build(service, fault_type, rate, 60, delay_ms)
    return FaultBoard(1, (ActiveFault("FLT-1", spec, started_at=0.0, expires_at=60.0),))


def draws(*values: float):  # type: ignore[no-untyped-def]
    remaining = list(values)
    return lambda: remaining.pop(0)


class Sleeps:
    def __init__(self) -> None:
        self.slept: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)


@pytest.mark.parametrize(
    ("fault_type", "u", "kind"),
    [
        ("error", 0.49, EffectKind.ERROR),
        ("error", 0.5, EffectKind.NONE),
        ("latency", 0.1, EffectKind.DELAY),
        ("timeout", 0.1, EffectKind.TIMEOUT),
        ("crash", 0.1, EffectKind.NONE),
    ],
)
def test_the_request_draw_follows_the_rate(fault_type: str, u: float, kind: EffectKind) -> None:
    assert FaultDraw(board(fault_type), "payments", 10.0, draws(u)).request().kind is kind


def test_faults_of_other_services_or_outside_their_window_do_nothing() -> None:
    assert FaultDraw(board("error"), "orders", 10.0, draws(0.0)).request().kind is EffectKind.NONE
    assert FaultDraw(board("error"), "payments", 60.0, draws(0.0)).request().kind is EffectKind.NONE


def test_fails_draws_once_per_attempt_and_remembers_the_hits() -> None:
    draw = FaultDraw(board("error", rate=0.5), "payments", 10.0, draws(0.1, 0.9, 0.2))

    assert [draw.fails("stripe-sim"), draw.fails("adyen-sim"), draw.fails(3)] == [True, False, True]
    assert [e.fault_id for e in draw.injected] == ["FLT-1", "FLT-1"]


def test_a_latency_fault_never_fails_an_attempt() -> None:
    assert FaultDraw(board("latency", rate=0.9), "payments", 10.0, draws(0.0)).fails() is False


def test_a_delay_sleeps_and_lets_the_request_go_on() -> None:
    sleeps = Sleeps()
    asyncio.run(apply_effect(FaultEffect(EffectKind.DELAY, 250.0, "FLT-1"), "orders", sleeps))
    assert sleeps.slept == [0.25]


def test_an_error_raises_503_unless_the_operation_takes_errors_itself() -> None:
    sleeps = Sleeps()
    effect = FaultEffect(EffectKind.ERROR, 0.0, "FLT-1")

    with pytest.raises(InjectedFaultError) as caught:
        asyncio.run(apply_effect(effect, "orders", sleeps))
    asyncio.run(apply_effect(effect, "orders", sleeps, errors=False))

    assert (caught.value.status, caught.value.kind, caught.value.fault_id) == (503, "error", "FLT-1")
    assert sleeps.slept == []


def test_a_timeout_sleeps_its_delay_then_raises_504() -> None:
    sleeps = Sleeps()

    with pytest.raises(InjectedFaultError) as caught:
        asyncio.run(apply_effect(FaultEffect(EffectKind.TIMEOUT, 3000.0, "FLT-2"), "orders", sleeps, errors=False))

    assert (caught.value.status, caught.value.delay_ms) == (504, 3000.0)
    assert sleeps.slept == [3.0]


def test_no_effect_does_nothing() -> None:
    sleeps = Sleeps()
    asyncio.run(apply_effect(FaultEffect(), "orders", sleeps))
    assert sleeps.slept == []


def test_a_fault_on_one_provider_hits_only_the_attempts_at_that_provider() -> None:
    spec = FaultSpec.build("payments", "error", 0.9, 60, provider="stripe-sim")
    targeted = FaultBoard(1, (ActiveFault("FLT-P", spec, started_at=0.0, expires_at=60.0),))
    draw = FaultDraw(targeted, "payments", 10.0, draws(0.0, 0.0, 0.0, 0.0))

    assert draw.request().kind is EffectKind.NONE  # never the whole request
    assert [draw.fails_on("stripe-sim"), draw.fails_on("adyen-sim"), draw.fails()] == [True, False, False]
    assert [e.fault_id for e in draw.injected] == ["FLT-P"]


def test_an_untargeted_fault_hits_the_attempts_at_every_provider() -> None:
    draw = FaultDraw(board("error", rate=0.5), "payments", 10.0, draws(0.1, 0.1))
    assert [draw.fails_on("stripe-sim"), draw.fails_on("adyen-sim")] == [True, True]
