"""Every Ray option of AREF's actors, in one place.

Pillar actors are named, detached, async, restartable and take no CPU; they are pinned to the
head node, where the SQLite store lives. Their names are the pillar services' names
(``aref.control.wiring``).
"""

from __future__ import annotations

from typing import Any

from aref.control.wiring import ABSORPTION, ADAPTATION, CHAOS, DETECTION, EVOLUTION, LOADGEN, PROBER, RECOVERY, TIMELINE

NAMESPACE = "aref"
SERVE_NAMESPACE = "serve"
HEAD_NODE_RESOURCE = "node:__internal_head__"
ACTORS: tuple[str, ...] = (TIMELINE, DETECTION, ABSORPTION, ADAPTATION, RECOVERY, EVOLUTION, CHAOS, LOADGEN, PROBER)
PILLAR_ACTORS: tuple[str, ...] = (DETECTION, ABSORPTION, ADAPTATION, RECOVERY, EVOLUTION, CHAOS, TIMELINE)


def actor_options(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "namespace": NAMESPACE,
        "lifetime": "detached",
        "get_if_exists": True,
        "num_cpus": 0,
        "max_restarts": -1,
        "max_concurrency": 1000,
        "resources": {HEAD_NODE_RESOURCE: 0.001},
    }
