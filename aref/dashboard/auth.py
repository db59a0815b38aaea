"""Bearer-token guard for every mutating request, when ``AREF_API_TOKEN`` is set.

An ASGI middleware rather than a per-route dependency, so that no mutating endpoint can be
added unguarded: every request under ``/api/`` whose method is not GET, HEAD or OPTIONS needs
``Authorization: Bearer <token>`` (``aref.auth``), else 401 (none given) or 403 (a wrong one),
before the body is read.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from aref.auth import Access, bearer_access
from aref.dashboard.errors import error_response
from aref.errors import InvalidInputError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
GUARDED_PREFIX = "/api/"


async def refuse(access: Access, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer a refused request: 401 with ``WWW-Authenticate: Bearer``, or 403."""
    response = error_response(access.status, access.message, "Authorization")
    if access is Access.MISSING:
        response.headers["WWW-Authenticate"] = "Bearer"
    await response(scope, receive, send)


def authorization(scope: Scope) -> list[bytes]:
    return [value for name, value in scope["headers"] if name == b"authorization"]


class BearerTokenGuard:
    def __init__(self, app: ASGIApp, token: str) -> None:
        if not token:
            raise InvalidInputError("api_token", "must not be empty when the guard is on")
        self.app = app
        self._token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self._guarded(scope):
            access = bearer_access(authorization(scope), self._token)
            if access is not Access.GRANTED:
                await refuse(access, scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _guarded(scope: Scope) -> bool:
        return scope["method"] not in SAFE_METHODS and str(scope["path"]).startswith(GUARDED_PREFIX)
