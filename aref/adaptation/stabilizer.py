"""HPA-style stabilization of per-sample recommendations.

Every decision tick adds the count one fresh load sample recommends. A scale-up goes to the
smallest count recommended over the last ``up_seconds`` (the load must have stayed high for the
whole window); a scale-down to the largest count recommended over the last ``down_seconds``
(it must have stayed low for the whole, longer, window). Until a service has been watched for a
window, that direction holds. A short spike therefore adds nothing, and a short lull removes
nothing.
"""

from __future__ import annotations

from collections import deque


class Stabilizer:
    def __init__(self, up_seconds: float, down_seconds: float) -> None:
        self.up_seconds = up_seconds
        self.down_seconds = down_seconds
        self._recs: dict[str, deque[tuple[float, int]]] = {}
        self._since: dict[str, float] = {}

    def add(self, service: str, at: float, recommended: int) -> None:
        recs = self._recs.setdefault(service, deque())
        self._since.setdefault(service, at)
        recs.append((at, recommended))
        keep = max(self.up_seconds, self.down_seconds)
        while recs and recs[0][0] < at - keep:
            recs.popleft()

    def stable(self, service: str, current: int, now: float) -> tuple[int, str]:
        """The count the windows agree on (``current`` when they do not), and why."""
        recs = self._recs.get(service)
        since = self._since.get(service)
        if not recs or since is None:
            return current, "no load yet"
        latest = recs[-1][1]
        if latest > current:
            if now - since < self.up_seconds:
                return current, f"hold: scale-up waits {self.up_seconds:g}s of sustained load"
            low = min(r for at, r in recs if at >= now - self.up_seconds)
            if low > current:
                return low, f"sustained {self.up_seconds:g}s"
            return current, f"hold: load not sustained over {self.up_seconds:g}s"
        if latest < current:
            if now - since < self.down_seconds:
                return current, f"hold: scale-down waits {self.down_seconds:g}s of low load"
            high = max(r for at, r in recs if at >= now - self.down_seconds)
            if high < current:
                return high, f"low for {self.down_seconds:g}s"
            return current, f"hold: scale-down stabilizing ({self.down_seconds:g}s window)"
        return current, ""

    def reset(self, service: str) -> None:
        """Forget a service's recommendations (its count was set by other means)."""
        self._recs.pop(service, None)
        self._since.pop(service, None)
