"""What every error response looks like."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """Every error response: what went wrong, and the request field at fault when there is one."""

    error: str = Field(description="what went wrong")
    field: str | None = Field(None, description="the request field at fault, if any")


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` documenting the error body for ``codes``."""
    return {code: {"model": ErrorBody} for code in codes}
