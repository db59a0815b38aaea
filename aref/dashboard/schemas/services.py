"""POST /api/aref/services/{service}/scale: the replica count asked for."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ScaleIn(BaseModel):
    replicas: int = Field(strict=True, description="the replica count to run")


# Derived from the wire shapes for tests that check a body with a model class; no route uses them.
