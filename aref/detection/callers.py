"""The callers' view of a service: a dependency breaker that opens is evidence against the service it guards.

Once absorption opens the breaker on ``caller->service`` the callers stop calling ``service``, so
the service's own request telemetry goes quiet exactly while it is failing them. The opening is
therefore an alert on ``service`` (detector ``breaker``, metric ``caller_failures``, CRITICAL).
A half-open breaker is still failing as far as its callers know; the alert clears once no breaker
into the service is open or half-open. It is judged on its callers' requests (``callers``): when
every caller holding such a breaker has no traffic, there is nothing to judge.
"""

from __future__ import annotations

from aref import topics
from aref.detection.detector import Signal
from aref.events import Event, Severity
from aref.models import DetectionClass

BREAKER_DETECTOR = "breaker"
CALLER_FAILURES = "caller_failures"
TOPICS: tuple[str, ...] = (topics.BREAKER_OPENED, topics.BREAKER_CLOSED)


class CallerView:
    """Which breakers into each service are not closed, and the signals their changes give."""

    def __init__(self) -> None:
        self._open: dict[str, dict[str, str]] = {}  # service -> breaker -> caller

    def callers(self, service: str) -> tuple[str, ...]:
        """The callers of ``service`` whose breaker into it is open or half-open."""
        return tuple(sorted(set(self._open.get(service, {}).values())))

    def observe(self, event: Event, now: float) -> Signal | None:
        """The signal a breaker event gives: firing when one opens, clear when the last one closes."""
        breaker, caller, service = (event.payload.get(k) for k in ("breaker", "service", "dependency"))
        if not (isinstance(breaker, str) and isinstance(caller, str) and isinstance(service, str)):
            return None
        if event.topic == topics.BREAKER_OPENED:
            self._open.setdefault(service, {})[breaker] = caller
            rate = event.payload.get("failure_rate")
            at = event.payload.get("at")
            return Signal(
                BREAKER_DETECTOR,
                DetectionClass.THRESHOLD,
                service,
                CALLER_FAILURES,
                firing=True,
                at=now,
                severity=Severity.CRITICAL,
                value=float(rate) if isinstance(rate, int | float) else 0.0,
                onset_at=float(at) if isinstance(at, int | float) else now,
                details={"breaker": breaker, "caller": caller},
            )
        if event.topic == topics.BREAKER_CLOSED:
            still_open = self._open.get(service, {})
            still_open.pop(breaker, None)
            if not still_open:
                self._open.pop(service, None)
                return Signal.clear(BREAKER_DETECTOR, DetectionClass.THRESHOLD, service, CALLER_FAILURES, now)
        return None
