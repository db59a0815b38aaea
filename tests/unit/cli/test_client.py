"""ArefClient: paths, the bearer token on changes, and how failures become CLI errors."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from aref.cli.client import ArefClient
from aref.cli.errors import ApiError, UnreachableError
from aref.control.plane import ControlPlane
from aref.dashboard.app import create_app
from tests.unit.cli.conftest import TOKEN, URL, make_settings


def scripted(handler: httpx.MockTransport, token: str | None = None) -> ArefClient:
    return ArefClient(URL, httpx.Client(transport=handler), token=token)


def recorder(
    status: int = 200, body: object = None, text: str | None = None, token: str | None = None
) -> tuple[list[httpx.Request], ArefClient]:
    """A client over a fake transport answering ``status`` with ``body`` (or ``text``), and what it was sent."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, text=text) if text is not None else httpx.Response(status, json=body)

    return seen, scripted(httpx.MockTransport(handle), token)


def test_reads_are_gets_under_the_api_prefix_with_only_the_given_filters() -> None:
    seen, client = recorder(body={"events": []})
    client.timeline(category="chaos", limit=5)
    client.maturity("innovation_heavy")
    client.maturity()
    assert [str(r.url) for r in seen] == [
        f"{URL}/api/aref/timeline?category=chaos&limit=5",
        f"{URL}/api/aref/maturity?profile=innovation_heavy",
        f"{URL}/api/aref/maturity",
    ]
    assert {r.method for r in seen} == {"GET"}


def test_changes_are_posts_with_the_token_and_quoted_names() -> None:
    seen, client = recorder(body={}, token=TOKEN)
    client.set_flag("payments.analytics", False)
    client.scale("a/b", 2)
    assert [(r.method, r.url.raw_path.decode(), r.content) for r in seen] == [
        ("POST", "/api/aref/adaptation/flags/payments.analytics", b'{"enabled":false}'),
        ("POST", "/api/aref/services/a%2Fb/scale", b'{"replicas":2}'),
    ]
    assert {r.headers["Authorization"] for r in seen} == {f"Bearer {TOKEN}"}


def test_without_a_token_no_authorization_header_is_sent() -> None:
    seen, client = recorder(body={})
    client.stop_chaos()
    client.status()
    assert ["Authorization" in r.headers for r in seen] == [False, False]


def test_a_transport_failure_is_unreachable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused")

    with pytest.raises(UnreachableError) as caught:
        scripted(httpx.MockTransport(refuse)).status()
    assert caught.value.format_message() == f"cannot reach AREF at {URL}: [Errno 111] Connection refused"
    assert caught.value.exit_code == 2


def test_an_api_error_keeps_the_message_and_field() -> None:
    _, client = recorder(422, {"error": "replicas: must be <= 10", "field": "replicas"})
    with pytest.raises(ApiError) as caught:
        client.scale("payments", 99)
    assert (caught.value.status, caught.value.error, caught.value.field) == (422, "replicas: must be <= 10", "replicas")
    assert caught.value.format_message() == "error 422: replicas: must be <= 10"


def test_a_field_missing_from_the_message_is_named() -> None:
    _, client = recorder(422, {"error": "must be positive", "field": "rate"})
    with pytest.raises(ApiError, match=r"^error 422: must be positive \(field: rate\)$"):
        client.stop_chaos()


def test_an_error_without_the_api_shape_shows_the_start_of_its_body() -> None:
    _, client = recorder(502, text="Bad gateway from the proxy")
    with pytest.raises(ApiError, match=r"^error 502: Bad gateway from the proxy$"):
        client.status()


def test_a_success_that_is_not_json_is_an_error() -> None:
    _, client = recorder(200, text="<html>not aref</html>")
    with pytest.raises(ApiError, match="answered with something that is not JSON"):
        client.status()


def test_a_guarded_api_refuses_a_change_without_the_token_and_says_how_to_pass_it(plane: ControlPlane) -> None:
    settings = make_settings(api_token=TOKEN)
    app = create_app(plane, settings=settings)
    anonymous = ArefClient(URL, TestClient(app, base_url=URL))
    with pytest.raises(ApiError) as caught:
        anonymous.scale("payments", 2)
    assert caught.value.status == 401
    assert caught.value.format_message().endswith("(pass --token or set AREF_API_TOKEN)")
    assert anonymous.status()["version"]  # reads need no token
    allowed = ArefClient(URL, TestClient(app, base_url=URL), token=TOKEN)
    assert allowed.scale("payments", 2)["target"] == 2
