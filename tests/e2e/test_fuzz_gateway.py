"""Property-based fuzzing of the gateway's HTTP API on the running stack (schemathesis).

The gateway is a Serve application (its routes need a live replica), so it is fuzzed through
Serve's proxy from the OpenAPI it serves: a bounded number of generated requests per operation,
valid and invalid. No answer may be a 5xx, and every answer must match its declared schemas.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.stack import HTTP, Stack

GATEWAY = f"{HTTP}/gateway"
EXAMPLES = 20  # per operation: a valid order is a real order through the whole pipeline
CHECKS = (not_a_server_error, status_code_conformance, response_schema_conformance)


@pytest.fixture
def gateway_schema(stack: Stack) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_url(f"{GATEWAY}/openapi.json")
    schema.config.update(base_url=GATEWAY)
    schema.config.generation.update(modes=list(schemathesis.GenerationMode), deterministic=True, database="none")
    return schema


schema = schemathesis.pytest.from_fixture("gateway_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_gateway_answers_no_5xx_and_matches_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS, timeout=30)
