"""The pillar view response models kept for tests: derived from ``aref.control.wire`` (routes serve the TypedDicts)."""

from __future__ import annotations

from aref.control.wire import AbsorptionView, AdaptationView, DetectionView, EvolutionView, RecoveryView
from aref.dashboard.schemas.common import body_model

# Derived from the wire shapes for tests that check a body with a model class; no route uses them.
DetectionOut = body_model(DetectionView)
AbsorptionOut = body_model(AbsorptionView)
AdaptationOut = body_model(AdaptationView)
RecoveryOut = body_model(RecoveryView)
EvolutionOut = body_model(EvolutionView)
