"""A layered dependency graph for graph algorithms: callers over services over datastores.

The demo shop's own topology (``aref.topology.DEMO_TOPOLOGY``) is one level deep (the gateway
calls the four services); this graph keeps transitive spreads and bypass paths to test.
"""

from __future__ import annotations

from aref.topology import DependencyGraph

LAYERED = DependencyGraph.from_mapping(
    {
        "gateway": ("orders", "payments", "inventory", "notifications"),
        "orders": ("payments", "inventory", "notifications"),
        "payments": ("postgres", "redis"),
        "inventory": ("postgres", "redis"),
        "notifications": ("redis",),
    }
)
