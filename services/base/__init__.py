"""The replica runtime every shop deployment shares.

Pure parts (no ray, no fastapi): ``checks`` (input rules), ``envelope`` (status + body, the error
mapping), ``control`` (cached control state), ``guards`` (per-edge guard chain), ``faults`` (fault
hook), ``metrics`` (per-replica Prometheus registry), ``link`` (the replica's identity and the control plane
as it sees it), ``runtime`` (data-plane hook, telemetry and the tick loop). Serve/FastAPI glue:
``replica`` (deployment base class, FastAPI app factory) and ``ray_link`` (the pillar actors as that
control plane, the replica's identity read from Serve).
"""
