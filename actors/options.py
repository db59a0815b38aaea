"""Every Ray option of AREF's actors, in one place.

Pillar actors are named, detached, async, restartable and take no CPU; they are pinned to the
head node, where the SQLite store lives (ARCHITECTURE §3).
"""

from __future__ import annotations

from typing import Any

NAMESPACE = "aref"
SERVE_NAMESPACE = "serve"
HEAD_NODE_RESOURCE = "node:__internal_head__"

DETECTION = "detection"
ABSORPTION = "absorption"
ADAPTATION = "adaptation"
RECOVERY = "recovery"
EVOLUTION = "evolution"
CHAOS = "chaos"
TIMELINE = "timeline"
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
