"""How open a view is: which undeclared keys a response keeps."""

from __future__ import annotations

from pydantic import ConfigDict

OPEN = ConfigDict(extra="allow")
"""The config of a view whose undeclared keys pass through."""
CLOSED = ConfigDict(extra="ignore")
"""The config of a shape nested in an open view: undeclared keys are dropped, as everywhere else."""
