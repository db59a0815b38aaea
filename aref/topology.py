"""The service dependency graph, as data.

``DEMO_TOPOLOGY`` is the demo shop as it really calls: the gateway calls orders, payments,
inventory and notifications through DeploymentHandles (``services/gateway``), and none of those
four calls another service or any datastore node (each keeps its own state in the store).
Every edge is a call some replica makes, behind that replica's guard chain. Edges point from
caller to dependency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aref.errors import InvalidInputError, NotFoundError

SERVICES: tuple[str, ...] = ("gateway", "orders", "payments", "inventory", "notifications")


@dataclass(frozen=True)
class DependencyGraph:
    edges: tuple[tuple[str, str], ...]

    @classmethod
    def from_mapping(cls, deps: Mapping[str, tuple[str, ...] | list[str]]) -> DependencyGraph:
        edges = []
        for caller, targets in deps.items():
            for target in targets:
                if target == caller:
                    raise InvalidInputError(f"dependencies.{caller}", "a service cannot depend on itself")
                edges.append((caller, target))
        return cls(edges=tuple(edges))

    @property
    def nodes(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for caller, target in self.edges:
            seen.setdefault(caller)
            seen.setdefault(target)
        return tuple(seen)

    def require(self, node: str) -> str:
        if node not in self.nodes:
            raise NotFoundError("service", node)
        return node

    def dependencies(self, node: str) -> tuple[str, ...]:
        self.require(node)
        return tuple(t for c, t in self.edges if c == node)

    def dependents(self, node: str) -> tuple[str, ...]:
        self.require(node)
        return tuple(c for c, t in self.edges if t == node)

    def edge_names(self) -> tuple[str, ...]:
        """Edges as breaker names: ``"gateway->payments"``."""
        return tuple(f"{c}->{t}" for c, t in self.edges)


DEMO_TOPOLOGY = DependencyGraph.from_mapping({"gateway": ("orders", "payments", "inventory", "notifications")})
