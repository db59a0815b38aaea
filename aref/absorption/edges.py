"""Edge names: ``"caller->dependency"``, the one key shared by breakers, reports and blast radius.

The format matches ``DependencyGraph.edge_names()``; both ends are non-empty and neither
contains the separator.
"""

from __future__ import annotations

from aref.errors import InvalidInputError

SEPARATOR = "->"


def edge_name(caller: str, dependency: str) -> str:
    """The breaker name of the call from ``caller`` to ``dependency``."""
    for field, value in (("caller", caller), ("dependency", dependency)):
        if not value or SEPARATOR in value:
            raise InvalidInputError(field, f"{value!r} must be non-empty and must not contain {SEPARATOR!r}")
    return f"{caller}{SEPARATOR}{dependency}"


def split_edge(edge: str) -> tuple[str, str]:
    """``"gateway->payments"`` -> ``("gateway", "payments")``."""
    caller, sep, dependency = edge.partition(SEPARATOR)
    if not sep or not caller or not dependency or SEPARATOR in dependency:
        raise InvalidInputError("edge", f"{edge!r} is not 'caller{SEPARATOR}dependency'")
    return caller, dependency
