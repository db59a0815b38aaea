"""Calling pillar actors from outside (control plane, tests, CLI glue)."""

from __future__ import annotations

from typing import Any

import ray

from actors.options import NAMESPACE
from aref.errors import NotFoundError, error_from_dict


def actor(name: str) -> Any:
    try:
        return ray.get_actor(name, namespace=NAMESPACE)
    except ValueError:
        raise NotFoundError("actor", name) from None


def unwrap(reply: dict[str, Any]) -> Any:
    """The value of an envelope reply, or its AREF error raised again here."""
    if "error" in reply:
        raise error_from_dict(reply["error"])
    return reply["ok"]
