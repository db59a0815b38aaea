"""Evolution pillar: blameless reviews, action tracking, recurrence matching, knowledge base."""

from aref.evolution.engine import EvolutionEngine

__all__ = ["EvolutionEngine"]
