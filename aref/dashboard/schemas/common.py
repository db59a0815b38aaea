"""What every error response looks like, and the base of open-ended pillar views."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class ErrorBody(BaseModel):
    error: str
    field: str | None = None


class OpenView(BaseModel):
    """A view whose declared keys are guaranteed; the engine may add more, passed through."""

    model_config = ConfigDict(extra="allow")


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` documenting the error body for ``codes``."""
    return {code: {"model": ErrorBody} for code in codes}
