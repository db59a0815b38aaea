from __future__ import annotations

import pytest

from aref.errors import BusyError, ConflictError, InvalidInputError, NotFoundError
from aref.testing import FakeClock, MemoryStore
from services.payments.ledger import BY_ORDER, STALE_CLAIM_S, PaymentLedger
from services.payments.providers import ProviderBoard, ProviderPolicy
from tests.unit.services.fakes import counting_ids


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(100.0)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def ledger(store: MemoryStore, clock: FakeClock) -> PaymentLedger:
    providers = ProviderBoard(store, clock, policy=ProviderPolicy(failure_threshold=2, cooldown_s=30.0))
    return PaymentLedger(store, clock, providers, counting_ids())


def failing(*names: str):  # type: ignore[no-untyped-def]
    return lambda provider: provider in names


def test_a_healthy_primary_captures_the_payment(ledger: PaymentLedger, store: MemoryStore) -> None:
    payment = ledger.process("ORD-1", 19.999, currency="usd")

    assert payment == {
        "id": "PAY-1",
        "order_id": "ORD-1",
        "amount": 20.0,
        "currency": "USD",
        "status": "captured",
        "provider": "stripe-sim",
        "routed_to": "stripe-sim",
        "failover": False,
        "attempts": [{"provider": "stripe-sim", "outcome": "captured"}],
        "error": None,
        "refunded": 0.0,
        "refunds": [],
        "settlement_id": None,
        "created_at": 100.0,
        "updated_at": 100.0,
    }
    assert store.get(BY_ORDER, "ORD-1") == {"payment_id": "PAY-1", "status": "captured", "at": 100.0}


def test_a_failing_provider_fails_over_to_the_next_in_order(ledger: PaymentLedger) -> None:
    payment = ledger.process("ORD-1", 10, provider_fails=failing("stripe-sim"))

    assert (payment["status"], payment["provider"], payment["failover"]) == ("captured", "adyen-sim", True)
    assert payment["attempts"] == [
        {"provider": "stripe-sim", "outcome": "failed"},
        {"provider": "adyen-sim", "outcome": "captured"},
    ]
    assert ledger.providers.health("stripe-sim")["consecutive_failures"] == 1


def test_traffic_weights_route_to_the_backup_first(ledger: PaymentLedger) -> None:
    payment = ledger.process("ORD-1", 10, traffic={"primary": 0, "backup": 100}, u=0.42)

    assert (payment["routed_to"], payment["provider"], payment["failover"]) == ("adyen-sim", "adyen-sim", False)


def test_an_unhealthy_provider_is_skipped_until_its_cooldown_ends(ledger: PaymentLedger, clock: FakeClock) -> None:
    ledger.process("ORD-1", 10, provider_fails=failing("stripe-sim"))
    ledger.process("ORD-2", 10, provider_fails=failing("stripe-sim"))

    skipped = ledger.process("ORD-3", 10)
    clock.advance(30)
    trial = ledger.process("ORD-4", 10)

    assert skipped["attempts"][0] == {"provider": "stripe-sim", "outcome": "skipped", "reason": "unhealthy"}
    assert (skipped["provider"], skipped["failover"]) == ("adyen-sim", True)
    assert (trial["provider"], trial["failover"]) == ("stripe-sim", False)


def test_when_every_provider_fails_the_payment_is_recorded_failed_and_the_order_can_retry(
    ledger: PaymentLedger, store: MemoryStore
) -> None:
    failed = ledger.process("ORD-1", 10, provider_fails=lambda _: True)

    assert (failed["status"], failed["provider"], failed["error"]) == (
        "failed",
        None,
        "every available payment provider failed",
    )
    assert [a["outcome"] for a in failed["attempts"]] == ["failed", "failed", "failed"]
    assert store.get(BY_ORDER, "ORD-1") is None
    assert ledger.process("ORD-1", 10)["status"] == "captured"


def test_with_no_provider_available_nothing_is_attempted(ledger: PaymentLedger) -> None:
    ledger.process("ORD-1", 10, provider_fails=lambda _: True)
    ledger.process("ORD-2", 10, provider_fails=lambda _: True)

    payment = ledger.process("ORD-3", 10)

    assert payment["error"] == "no payment provider available (all unhealthy)"
    assert [a["outcome"] for a in payment["attempts"]] == ["skipped", "skipped", "skipped"]


def test_a_captured_order_replays_its_payment_instead_of_charging_twice(ledger: PaymentLedger) -> None:
    first = ledger.process("ORD-1", 10)

    again = ledger.process("ORD-1", 10)

    assert again == first
    assert ledger.stats()["total"] == 1


