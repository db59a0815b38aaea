"""The bearer-token check every guarded route shares: missing (401), wrong (403) or granted.

A request carries the token as exactly one ``Authorization: Bearer <token>`` header (the scheme
is case-insensitive); the token is compared in constant time and never echoed.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from enum import StrEnum

from pydantic import SecretStr

SCHEME = b"bearer "
MISSING_MESSAGE = "this request needs 'Authorization: Bearer <AREF_API_TOKEN>'"
WRONG_MESSAGE = "the token in 'Authorization: Bearer' is not AREF_API_TOKEN"


class Access(StrEnum):
    GRANTED = "granted"
    MISSING = "missing"  # no bearer credential: 401
    WRONG = "wrong"  # a bearer credential that does not match: 403

    @property
    def status(self) -> int:
        return {Access.GRANTED: 200, Access.MISSING: 401, Access.WRONG: 403}[self]

    @property
    def message(self) -> str:
        return {Access.GRANTED: "", Access.MISSING: MISSING_MESSAGE, Access.WRONG: WRONG_MESSAGE}[self]


def configured_token(secret: SecretStr | None) -> str | None:
    """``ArefSettings.api_token`` in clear, for the guards only; None when the API is open."""
    return secret.get_secret_value() if secret is not None else None


def bearer_access(authorization: Sequence[bytes], token: str) -> Access:
    """Judge the request's ``Authorization`` header values against ``token`` (non-empty)."""
    if len(authorization) != 1 or authorization[0][: len(SCHEME)].lower() != SCHEME:
        return Access.MISSING
    given = authorization[0][len(SCHEME) :].strip()
    return Access.GRANTED if hmac.compare_digest(given, token.encode()) else Access.WRONG
