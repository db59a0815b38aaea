"""Create (or find) every pillar actor, idempotently.

Safe to call from any process connected to the cluster, any number of times, concurrently:
``get_if_exists=True`` returns the running actor. The settings passed to a new actor are kept
by Ray and reused when it restarts the actor after a crash. The ``loadgen`` actor is created
here too (cheap: no CPU, no connection until a load starts), aimed at the gateway's default
order URL, exactly as ``RayLoadGenerator`` and the control plane would create it on first use.
"""

from __future__ import annotations

from typing import Any

import ray

from actors.absorption_actor import AbsorptionActor
from actors.adaptation_actor import AdaptationActor
from actors.chaos_actor import ChaosActor
from actors.detection_actor import DetectionActor
from actors.evolution_actor import EvolutionActor
from actors.loadgen_actor import LOADGEN, ensure_loadgen
from actors.options import actor_options
from actors.recovery_actor import RecoveryActor
from actors.timeline_actor import TimelineActor
from aref.config import ArefSettings

ACTOR_CLASSES: tuple[type[Any], ...] = (
    TimelineActor,
    DetectionActor,
    AbsorptionActor,
    AdaptationActor,
    RecoveryActor,
    EvolutionActor,
    ChaosActor,
)


def ensure_actors(settings: ArefSettings) -> dict[str, Any]:
    """Handles of every pillar actor and of the load generator, creating the missing ones."""
    handles: dict[str, Any] = {}
    for cls in ACTOR_CLASSES:
        remote_cls = ray.remote(cls)
        handles[cls.NAME] = remote_cls.options(**actor_options(cls.NAME)).remote(settings)
    handles[LOADGEN] = ensure_loadgen()
    return handles