def test_a_concurrent_attempt_for_the_same_order_is_refused_until_the_claim_lapses(
    ledger: PaymentLedger, store: MemoryStore, clock: FakeClock
) -> None:
    store.put(BY_ORDER, "ORD-1", {"payment_id": "PAY-0", "status": "processing", "at": clock.now()})

    with pytest.raises(BusyError, match="in progress"):
        ledger.process("ORD-1", 10)
    clock.advance(STALE_CLAIM_S)
    assert ledger.process("ORD-1", 10)["status"] == "captured"


@pytest.mark.parametrize(
    ("order_id", "amount", "field"), [("", 10, "order_id"), ("ORD-1", 0, "amount"), ("ORD-1", float("nan"), "amount")]
)
def test_bad_payment_input_names_the_field(ledger: PaymentLedger, order_id: str, amount: float, field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        ledger.process(order_id, amount)
    assert caught.value.field == field


def test_refunds_never_exceed_what_was_captured(ledger: PaymentLedger, clock: FakeClock) -> None:
    payment = ledger.process("ORD-1", 50)
    clock.advance(1)

    partial = ledger.refund(payment["id"], 20, reason="one item returned")
    with pytest.raises(ConflictError):
        ledger.refund(payment["id"], 30.01)
    rest = ledger.refund(payment["id"])

    assert (partial["status"], partial["refunded"]) == ("partially_refunded", 20.0)
    assert (rest["status"], rest["refunded"]) == ("refunded", 50.0)
    assert rest["refunds"] == [
        {"amount": 20.0, "reason": "one item returned", "at": 101.0},
        {"amount": 30.0, "reason": "", "at": 101.0},
    ]
    with pytest.raises(ConflictError):
        ledger.refund(payment["id"], 1)


def test_failed_and_unknown_payments_cannot_be_refunded(ledger: PaymentLedger) -> None:
    failed = ledger.process("ORD-1", 10, provider_fails=lambda _: True)
    with pytest.raises(ConflictError):
        ledger.refund(failed["id"])
    with pytest.raises(NotFoundError):
        ledger.refund("PAY-404")


def test_settlement_batches_every_unsettled_capture_once(ledger: PaymentLedger) -> None:
    a = ledger.process("ORD-1", 10)
    b = ledger.process("ORD-2", 30)
    ledger.refund(b["id"], 5)
    ledger.process("ORD-3", 99, provider_fails=lambda _: True)

    settlement = ledger.settle()
    nothing = ledger.settle()

    assert settlement["payment_ids"] == [a["id"], b["id"]]
    assert (settlement["count"], settlement["gross"], settlement["refunded"], settlement["net"]) == (2, 40.0, 5.0, 35.0)
    assert ledger.get(a["id"])["settlement_id"] == settlement["id"]
    assert (nothing["id"], nothing["count"], nothing["payment_ids"]) == (None, 0, [])


def test_find_and_stats_summarise_the_ledger(ledger: PaymentLedger) -> None:
    ledger.process("ORD-1", 10)
    ledger.process("ORD-2", 20, provider_fails=failing("stripe-sim"))
    ledger.process("ORD-3", 30, provider_fails=lambda _: True)

    assert [p["order_id"] for p in ledger.find()] == ["ORD-3", "ORD-2", "ORD-1"]
    assert [p["order_id"] for p in ledger.find(status="failed")] == ["ORD-3"]
    assert [p["order_id"] for p in ledger.find(order_id="ORD-2")] == ["ORD-2"]
    stats = ledger.stats()
    assert stats["by_status"] == {"captured": 2, "failed": 1, "partially_refunded": 0, "refunded": 0}
    assert (stats["success_rate"], stats["captured_volume"], stats["failovers"], stats["unsettled"]) == (
        0.6667,
        30.0,
        1,
        2,
    )
    assert stats["by_provider"]["stripe-sim"] == {"captured": 1, "failed_attempts": 2}
    assert stats["by_provider"]["adyen-sim"] == {"captured": 1, "failed_attempts": 1}
    with pytest.raises(InvalidInputError):
        ledger.find(status="pending")


def test_with_the_primary_failing_the_backup_captures_and_the_counters_show_it(ledger: PaymentLedger) -> None:
    payments = [ledger.process(f"ORD-{i}", 10, provider_fails=failing("stripe-sim")) for i in range(6)]

    assert {p["status"] for p in payments} == {"captured"}
    assert {p["provider"] for p in payments} == {"adyen-sim"}
    counters = {h["name"]: (h["successes"], h["failures"]) for h in ledger.providers.all()}
    assert counters == {"stripe-sim": (0, 2), "adyen-sim": (6, 0), "paypal-sim": (0, 0)}  # skipped once unhealthy
