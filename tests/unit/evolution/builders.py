"""Constants and builder signatures shared by the evolution tests (fixtures live in conftest)."""

from __future__ import annotations

from collections.abc import Callable

from aref.events import Event
from aref.models import Incident

T0 = 1_700_000_000.0  # 2023-11-14T22:13:20Z, in 2023-Q4

MakeIncident = Callable[..., Incident]
MakeEvent = Callable[..., Event]
