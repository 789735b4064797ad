"""Dice and Jaccard of binary masks (numpy)."""

from __future__ import annotations

import numpy as np


def dice_jaccard(pred: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """Dice and Jaccard of two boolean masks; both empty counts as a perfect 1.0."""
    pred, truth = pred.astype(bool), truth.astype(bool)
    inter = np.logical_and(pred, truth).sum()
    total = pred.sum() + truth.sum()
    if total == 0:
        return 1.0, 1.0
    union = total - inter
    return float(2 * inter / total), float(inter / union)
