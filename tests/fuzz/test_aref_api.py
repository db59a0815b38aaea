"""Property-based fuzzing of the ``aref`` app from its own OpenAPI (schemathesis, in process).

Every operation gets a bounded number of generated requests, valid and invalid, against the app
over the real engines on a fake clock. No answer may be a 5xx, and every answer must match the
status codes and schemas the OpenAPI declares.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from aref.config import ArefSettings
from aref.control.inprocess.transport import local_control_plane
from aref.dashboard.app import create_app
from aref.testing import FakeClock

SETTINGS = ArefSettings(api_token=None, store="memory", ray_dashboard_url="http://127.0.0.1:8265")
APP = create_app(local_control_plane(SETTINGS, FakeClock()), settings=SETTINGS)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
schema.config.generation.update(modes=list(schemathesis.GenerationMode), deterministic=True, database="none")
EXAMPLES = 30  # per operation, valid and invalid together: about half a minute for the whole API
CHECKS = (not_a_server_error, status_code_conformance, response_schema_conformance)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_5xx_and_every_answer_matches_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
