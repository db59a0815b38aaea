"""Create (or find) every AREF actor, idempotently.

Safe to call from any process connected to the cluster, any number of times, concurrently:
``get_if_exists=True`` returns the running actor. The settings passed to a new actor are kept
by Ray and reused when it restarts the actor after a crash.
"""

from __future__ import annotations

from typing import Any

import ray

from actors.options import ACTORS, actor_options
from actors.shell import actor_class
from aref.config import ArefSettings


def ensure_actors(settings: ArefSettings) -> dict[str, Any]:
    """Handles of every actor (the pillars, chaos, the timeline and the load generator)."""
    return {name: ray.remote(actor_class(name)).options(**actor_options(name)).remote(settings) for name in ACTORS}
