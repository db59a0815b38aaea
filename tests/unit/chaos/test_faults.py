from __future__ import annotations

import pytest

from aref.errors import InvalidInputError
from chaos.faults import ActiveFault, EffectKind, FaultBoard, FaultSpec, FaultType, decide


def board(*faults: ActiveFault) -> FaultBoard:
    return FaultBoard(version=1, faults=faults)


def fault(service: str, kind: str, rate: float, start: float = 0.0, duration: float = 60.0) -> ActiveFault:
    spec = FaultSpec.build(service, kind, rate, duration)
    return ActiveFault(id=f"F-{kind}", spec=spec, started_at=start, expires_at=start + duration)


@pytest.mark.parametrize(
    ("kwargs", "field", "bound"),
    [
        ({"rate": 0.95}, "rate", "0.9"),
        ({"rate": 0.0}, "rate", "0.9"),
        ({"duration_s": 600}, "duration_s", "300"),
        ({"duration_s": 0}, "duration_s", "300"),
        ({"delay_ms": -1}, "delay_ms", ">= 0"),
        ({"fault_type": "meteor"}, "fault_type", "latency"),
    ],
)
def test_safety_bounds_name_the_field_and_the_bound(kwargs: dict[str, object], field: str, bound: str) -> None:
    args: dict[str, object] = {"service": "payments", "fault_type": "error", "rate": 0.8, "duration_s": 120}
    args.update(kwargs)
    with pytest.raises(InvalidInputError) as info:
        FaultSpec.build(**args)  # type: ignore[arg-type]
    assert info.value.field == field
    assert bound in info.value.reason


def test_latency_and_timeout_get_default_delays() -> None:
    assert FaultSpec.build("orders", "latency", 0.7, 90).delay_ms == 3000
    assert FaultSpec.build("orders", "timeout", 0.7, 90).delay_ms == 30000
    assert FaultSpec.build("orders", "latency", 0.7, 90, delay_ms=250).delay_ms == 250
    assert FaultSpec.build("orders", "error", 0.7, 90).fault_type is FaultType.ERROR


def test_decide_applies_a_fault_at_its_rate() -> None:
    b = board(fault("payments", "error", 0.8))
    assert decide(b, "payments", now=1.0, u=0.79).kind is EffectKind.ERROR
    assert decide(b, "payments", now=1.0, u=0.80).kind is EffectKind.NONE
    assert decide(b, "orders", now=1.0, u=0.0).kind is EffectKind.NONE


def test_expired_and_crash_faults_have_no_request_effect() -> None:
    b = board(fault("payments", "error", 0.9, start=0, duration=10), fault("payments", "crash", 0.5))
    assert decide(b, "payments", now=9.99, u=0.1).kind is EffectKind.ERROR
    assert decide(b, "payments", now=10.0, u=0.1).kind is EffectKind.NONE


def test_latency_effect_carries_the_delay() -> None:
    effect = decide(board(fault("orders", "latency", 0.5)), "orders", now=1.0, u=0.2)
    assert (effect.kind, effect.delay_ms, effect.fault_id) == (EffectKind.DELAY, 3000, "F-latency")


def test_board_round_trips_and_filters_by_service() -> None:
    b = board(fault("payments", "error", 0.8), fault("orders", "latency", 0.3))
    assert FaultBoard.from_dict(b.to_dict()) == b
    assert [f.spec.service for f in b.for_service("orders").faults] == ["orders"]


def test_a_fault_may_target_one_known_provider_of_its_service_with_errors_only() -> None:
    spec = FaultSpec.build("payments", "error", 0.8, 60, provider="adyen-sim")
    assert spec.provider == "adyen-sim"
    targeted = ActiveFault(id="F-p", spec=spec, started_at=0.0, expires_at=60.0)
    assert decide(board(targeted), "payments", 1.0, 0.1).kind is EffectKind.NONE
    assert decide(board(targeted), "payments", 1.0, 0.1, "stripe-sim").kind is EffectKind.NONE
    assert decide(board(targeted), "payments", 1.0, 0.1, "adyen-sim").kind is EffectKind.ERROR
    assert FaultSpec.build("payments", "error", 0.8, 60, provider="").provider is None
    for service, kind, provider, reason in [
        ("payments", "error", "visa-sim", "unknown 'visa-sim'"),
        ("orders", "error", "stripe-sim", "orders has no alternatives"),
        ("payments", "latency", "stripe-sim", "only an error fault"),
    ]:
        with pytest.raises(InvalidInputError) as refused:
            FaultSpec.build(service, kind, 0.5, 60, provider=provider)
        assert refused.value.field == "provider"
        assert reason in refused.value.reason


def test_a_board_with_a_targeted_fault_round_trips() -> None:
    spec = FaultSpec.build("payments", "error", 0.8, 60, provider="stripe-sim")
    original = board(ActiveFault(id="F-p", spec=spec, started_at=0.0, expires_at=60.0))
    assert FaultBoard.from_dict(original.to_dict()) == original
