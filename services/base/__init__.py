"""The replica runtime every shop deployment shares.

Pure parts (no ray, no fastapi): ``checks`` (input rules), ``envelope`` (status + body, the error
mapping), ``control`` (cached control state), ``guards`` (per-edge guard chain), ``faults`` (fault
hook), ``metrics`` (per-replica Prometheus registry), ``runtime`` (data-plane hook, telemetry and
the tick loop). Serve/FastAPI glue: ``replica`` (deployment base class, FastAPI app factory) and
``ray_plane`` (the pillar actors as a control plane, the replica's identity).
"""
