"""Bearer-token guard for every mutating request, when ``AREF_API_TOKEN`` is set.

An ASGI middleware rather than a per-route dependency, so that no mutating endpoint can be
added unguarded: every request under ``/api/`` whose method is not GET, HEAD or OPTIONS needs
``Authorization: Bearer <token>`` (compared in constant time), else 401 before the body is read.
"""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Receive, Scope, Send

from aref.dashboard.errors import error_response
from aref.errors import InvalidInputError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
GUARDED_PREFIX = "/api/"
UNAUTHORIZED = "this request needs 'Authorization: Bearer <AREF_API_TOKEN>'"


class BearerTokenGuard:
    def __init__(self, app: ASGIApp, token: str) -> None:
        if not token:
            raise InvalidInputError("api_token", "must not be empty when the guard is on")
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self._guarded(scope) and not self._authorized(scope):
            response = error_response(
                401, "this request needs 'Authorization: Bearer <AREF_API_TOKEN>'", "Authorization"
            )
            response.headers["WWW-Authenticate"] = "Bearer"
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _guarded(scope: Scope) -> bool:
        return scope["method"] not in SAFE_METHODS and str(scope["path"]).startswith(GUARDED_PREFIX)

    def _authorized(self, scope: Scope) -> bool:
        given = [value for name, value in scope["headers"] if name == b"authorization"]
        return len(given) == 1 and hmac.compare_digest(given[0], self._expected)
