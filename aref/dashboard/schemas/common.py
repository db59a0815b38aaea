"""What every error response looks like; ``body_model`` for code that checks a body with a model class."""

from __future__ import annotations

from typing import Any, get_type_hints

from pydantic import BaseModel, Field, create_model


class ErrorBody(BaseModel):
    """Every error response: what went wrong, and the request field at fault when there is one."""

    error: str = Field(description="what went wrong")
    field: str | None = Field(None, description="the request field at fault, if any")


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` documenting the error body for ``codes``."""
    return {code: {"model": ErrorBody} for code in codes}


def body_model(shape: type) -> type[BaseModel]:
    """A pydantic model derived from the wire TypedDict ``shape``: its fields, descriptions and config.

    No route uses one (routes serve the TypedDicts): the ``*Out`` names built with it are kept
    only for tests that still check a response body with ``model_validate`` / ``model_fields``.
    """
    fields: dict[str, Any] = {name: (hint, ...) for name, hint in get_type_hints(shape, include_extras=True).items()}
    config = getattr(shape, "__pydantic_config__", None)
    return create_model(shape.__name__, __config__=config, __doc__=shape.__doc__, **fields)
