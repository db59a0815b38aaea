"""The L1–L5 maturity model: per-pillar criteria, assessment, gap analysis and CRS."""

from aref.maturity.assess import Assessment, MaturityAssessor, PillarAssessment
from aref.maturity.criteria import CRITERIA, Criterion, MaturityContext
from aref.maturity.levels import MaturityLevel

__all__ = [
    "CRITERIA",
    "Assessment",
    "Criterion",
    "MaturityAssessor",
    "MaturityContext",
    "MaturityLevel",
    "PillarAssessment",
]
