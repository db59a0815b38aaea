"""Blast radius: which services a failure reaches, with and without open breakers.

A failure spreads from a service to its dependents (callers), transitively, breadth first.
An edge whose breaker is OPEN stops the spread across that edge: the caller fails fast and
degrades instead of failing with its dependency. Containment is the share of the other
nodes left unaffected: ``(1 - affected / (nodes - 1)) * 100``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from aref.absorption.edges import edge_name, split_edge
from aref.errors import NotFoundError
from aref.topology import DependencyGraph


@dataclass(frozen=True)
class BlastRadius:
    service: str
    affected: tuple[str, ...]
    """Every transitive dependent, in BFS order, as if no breaker were open."""
    contained: tuple[str, ...]
    """The dependents still reached when open breakers stop the spread."""
    stopped_at: tuple[str, ...]
    """Open edges that the spread reached and could not cross."""
    total_other: int

    @property
    def containment_pct(self) -> float:
        return _pct(len(self.affected), self.total_other)

    @property
    def contained_pct(self) -> float:
        return _pct(len(self.contained), self.total_other)


def blast_radius(graph: DependencyGraph, service: str, open_edges: Iterable[str] = ()) -> BlastRadius:
    """The blast radius of ``service`` failing; ``open_edges`` are breaker names (``"a->b"``)."""
    graph.require(service)
    blocked = _blocked(graph, open_edges)
    affected, _ = _spread(graph, service, frozenset())
    contained, stopped = _spread(graph, service, blocked)
    return BlastRadius(service, affected, contained, stopped, len(graph.nodes) - 1)


def blast_radii(graph: DependencyGraph, open_edges: Iterable[str] = ()) -> dict[str, BlastRadius]:
    """The blast radius of every node of ``graph``."""
    edges = tuple(open_edges)
    return {node: blast_radius(graph, node, edges) for node in graph.nodes}


def _blocked(graph: DependencyGraph, open_edges: Iterable[str]) -> frozenset[tuple[str, str]]:
    known = set(graph.edges)
    blocked = set()
    for name in open_edges:
        edge = split_edge(name)
        if edge not in known:
            raise NotFoundError("edge", name)
        blocked.add(edge)
    return frozenset(blocked)


def _spread(
    graph: DependencyGraph, origin: str, blocked: frozenset[tuple[str, str]]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    callers: dict[str, list[str]] = {}
    for caller, dependency in graph.edges:
        callers.setdefault(dependency, []).append(caller)
    reached: dict[str, None] = {}
    stopped: dict[str, None] = {}
    queue = deque([origin])
    while queue:
        failing = queue.popleft()
        for caller in callers.get(failing, []):
            if (caller, failing) in blocked:
                stopped.setdefault(edge_name(caller, failing))
            elif caller != origin and caller not in reached:
                reached[caller] = None
                queue.append(caller)
    return tuple(reached), tuple(stopped)


def _pct(affected: int, total_other: int) -> float:
    return 100.0 if total_other == 0 else (1 - affected / total_other) * 100
