"""The chaos start request: an experiment or an ad-hoc fault.

A start request names an ``experiment`` or describes one fault (``service``, ``fault_type``,
``rate``, ``duration_s``, optional ``delay_ms`` and ``provider``), never both. Values are only typed here: the
safety bounds (rate <= 0.9, duration <= 300 s) are checked by the fault model itself.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, Field, model_validator

_FAULT_FIELDS = ("service", "fault_type", "rate", "duration_s")


class ChaosStartIn(BaseModel):
    experiment: str | None = Field(None, description="a registered experiment name")
    service: str | None = None
    fault_type: str | None = Field(None, description="latency | error | timeout | crash")
    rate: float | None = Field(None, description="share of requests hit, at most 0.9")
    duration_s: float | None = Field(None, description="seconds, at most 300")
    delay_ms: float | None = Field(None, description="latency/timeout delay; defaults per fault type")
    provider: str | None = Field(None, description="error faults: hit only this alternative, e.g. a payment provider")
    label: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="an ad-hoc fault's experiment name (e.g. the runner's experiment file), shown as its experiment",
    )

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        given = [name for name in (*_FAULT_FIELDS, "delay_ms", "provider", "label") if getattr(self, name) is not None]
        if self.experiment is not None and given:
            raise ValueError(f"give either 'experiment' or a fault, not both (also got {', '.join(given)})")
        missing = [name for name in _FAULT_FIELDS if getattr(self, name) is None]
        if self.experiment is None and missing:
            needed = ", ".join(_FAULT_FIELDS)
            raise ValueError(f"give 'experiment', or a fault with {needed} (missing {', '.join(missing)})")
        return self

    def fault(self) -> dict[str, Any]:
        """The ad-hoc fault's arguments (only when no experiment is named)."""
        return {name: getattr(self, name) for name in (*_FAULT_FIELDS, "delay_ms", "provider", "label")}


# Derived from the wire shapes for tests that check a body with a model class; no route uses them.
