"""Doubt scores of predicted layers: the measure of src/core/sparse/doubtScores.ts, so the
dataset review ranks layers as the editor's panel does (test_sparse_dataset checks both agree).

Doubt = 1/2 disagreement + 1/2 uncertainty, both 0..1:
  disagreement: mean 1 - Dice of the layer's region (p >= 0.5) with each predicted neighbour
    (the layer just above and just below); regions change slowly with depth, so a layer unlike
    its neighbours is suspect. 0 without predicted neighbours.
  uncertainty: mean of 1 - |2p - 1| over the pixels with p >= 0.25 (0 when there are none).
Layers without a prediction (None) get NaN.
"""

from __future__ import annotations

import numpy as np

THRESHOLD = 0.5
CANDIDATE = 0.25


def _dice(a: np.ndarray, b: np.ndarray) -> float:
    """maskOverlap.ts dice: 1 when both are empty."""
    total = int(a.sum()) + int(b.sum())
    return 1.0 if total == 0 else 2.0 * int(np.logical_and(a, b).sum()) / total


def doubt_scores(
    maps: list[np.ndarray | None], scale: float = 255.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(doubt, disagreement, uncertainty), one float per layer; `maps` holds each layer's
    probability map (values 0..scale) or None."""
    count = len(maps)
    regions = [None if m is None else m >= THRESHOLD * scale for m in maps]
    doubt = np.full(count, np.nan)
    disagreement = np.full(count, np.nan)
    uncertainty = np.full(count, np.nan)
    for k, m in enumerate(maps):
        if m is None:
            continue
        pairs = [
            1.0 - _dice(regions[k], regions[n])
            for n in (k - 1, k + 1)
            if 0 <= n < count and regions[n] is not None
        ]
        d = float(np.mean(pairs)) if pairs else 0.0
        p = m[m >= CANDIDATE * scale].astype(np.float64) / scale
        u = float(np.mean(np.maximum(0.0, 1.0 - np.abs(2.0 * p - 1.0)))) if p.size else 0.0
        disagreement[k], uncertainty[k] = d, u
        doubt[k] = 0.5 * d + 0.5 * u
    return doubt, disagreement, uncertainty
