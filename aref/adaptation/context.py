"""Step 3 of the decision tree (blast radius) and the context every strategy decides on.

``DecisionContext`` is a frozen snapshot: the assessed signal, its classification, the affected
scope, the services alerting on live traffic and the adaptable state of each service in that
scope. Strategies read only this, so they stay pure and testable without any manager.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aref.adaptation.classify import Classification
from aref.adaptation.signals import AlertSignal
from aref.events import Severity
from aref.models import AnomalyClass
from aref.topology import DependencyGraph


@dataclass(frozen=True)
class Scope:
    """The service in trouble and everything that calls it, directly or transitively."""

    service: str
    dependents: tuple[str, ...] = ()
    dependencies: tuple[str, ...] = ()

    @property
    def members(self) -> tuple[str, ...]:
        return (self.service, *self.dependents)

    def describe(self) -> str:
        if not self.dependents:
            return f"scope {self.service} only"
        return f"scope {self.service} + {len(self.dependents)} dependents ({', '.join(self.dependents)})"


def blast_radius(graph: DependencyGraph, service: str) -> Scope:
    """Breadth-first walk up the callers of ``service``; nearest dependents first."""
    if service not in graph.nodes:
        return Scope(service)
    seen: dict[str, None] = {}
    frontier = [service]
    while frontier:
        nxt: list[str] = []
        for node in frontier:
            for caller in graph.dependents(node):
                if caller != service and caller not in seen:
                    seen[caller] = None
                    nxt.append(caller)
        frontier = nxt
    return Scope(service, tuple(seen), graph.dependencies(service))


@dataclass(frozen=True)
class ServiceState:
    """What adaptation can still change on one service."""

    service: str
    optional_flags_on: tuple[str, ...] = ()
    weights: Mapping[str, int] = field(default_factory=dict)
    backup_route: str | None = None
    replicas: int = 1
    max_replicas: int = 1
    scaling_ready: bool = False


@dataclass(frozen=True)
class DecisionContext:
    signal: AlertSignal
    classification: Classification
    scope: Scope
    states: Mapping[str, ServiceState]
    now: float
    alerting: frozenset[str] = frozenset()

    @property
    def alerting_dependents(self) -> tuple[str, ...]:
        """The callers in scope with an open alert of their own: the breach has already spread to them."""
        return tuple(s for s in self.scope.dependents if s in self.alerting)

    @property
    def anomaly_class(self) -> AnomalyClass:
        return self.classification.anomaly_class

    @property
    def state(self) -> ServiceState:
        return self.state_of(self.signal.service)

    def state_of(self, service: str) -> ServiceState:
        return self.states.get(service) or ServiceState(service)

    @property
    def mitigable(self) -> bool:
        """False for an emergency or an escalating anomaly: those go to recovery at once."""
        return self.signal.severity != Severity.EMERGENCY and self.anomaly_class != AnomalyClass.ESCALATING
