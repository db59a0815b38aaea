"""AREF — Adaptive Resilience Engineering Framework.

The ``aref`` package holds the pure domain (pillar engines, scoring, store) plus the
``cli`` and ``dashboard`` edges. Only those two edges may import ray, fastapi, click or rich.
"""

__version__ = "3.0.0"
