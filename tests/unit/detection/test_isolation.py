from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from sklearn.ensemble import IsolationForest

from aref.config import DetectionSettings
from aref.detection.isolation import (
    IsolationForestDetector,
    PathScorer,
    average_path_length,
    isolation_monitor,
)
from aref.errors import InvalidInputError

SMALL: dict[str, Any] = {"window": 40, "min_samples": 30, "refit_every": 10, "n_estimators": 20}


def cluster(n: int, seed: int = 1) -> list[list[float]]:
    rng = np.random.default_rng(seed)
    points: list[list[float]] = rng.normal([0.01, 80.0], [0.003, 4.0], size=(n, 2)).tolist()
    return points


def test_average_path_length_values() -> None:
    assert average_path_length(1) == 0.0
    assert average_path_length(2) == 1.0
    expected = 2.0 * (math.log(255) + 0.5772156649015329) - 2.0 * 255 / 256
    assert average_path_length(256) == pytest.approx(expected)


def test_path_scorer_gives_scikit_learns_score() -> None:
    rng = np.random.default_rng(3)
    data = rng.normal([0.0, 50.0, 5.0], [1.0, 10.0, 0.1], size=(100, 3))
    forest = IsolationForest(n_estimators=30, random_state=0).fit(data)
    points = rng.normal([0.0, 50.0, 5.0], [4.0, 40.0, 1.0], size=(200, 3))
    expected = -forest.score_samples(points)
    scorer = PathScorer(forest)
    assert [scorer.score(p) for p in points] == pytest.approx(expected.tolist(), abs=1e-12)


def test_not_ready_until_min_samples_then_fitted_once() -> None:
    detector = IsolationForestDetector(**SMALL)
    verdicts = [detector.observe(v, float(i)) for i, v in enumerate(cluster(30))]
    assert [v.ready for v in verdicts] == [False] * 30
    assert detector.fits == 1
    assert detector.observe([0.01, 80.0], 30.0).ready


def test_refits_after_every_refit_every_learned_samples() -> None:
    detector = IsolationForestDetector(**SMALL)
    for i, v in enumerate(cluster(30)):
        detector.observe(v, float(i))
    fits = []
    for i in range(25):
        assert not detector.observe([0.01, 80.0], 30.0 + i).is_anomaly
        fits.append(detector.fits)
    assert fits == [1] * 9 + [2] * 10 + [3] * 6
    detector.observe([0.5, 500.0], 60.0)  # anomalous: not learned, so no progress toward a refit
    assert (detector.fits, detector.stats()["samples"]) == (3, 40)


def test_flags_a_point_far_from_the_cluster_and_does_not_learn_it() -> None:
    detector = IsolationForestDetector(**SMALL)
    for i, v in enumerate(cluster(30)):
        detector.observe(v, float(i))
    outlier = detector.observe([0.4, 900.0], 30.0)
    center = detector.observe([0.01, 80.0], 31.0)
    assert outlier.is_anomaly
    assert outlier.score > outlier.threshold > center.score
    assert not center.is_anomaly
    assert (outlier.samples, center.samples) == (30, 31)
    assert outlier.detector == "isolation_forest"


def test_the_same_data_gives_the_same_scores() -> None:
    scores = []
    for _ in range(2):
        detector = IsolationForestDetector(**SMALL)
        for i, v in enumerate(cluster(30)):
            detector.observe(v, float(i))
        scores.append([detector.observe(p, 40.0).score for p in ([0.2, 90.0], [0.01, 81.0], [0.0, 60.0])])
    assert scores[0] == scores[1]


def test_min_spread_lets_trees_split_on_a_constant_feature() -> None:
    def scores(min_spread: tuple[float, ...]) -> tuple[float, float]:
        detector = IsolationForestDetector(**SMALL, min_spread=min_spread)
        for i, (_, latency) in enumerate(cluster(30)):
            detector.observe([0.0, latency], float(i))
        return detector.observe([0.0, 80.0], 30.0).score, detector.observe([0.5, 80.0], 31.0).score

    flat_normal, flat_jump = scores(())
    assert flat_jump == flat_normal  # no tree can split on a constant column
    spread_normal, spread_jump = scores((0.02, 0.0))
    assert spread_jump > spread_normal


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"min_samples": 4}, "min_samples"),
        ({"window": 10, "min_samples": 20}, "window"),
        ({"refit_every": 0}, "refit_every"),
        ({"n_estimators": 0}, "n_estimators"),
        ({"contamination": 0.6}, "contamination"),
        ({"min_spread": (-1.0,)}, "min_spread"),
    ],
)
def test_invalid_parameters_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInputError) as err:
        IsolationForestDetector(**kwargs)
    assert err.value.field == field


def test_vectors_keep_their_length() -> None:
    detector = IsolationForestDetector()
    detector.observe([1.0, 2.0], 0.0)
    with pytest.raises(InvalidInputError) as err:
        detector.observe([1.0], 1.0)
    assert err.value.field == "features"
    with pytest.raises(InvalidInputError) as spread:
        IsolationForestDetector(min_spread=(1.0,)).observe([1.0, 2.0], 0.0)
    assert spread.value.field == "min_spread"


def test_default_monitor_judges_error_rate_and_latency_together() -> None:
    monitor = isolation_monitor(DetectionSettings(), ["orders"])
    [stream] = monitor.status()["streams"]
    assert (stream["metric"], stream["fits"], stream["samples"]) == ("error_rate+latency_p99", 0, 0)
