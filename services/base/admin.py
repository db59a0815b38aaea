"""Operator routes of a service need ``AREF_API_TOKEN`` when it is set.

A route declared with ``tags=[ADMIN]`` is an operator's (replenish stock, reset a provider, set a
shed level, ...), not a customer's: with a token configured it answers 401 without a bearer
credential and 403 with a wrong one (``aref.auth``), before its body is read. Customer routes
(placing and paying an order, reading one) stay open. The token comes from the answering
replica's settings.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from fastapi.responses import JSONResponse
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from aref.auth import Access, bearer_access, configured_token
from aref.config import ArefSettings

ADMIN = "admin"


class Configured(Protocol):
    @property
    def settings(self) -> ArefSettings: ...


class AdminGuard:
    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute], current: Callable[[], Awaitable[Configured]]) -> None:
        self.app = app
        self._routes = routes  # the app's own list: routes declared later are seen too
        self._current = current

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self._is_admin(scope):
            token = configured_token((await self._current()).settings.api_token)
            if token:
                given = [value for name, value in scope["headers"] if name == b"authorization"]
                access = bearer_access(given, token)
                if access is not Access.GRANTED:
                    headers = {"WWW-Authenticate": "Bearer"} if access is Access.MISSING else None
                    body = {"error": access.message, "field": "Authorization"}
                    await JSONResponse(body, status_code=access.status, headers=headers)(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    def _is_admin(self, scope: Scope) -> bool:
        for route in self._routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return ADMIN in getattr(route, "tags", ())
        return False
