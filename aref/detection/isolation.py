"""Isolation Forest anomaly detection (scikit-learn) over a window of recent feature vectors.

The forest is first fitted once ``min_samples`` vectors are known, then refitted after every
``refit_every`` newly learned vectors, always with the same ``random_state`` so a run is
reproducible. Vectors judged anomalous are not learned. The score is the forest's anomaly score
(higher is more anomalous, about 0.5 for ordinary points); the threshold is the score the
``contamination`` fraction of the training window exceeds.

A feature that barely varies in the window (a healthy error rate of exactly 0) gives the trees
nothing to split on, so a jump in it would go unnoticed: features whose spread is below
``min_spread`` are widened with seeded uniform noise of that width before fitting. One sample
is scored by walking the fitted trees directly (``PathScorer``): the same number as
``IsolationForest.score_samples``, about a hundred times faster for a single vector.

Like any isolation forest it scores a point beyond the training range no higher than the
window's edge points, so it catches unusual *combinations* of metrics; a level shift in one
metric alone is the z-score's and the thresholds' job.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from aref.config import DetectionSettings
from aref.detection.anomaly import AnomalyMonitor, AnomalyVerdict, StreamSpec
from aref.errors import InvalidInputError

if TYPE_CHECKING:
    from sklearn.ensemble import IsolationForest

DETECTOR = "isolation_forest"
_EULER_GAMMA = 0.5772156649015329


def average_path_length(n: int) -> float:
    """Expected path length of an unsuccessful search in a binary tree of ``n`` points."""
    if n <= 1:
        return 0.0
    if n == 2:
        return 1.0
    return 2.0 * (math.log(n - 1.0) + _EULER_GAMMA) - 2.0 * (n - 1.0) / n


class PathScorer:
    """Scores one vector against a fitted ``IsolationForest`` using its public tree arrays."""

    def __init__(self, forest: IsolationForest) -> None:
        self._trees = []
        for tree, features in zip(forest.estimators_, forest.estimators_features_, strict=True):
            t = tree.tree_
            leaf_paths = [average_path_length(int(n)) for n in t.n_node_samples]
            self._trees.append(
                (
                    t.children_left.tolist(),
                    t.children_right.tolist(),
                    [int(features[f]) if f >= 0 else -1 for f in t.feature],
                    t.threshold.tolist(),
                    leaf_paths,
                )
            )
        self._norm = average_path_length(int(forest.max_samples_)) * len(self._trees)

    def score(self, vector: Sequence[float]) -> float:
        x = [float(np.float32(v)) for v in vector]  # trees compare float32 inputs
        total = 0.0
        for left, right, feature, threshold, leaf_paths in self._trees:
            node, depth = 0, 0
            while left[node] != -1:
                node = left[node] if x[feature[node]] <= threshold[node] else right[node]
                depth += 1
            total += depth + leaf_paths[node]
        return float(2.0 ** (-total / self._norm)) if self._norm else 0.5


class IsolationForestDetector:
    def __init__(
        self,
        window: int = 120,
        min_samples: int = 60,
        refit_every: int = 60,
        n_estimators: int = 50,
        contamination: float = 0.02,
        random_state: int = 0,
        min_spread: Sequence[float] = (),
    ) -> None:
        if min_samples < 8:
            raise InvalidInputError("min_samples", "must be >= 8")
        if window < min_samples:
            raise InvalidInputError("window", "must be >= min_samples")
        if refit_every < 1:
            raise InvalidInputError("refit_every", "must be >= 1")
        if n_estimators < 1:
            raise InvalidInputError("n_estimators", "must be >= 1")
        if not 0 < contamination <= 0.5:
            raise InvalidInputError("contamination", "must be in (0, 0.5]")
        if any(spread < 0 for spread in min_spread):
            raise InvalidInputError("min_spread", "must be >= 0")
        self._min_spread = tuple(min_spread)
        self._window: deque[tuple[float, ...]] = deque(maxlen=window)
        self._min_samples = min_samples
        self._refit_every = refit_every
        self._n_estimators = n_estimators
        self._contamination = contamination
        self._random_state = random_state
        self._scorer: PathScorer | None = None
        self._threshold = 0.0
        self._learned_since_fit = 0
        self._fits = 0
        self._dims: int | None = None

    @property
    def fits(self) -> int:
        return self._fits

    def observe(self, features: Sequence[float], at: float) -> AnomalyVerdict:
        vector = tuple(float(f) for f in features)
        if self._dims is None:
            if not vector:
                raise InvalidInputError("features", "must not be empty")
            self._dims = len(vector)
            if self._min_spread and len(self._min_spread) != self._dims:
                raise InvalidInputError("min_spread", f"needs one value per feature ({self._dims})")
        elif len(vector) != self._dims:
            raise InvalidInputError("features", f"expected {self._dims} values, got {len(vector)}")
        if self._scorer is None:
            self._learn(vector)
            return AnomalyVerdict(DETECTOR, at, 0.0, 0.0, is_anomaly=False, ready=False, samples=len(self._window))
        score = self._scorer.score(vector)
        is_anomaly = score > self._threshold
        if not is_anomaly:
            self._learn(vector)
        return AnomalyVerdict(
            DETECTOR, at, score, self._threshold, is_anomaly=is_anomaly, ready=True, samples=len(self._window)
        )

    def _learn(self, vector: tuple[float, ...]) -> None:
        self._window.append(vector)
        self._learned_since_fit += 1
        due = self._scorer is None or self._learned_since_fit >= self._refit_every
        if due and len(self._window) >= self._min_samples:
            self._fit()

    def _fit(self) -> None:
        from sklearn.ensemble import IsolationForest  # deferred: importing scikit-learn costs ~2 s

        forest = IsolationForest(
            n_estimators=self._n_estimators,
            contamination=self._contamination,
            random_state=self._random_state,
        )
        forest.fit(self._training_data())
        self._scorer = PathScorer(forest)
        self._threshold = float(-forest.offset_)
        self._learned_since_fit = 0
        self._fits += 1

    def _training_data(self) -> np.ndarray[Any, np.dtype[np.float64]]:
        data = np.asarray(self._window, dtype=np.float64)
        rng = np.random.default_rng(self._random_state)
        for column, spread in enumerate(self._min_spread):
            if np.ptp(data[:, column]) < spread:
                data[:, column] += rng.uniform(-spread / 2, spread / 2, size=len(data))
        return data

    def stats(self) -> dict[str, Any]:
        return {"samples": len(self._window), "fits": self._fits, "score_threshold": self._threshold}


# the spread below which a feature is treated as noise: 2 points of error rate, 20 ms of p99 latency
FEATURE_SPREAD: dict[str, float] = {"error_rate": 0.02, "latency_p99": 20.0}


def isolation_monitor(settings: DetectionSettings, services: Sequence[str]) -> AnomalyMonitor:
    """One multivariate stream per service: error rate and p99 latency judged together."""
    metrics = tuple(FEATURE_SPREAD)
    streams = [StreamSpec(service, metrics) for service in services]

    def build(_spec: StreamSpec) -> IsolationForestDetector:
        return IsolationForestDetector(min_spread=tuple(FEATURE_SPREAD.values()))

    return AnomalyMonitor(DETECTOR, streams, build, settings.confirmations)
