from __future__ import annotations

import pytest

from aref.errors import BusyError, ConflictError, InvalidInputError, NotFoundError, RejectedError, StoreError
from services.base.envelope import Envelope, InjectedFaultError, error_envelope, is_injected


@pytest.mark.parametrize(
    ("exc", "status", "body"),
    [
        (InvalidInputError("amount", "must be > 0"), 422, {"error": "amount: must be > 0", "field": "amount"}),
        (NotFoundError("order", "ORD-1"), 404, {"error": "unknown order: 'ORD-1'", "kind": "order", "key": "ORD-1"}),
        (ConflictError("order ORD-1 is cancelled"), 409, {"error": "order ORD-1 is cancelled"}),
        (
            RejectedError("circuit_breaker", "gateway->payments"),
            503,
            {
                "error": "circuit_breaker 'gateway->payments' rejected the call",
                "guard": "circuit_breaker",
                "name": "gateway->payments",
            },
        ),
        (
            RejectedError("rate_limiter", "gateway->orders"),
            429,
            {
                "error": "rate_limiter 'gateway->orders' rejected the call",
                "guard": "rate_limiter",
                "name": "gateway->orders",
            },
        ),
        (StoreError("disk full"), 503, {"error": "store unavailable: disk full"}),
        (KeyError("secret detail"), 500, {"error": "internal error (KeyError)"}),
    ],
)
def test_errors_map_to_one_status_each(exc: Exception, status: int, body: dict[str, str]) -> None:
    assert error_envelope(exc) == Envelope(status, body)


def test_a_busy_claim_is_a_503_that_says_when_to_retry() -> None:
    envelope = error_envelope(BusyError("a payment for order ORD-1 is already in progress", retry_after_s=2))

    assert envelope == Envelope(
        503, {"error": "a payment for order ORD-1 is already in progress", "busy": True}, headers={"Retry-After": "2"}
    )


def test_an_injected_fault_names_itself_and_is_recognised_as_never_run() -> None:
    envelope = error_envelope(InjectedFaultError(504, "timeout", "FLT-1", "orders", 3000.0))

    assert envelope == Envelope(
        504,
        {
            "error": "injected timeout fault in orders",
            "fault": {"id": "FLT-1", "kind": "timeout", "service": "orders", "delay_ms": 3000.0},
        },
    )
    assert is_injected(envelope)
    assert not is_injected(Envelope(503, {"error": "store unavailable"}))
    assert not is_injected(Envelope(200, {"fault": {}}))


def test_ok_and_error_views() -> None:
    assert Envelope(201, {}).ok
    assert not Envelope(201, {}).server_error
    assert Envelope(409, {"error": "taken"}).error == "taken"
    assert Envelope(502, "boom").error == "HTTP 502"
    assert Envelope(200, {"error": "ignored"}).error is None


def test_round_trip_through_a_handle_and_malformed_answers() -> None:
    envelope = Envelope(201, {"id": "ORD-1"})

    assert Envelope.from_dict(envelope.to_dict()) == envelope
    assert Envelope.from_dict({"status": "200", "body": {}}).status == 502
    assert Envelope.from_dict(None) == Envelope(502, {"error": "malformed answer from downstream: NoneType"})
