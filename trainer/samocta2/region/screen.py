"""Blank-layer screening: the measure of src/core/sparse/screenBlankLayers.ts, so the trainer
predicts on the layers the editor lists as non-blank.

Score of a layer = fraction of its pixels whose 3x3 mean (edges replicated) exceeds a signal
level halfway up the volume's 1st..99.5th percentile window; blank when below the threshold.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi

from .annotations import layer_of

DEFAULT_BLANK_THRESHOLD = 0.002  # screenBlankLayers.ts DEFAULT_BLANK_THRESHOLD
SIGNAL_LEVEL = 0.5  # screenBlankLayers.ts DEFAULT_SIGNAL_LEVEL
WINDOW_PERCENTILES = (1.0, 99.5)


def percentile_window(values: np.ndarray, low: float, high: float) -> tuple[float, float]:
    """Nearest-rank percentiles as window.ts percentileWindow (non-finite values ignored)."""
    v = values[np.isfinite(values)].ravel() if values.dtype.kind == "f" else values.ravel()
    if v.size == 0:
        return 0.0, 1.0
    lo_rank = int(np.floor(low / 100 * (v.size - 1)))
    hi_rank = int(np.ceil(high / 100 * (v.size - 1)))
    part = np.partition(v, [lo_rank, hi_rank])
    lo, hi = float(part[lo_rank]), float(part[hi_rank])
    if lo < hi:
        return lo, hi
    vmin, vmax = float(v.min()), float(v.max())
    return (vmin, vmax) if vmin < vmax else (vmin, vmin + 1.0)


def layer_scores(volume: np.ndarray, axis: int) -> np.ndarray:
    """(layers,) fraction 0..1 of each layer's pixels with signal."""
    lo, hi = percentile_window(volume, *WINDOW_PERCENTILES)
    level = lo + SIGNAL_LEVEL * (hi - lo)
    scores = np.empty(volume.shape[axis], np.float64)
    for k in range(volume.shape[axis]):
        layer = layer_of(volume, axis, k).astype(np.float32)
        scores[k] = float(np.mean(ndi.uniform_filter(layer, size=3, mode="nearest") > level))
    return scores


def non_blank_layers(volume: np.ndarray, axis: int, threshold: float = DEFAULT_BLANK_THRESHOLD) -> list[int]:
    return [int(k) for k in np.flatnonzero(layer_scores(volume, axis) >= threshold)]
