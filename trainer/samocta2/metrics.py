"""Dice and Jaccard of binary masks (numpy)."""

from __future__ import annotations

import numpy as np


def dice_jaccard(pred: np.ndarray, truth: np.ndarray, empty: float = 1.0) -> tuple[float, float]:
    """Dice and Jaccard of two boolean masks; both empty scores `empty` (1.0 under the project's
    protocol, 0.0 under the paper's: protocols.py)."""
    pred, truth = pred.astype(bool), truth.astype(bool)
    inter = np.logical_and(pred, truth).sum()
    total = pred.sum() + truth.sum()
    if total == 0:
        return empty, empty
    union = total - inter
    return float(2 * inter / total), float(inter / union)
