"""Adaptation pillar: reconfigure the running system while an incident unfolds.

Decision tree (classify, blast radius, least-impact strategy), feature flags and load
shedding, weighted traffic shifting, replica scaling policy and adaptation windows with
escalation to recovery. ``AdaptationEngine`` is the facade a runtime actor wraps.
"""

from aref.adaptation.decision_tree import Decision, DecisionTree
from aref.adaptation.engine import AdaptationEngine
from aref.adaptation.feature_flags import Actor, FeatureFlag, FeatureFlagManager
from aref.adaptation.scaling import LoadSignals, ScaleDecision, ScalingPolicy
from aref.adaptation.traffic import TrafficShifter
from aref.adaptation.window import AdaptationWindow, WindowTracker

__all__ = [
    "Actor",
    "AdaptationEngine",
    "AdaptationWindow",
    "Decision",
    "DecisionTree",
    "FeatureFlag",
    "FeatureFlagManager",
    "LoadSignals",
    "ScaleDecision",
    "ScalingPolicy",
    "TrafficShifter",
    "WindowTracker",
]
