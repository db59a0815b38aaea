from __future__ import annotations

import pytest

from aref.config import DetectionSettings
from aref.detection.registry import DETECTOR_FACTORIES, build_detectors
from aref.errors import InvalidInputError


def test_every_registered_kind_is_built_under_its_name() -> None:
    detectors = build_detectors(DetectionSettings(), ["orders"])
    assert [d.name for d in detectors] == list(DETECTOR_FACTORIES)
    assert list(DETECTOR_FACTORIES) == ["threshold", "zscore", "isolation_forest", "slo_burn", "synthetic"]


def test_a_subset_in_the_given_order() -> None:
    detectors = build_detectors(DetectionSettings(), ["orders"], ["slo_burn", "threshold"])
    assert [d.name for d in detectors] == ["slo_burn", "threshold"]


def test_unknown_kinds_are_rejected() -> None:
    with pytest.raises(InvalidInputError) as err:
        build_detectors(DetectionSettings(), ["orders"], ["threshold", "crystal_ball"])
    assert err.value.field == "detectors"
