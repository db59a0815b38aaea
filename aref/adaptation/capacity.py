"""What the cluster can place: how many replicas of a service it could run right now.

A ``ClusterCapacity`` is what the runtime measured: Ray's free CPU tokens, the node's free
memory and how busy its CPUs really are. ``Placement`` turns it into a count. Three limits, the
smallest wins:

- CPU tokens: ``cpu_free / cpu_per_replica`` more replicas (Ray would refuse more; on this demo a
  replica asks 0.05, so this limit rarely binds);
- memory: a new replica is a ~140-190 MB process; it must fit in the node's free memory minus a
  reserve kept for everything else;
- real CPU: while the node's CPUs are busier than ``max_cpu_busy`` no replica is placeable at
  all: a new process would compete for the cores that are already saturated and slow down
  every replica it was meant to relieve.

Unknown or stale capacity places nothing more than what runs: the autoscaler never asks for
replicas it cannot tell will fit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from aref.errors import InvalidInputError

DEFAULT_CPU_PER_REPLICA = 1.0  # Serve's default num_cpus when a deployment does not set one


@dataclass(frozen=True)
class ClusterCapacity:
    """Free resources as the runtime measured them at ``at``."""

    at: float
    cpu_free: float
    memory_free_mb: float
    cpu_busy: float
    cpu_per_replica: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.cpu_free < 0 or self.memory_free_mb < 0:
            raise InvalidInputError("capacity", "free resources must be >= 0")
        if not 0 <= self.cpu_busy <= 1:
            raise InvalidInputError("cpu_busy", "must be between 0 and 1")

    def to_status(self) -> dict[str, float]:
        return {
            "cpu_free": round(self.cpu_free, 3),
            "memory_free_mb": round(self.memory_free_mb, 1),
            "cpu_busy": round(self.cpu_busy, 3),
        }


@dataclass(frozen=True)
class Placement:
    replica_memory_mb: float = 200.0
    memory_reserve_mb: float = 1024.0
    max_cpu_busy: float = 0.8
    stale_after_seconds: float = 30.0

    def __post_init__(self) -> None:
        if self.replica_memory_mb <= 0:
            raise InvalidInputError("replica_memory_mb", "must be > 0")
        if self.memory_reserve_mb < 0:
            raise InvalidInputError("memory_reserve_mb", "must be >= 0")
        if not 0 < self.max_cpu_busy <= 1:
            raise InvalidInputError("max_cpu_busy", "must be in (0, 1]")

    def extra(self, capacity: ClusterCapacity | None, service: str, now: float) -> tuple[int, str]:
        """How many more replicas of ``service`` fit, and which limit says so."""
        if capacity is None or now - capacity.at > self.stale_after_seconds:
            return 0, "cluster capacity unknown"
        if capacity.cpu_busy > self.max_cpu_busy:
            return 0, f"node CPU {capacity.cpu_busy:.0%} busy > {self.max_cpu_busy:.0%}"
        per_replica = capacity.cpu_per_replica.get(service, DEFAULT_CPU_PER_REPLICA)
        by_tokens = math.floor(capacity.cpu_free / per_replica + 1e-9) if per_replica > 0 else math.inf
        by_memory = math.floor(max(0.0, capacity.memory_free_mb - self.memory_reserve_mb) / self.replica_memory_mb)
        if by_tokens <= by_memory:
            return int(by_tokens), f"{capacity.cpu_free:g} CPU tokens free"
        return by_memory, f"{capacity.memory_free_mb:.0f} MB free"

    def placeable(self, capacity: ClusterCapacity | None, service: str, current: int, now: float) -> int:
        """The most replicas of ``service`` the cluster can run now (never fewer than ``current``)."""
        return current + self.extra(capacity, service, now)[0]
