"""Property-based fuzzing of the gateway's HTTP API on the running stack (schemathesis).

The gateway is a Serve application (its routes need a live replica), so it is fuzzed through
Serve's proxy from the OpenAPI it serves: a bounded number of generated requests per operation
and generation mode (valid, invalid). No answer may be a 5xx, and every answer must match the
status codes and schemas it declares. The schema is loaded inside the test, once the stack is up
(schemathesis' ``from_fixture`` does not run under pytest 9).
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.stack import HTTP, Stack

GATEWAY = f"{HTTP}/gateway"
EXAMPLES = 15  # per operation and mode: a valid order is a real order through the whole pipeline
CHECKS = (not_a_server_error, status_code_conformance, response_schema_conformance)


def test_the_gateway_answers_no_5xx_and_matches_its_schema(stack: Stack) -> None:
    schema = schemathesis.openapi.from_url(f"{GATEWAY}/openapi.json")
    schema.config.update(base_url=GATEWAY)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert any(op.path == "/api/orders" for op in operations)
    for operation in operations:
        for mode in schemathesis.GenerationMode:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
            def answers_well(case: schemathesis.Case) -> None:
                case.call_and_validate(checks=CHECKS, timeout=30)

            try:
                answers_well()
            except Unsatisfiable:
                assert mode is schemathesis.GenerationMode.NEGATIVE, f"no valid request for {operation.label}"
                # nothing about this operation can be made invalid (no parameters, no body)
