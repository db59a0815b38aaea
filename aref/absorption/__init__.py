"""Absorption pillar: circuit breakers, bulkheads, rate limiters, blast radius, graceful degradation."""

from aref.absorption.blast_radius import BlastRadius, blast_radii, blast_radius
from aref.absorption.breaker import BreakerConfig, BreakerSnapshot, BreakerState, BreakerTransition, CircuitBreaker
from aref.absorption.bulkhead import Bulkhead, BulkheadSnapshot, Permit
from aref.absorption.degradation import DegradationManager, DegradationPolicy, DegradationTier, HealthSignals
from aref.absorption.edges import edge_name, split_edge
from aref.absorption.engine import AbsorptionEngine
from aref.absorption.rate_limiter import RateLimiterSnapshot, TokenBucket
from aref.absorption.shared_breaker import (
    BreakerDecision,
    OutcomeReport,
    SharedBreakerRegistry,
    align_local,
    combine_states,
)

__all__ = [
    "AbsorptionEngine",
    "BlastRadius",
    "BreakerConfig",
    "BreakerDecision",
    "BreakerSnapshot",
    "BreakerState",
    "BreakerTransition",
    "Bulkhead",
    "BulkheadSnapshot",
    "CircuitBreaker",
    "DegradationManager",
    "DegradationPolicy",
    "DegradationTier",
    "HealthSignals",
    "OutcomeReport",
    "Permit",
    "RateLimiterSnapshot",
    "SharedBreakerRegistry",
    "TokenBucket",
    "align_local",
    "blast_radii",
    "blast_radius",
    "combine_states",
    "edge_name",
    "split_edge",
]
