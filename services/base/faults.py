"""The fault hook: what a chaos fault does to one request, decided locally from the cached board.

``FaultDraw.request()`` decides a request's effect with ``chaos.faults.decide`` and one
uniform draw. ``apply_effect`` carries it out before the operation runs: a delay sleeps and
lets the request go on, an error raises ``InjectedFaultError`` (HTTP 503), a timeout sleeps the
fault's delay and then raises ``InjectedFaultError`` (HTTP 504). An operation that absorbs errors
itself (payment provider failover, notification retries) takes errors through
``FaultDraw.fails()`` instead: one fresh draw per attempt, True when an error fault hits it;
``FaultDraw.fails_on(name)`` draws for an attempt at one alternative (a payment provider), which
a fault targeting that alternative also hits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from chaos.faults import EffectKind, FaultBoard, FaultEffect, decide
from services.base.envelope import InjectedFaultError

Sleep = Callable[[float], Awaitable[None]]


class FaultDraw:
    """Fault decisions for one request of ``service`` against the board cached at its start."""

    def __init__(self, board: FaultBoard, service: str, now: float, rng: Callable[[], float]) -> None:
        self._board = board
        self._service = service
        self._now = now
        self._rng = rng
        self.injected: list[FaultEffect] = []

    def request(self) -> FaultEffect:
        """The request-level effect (the caller records it in ``injected`` if it applies it)."""
        return decide(self._board, self._service, self._now, self._rng())

    def fails(self, *_: object) -> bool:
        """One attempt's draw: True when an error fault hits it (extra arguments are ignored)."""
        effect = decide(self._board, self._service, self._now, self._rng())
        if effect.kind is EffectKind.ERROR:
            self.injected.append(effect)
            return True
        return False

    def fails_on(self, dependency: str) -> bool:
        """One attempt's draw at the alternative ``dependency``: untargeted faults and faults targeting it."""
        effect = decide(self._board, self._service, self._now, self._rng(), dependency)
        if effect.kind is EffectKind.ERROR:
            self.injected.append(effect)
            return True
        return False


async def apply_effect(effect: FaultEffect, service: str, sleep: Sleep, *, errors: bool = True) -> None:
    """Carry out ``effect`` before the operation; ``errors=False`` leaves error faults to the operation."""
    if effect.kind is EffectKind.NONE:
        return
    if effect.kind is EffectKind.DELAY:
        await sleep(effect.delay_ms / 1000.0)
        return
    if effect.kind is EffectKind.ERROR:
        if errors:
            raise InjectedFaultError(503, "error", effect.fault_id, service)
        return
    await sleep(effect.delay_ms / 1000.0)
    raise InjectedFaultError(504, "timeout", effect.fault_id, service, effect.delay_ms)
