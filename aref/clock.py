"""Time as an injected dependency.

Every engine reads time through a ``Clock`` so tests can drive it with ``FakeClock``
(see ``aref.testing``). Times are POSIX seconds as floats.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current time in POSIX seconds."""

    def now(self) -> float: ...


class SystemClock:
    """The wall clock."""

    def now(self) -> float:
        return time.time()
