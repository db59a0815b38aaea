"""The gateway's own request log: the most recent requests (bounded) and running totals.

Per replica and in memory on purpose: it describes what this gateway replica saw, like its
telemetry; the shop's durable state lives in the services.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from aref.errors import InvalidInputError


class RequestLog:
    def __init__(self, capacity: int = 200) -> None:
        if capacity < 1:
            raise InvalidInputError("capacity", "must be >= 1")
        self._recent: deque[dict[str, Any]] = deque(maxlen=capacity)
        self._by_status: dict[str, int] = {}
        self._outcomes = {"completed": 0, "failed": 0}
        self._total = 0
        self._latency_ms = 0.0

    def record(
        self,
        at: float,
        path: str,
        status: int,
        latency_ms: float,
        *,
        outcome: str | None = None,
        order_id: str | None = None,
    ) -> dict[str, Any]:
        self._total += 1
        self._latency_ms += latency_ms
        self._by_status[str(status)] = self._by_status.get(str(status), 0) + 1
        if outcome in self._outcomes:
            self._outcomes[outcome] += 1
        entry = {
            "n": self._total,
            "at": at,
            "path": path,
            "status": status,
            "latency_ms": round(latency_ms, 3),
            "outcome": outcome,
            "order_id": order_id,
        }
        self._recent.append(entry)
        return entry

    def recent(self, limit: int = 50) -> list[dict[str, Any]]:
        """Newest first."""
        if limit < 1:
            raise InvalidInputError("limit", "must be >= 1")
        return list(self._recent)[-limit:][::-1]

    def stats(self) -> dict[str, Any]:
        server_errors = sum(n for code, n in self._by_status.items() if code.startswith("5"))
        return {
            "requests": self._total,
            "orders": dict(self._outcomes),
            "by_status": dict(sorted(self._by_status.items())),
            "error_rate": round(server_errors / self._total, 4) if self._total else 0.0,
            "avg_latency_ms": round(self._latency_ms / self._total, 3) if self._total else 0.0,
        }
