"""The notifications service of the simulated shop: every message recovery sends is kept and answered."""

from __future__ import annotations

from typing import Any

from aref.events import new_id


class SimulatedNotifier:
    """The ``Notifier`` port in-process: accepts every message (201) and keeps it in ``sent``."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def notify(self, channel: str, recipient: str, message: str, priority: str) -> dict[str, Any]:
        record = {
            "id": new_id("NTF"),
            "status": "sent",
            "channel": channel,
            "recipient": recipient,
            "message": message,
            "priority": priority,
        }
        self.sent.append(record)
        return {"status": 201, "body": dict(record)}
