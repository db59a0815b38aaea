"""The loadgen actor's own methods without Ray or HTTP: its driver sends to a fake gateway on a fake clock."""

from __future__ import annotations

from actors.loadgen_actor import LoadGenActor
from aref.testing import FakeClock
from chaos.loadgen import SendResult
from chaos.loadgen_driver import LoadDriver
from tests.unit.dashboard.gate import Gate

URL = "http://gw.test/gateway/api/orders"


class LoadGenHere(LoadGenActor):
    def __init__(self, clock: FakeClock) -> None:  # no httpx client: orders go to ``answer``
        self.clock = clock
        self.url = URL
        self.gate = Gate(clock)
        self.orders = 0
        self.driver = LoadDriver(self.answer, clock, self.gate.sleep)

    async def answer(self) -> SendResult:
        """Every third order is refused by the gateway."""
        self.orders += 1
        return SendResult(503, 40.0, "unavailable") if self.orders % 3 == 0 else SendResult(201, 20.0)
