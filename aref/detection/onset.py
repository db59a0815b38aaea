"""When an incident began, as a user would read it: the first bad request someone saw.

Clients (the load generator's own record) and the synthetic prober report the bad requests they
saw; a new alert's onset is the earliest such sighting on its service within ``lookback_seconds``
before the detector's first breaching sample, else that sample. ``OnsetWitness`` says which,
so MTTD and MTTR can state what they count from. Client sightings are of orders through the
gateway: they count for every service on the order path.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from enum import StrEnum

from aref.errors import InvalidInputError


class OnsetWitness(StrEnum):
    CLIENTS = "clients"
    PROBES = "probes"
    BREACHING_SAMPLE = "breaching_sample"


class Sightings:
    """Recent bad requests per service, each with its witness; older than the lookback are dropped."""

    def __init__(self, services: Sequence[str], lookback_seconds: float) -> None:
        if lookback_seconds < 0:
            raise InvalidInputError("onset_lookback_seconds", "must be >= 0")
        self.lookback = lookback_seconds
        self._seen: dict[str, deque[tuple[float, OnsetWitness]]] = {s: deque() for s in services}

    def saw(self, services: Iterable[str], at: float, witness: OnsetWitness, now: float) -> None:
        """A bad request at ``at`` that touched ``services`` (unknown services are ignored)."""
        for service in services:
            seen = self._seen.get(service)
            if seen is None:
                continue
            seen.append((at, witness))
            while seen and seen[0][0] < now - 2 * self.lookback:
                seen.popleft()

    def onset(self, service: str, breaching_at: float) -> tuple[float, OnsetWitness]:
        """The earliest sighting in [breaching_at - lookback, breaching_at], else the breaching sample."""
        window = [s for s in self._seen.get(service, ()) if breaching_at - self.lookback <= s[0] <= breaching_at]
        first = min(window, default=None, key=lambda s: s[0])
        if first is None or first[0] >= breaching_at:
            return breaching_at, OnsetWitness.BREACHING_SAMPLE
        return first
