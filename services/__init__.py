"""The demo shop on Ray Serve: five FastAPI ingress deployments over pure shop logic.

``services/<svc>/`` holds the service's pure logic (no ray, no fastapi; state in a ``Store``)
next to its ``<svc>_app.py`` Serve application; ``services/base/`` is the replica runtime
they share (control cache, guard chain, fault hook, telemetry, tick loop, ops routes).
"""
