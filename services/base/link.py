"""What a replica's runtime needs from the control plane: who it is, and the pillar actors as it sees them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class ReplicaIdentity:
    service: str
    replica_id: str
    actor_name: str
    pid: int


class ControlLink(Protocol):
    """The pillar actors as a replica sees them; pushes return whether the call was sent."""

    async def push_telemetry(self, records: list[dict[str, Any]]) -> bool: ...
    async def push_reports(self, reports: list[dict[str, Any]]) -> bool: ...
    async def board(self, service: str) -> dict[str, Any] | None: ...
    async def decisions_since(self, version: int) -> dict[str, Any] | None: ...
    async def control_for(self, service: str) -> dict[str, Any] | None: ...
    async def push_applied(self, record: dict[str, Any]) -> bool: ...
