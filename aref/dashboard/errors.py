"""The one mapping from failures to HTTP responses, all shaped ``{"error": message, "field": name}``.

AREF errors: NotFoundError 404, InvalidInputError 422 (with its field), ConflictError 409,
RejectedError 429, BusyError 503, any other ArefError 400. Request validation (malformed JSON, a missing or
mistyped field, a bad query or path parameter) is 422 naming the field; its location prefix
(``body``, ``query``, ``path``) is dropped, and a body that is not JSON at all (not even UTF-8
text, which FastAPI reports as a bare 400) names ``body``.
Starlette's own HTTP errors (unknown route, wrong method) keep their status with the same shape.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from aref.errors import ArefError, BusyError, ConflictError, InvalidInputError, NotFoundError, RejectedError

STATUS_CODES: tuple[tuple[type[ArefError], int], ...] = (
    (NotFoundError, 404),
    (InvalidInputError, 422),
    (ConflictError, 409),
    (RejectedError, 429),
    (BusyError, 503),
)
LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})


def error_response(status_code: int, message: str, field: str | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "field": field}, status_code=status_code)


async def on_aref_error(request: Request, exc: Exception) -> JSONResponse:
    code = next((c for kind, c in STATUS_CODES if isinstance(exc, kind)), 400)
    field = exc.field if isinstance(exc, InvalidInputError) else None
    return error_response(code, str(exc), field)


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    if not errors:
        return error_response(422, "invalid request", None)
    first = errors[0]
    field = field_name(first.get("loc", ()), first.get("type", ""))
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    return error_response(422, f"{field}: {message}", field)


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, HTTPException) and exc.status_code == 400 and exc.__cause__ is not None:
        return error_response(422, "body: not JSON text (it must be UTF-8 encoded JSON)", "body")  # FastAPI's
    code = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
    headers = getattr(exc, "headers", None)
    response = error_response(code, str(detail))
    if headers:
        response.headers.update(headers)
    return response


def field_name(loc: Sequence[object], error_type: str) -> str:
    """``("body", "rate")`` -> ``rate``; a body that is not JSON -> ``body``."""
    if error_type == "json_invalid":
        return "body"
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in LOCATIONS:
        parts = parts[1:]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ArefError, on_aref_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)
