"""Bad input never yields a 500: 404 with a message, 422 naming the field or bound."""

from __future__ import annotations

import pytest

from tests.integration.helpers import api
from tests.stack import Stack


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "says"),
    [
        ("POST", "/api/aref/services/billing/scale", {"replicas": 2}, 404, "billing"),
        ("POST", "/api/aref/chaos/start", {"experiment": "meteor_strike"}, 404, "meteor_strike"),
        (
            "POST",
            "/api/aref/chaos/start",
            {"service": "payments", "fault_type": "error", "rate": 0.95, "duration_s": 30},
            422,
            "0.9",
        ),
        (
            "POST",
            "/api/aref/chaos/start",
            {"service": "payments", "fault_type": "error", "rate": 0.5, "duration_s": 600},
            422,
            "300",
        ),
        ("POST", "/api/aref/services/payments/scale", {"replicas": 99}, 422, "replicas"),
        ("POST", "/api/aref/alerts/ALR-nope/ack", None, 404, "ALR-nope"),
        ("POST", "/gateway/api/orders", {"customer": "x", "items": []}, 422, "items"),
        ("GET", "/api/aref/timeline?severity=loud", None, 422, "severity"),
    ],
)
def test_bad_input_is_a_4xx_with_a_message(
    stack: Stack, method: str, path: str, body: object, status: int, says: str
) -> None:
    reply = api(method, path, json=body) if body is not None else api(method, path)
    assert reply.status_code == status, reply.text
    assert says in reply.text


@pytest.mark.parametrize("path", ["/api/aref/chaos/start", "/gateway/api/orders", "/payments/process"])
def test_malformed_json_is_a_422(stack: Stack, path: str) -> None:
    reply = api("POST", path, content=b"{not json", headers={"content-type": "application/json"})
    assert reply.status_code == 422, reply.text
