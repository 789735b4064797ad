"""The classical baseline every evaluation scores beside the model (issue 13; docs/evaluation.md).

A threshold a user could set by hand from the same clicks the model gets, so that a model has to
beat it to be worth clicking. Per frame of a sequence:

1. Smooth the frame with a Gaussian, sigma = 2 px (scipy's defaults: truncate 4, "reflect" borders).
2. Points: the frame's own prompts, else those of the nearest prompted frame (ties to the earlier
   one). Points are pixel positions, rounded to the nearest pixel (halves up) and clipped into the frame.
3. Threshold halfway between the mean smoothed intensity at the positive points and the mean at
   the negative points; without negative points, the frame's median smoothed intensity stands in
   for the negative mean.
4. Keep the side of the threshold the target lies on whatever the points say: the FAZ is the
   darker side (smoothed <= threshold), vessels the brighter side (smoothed >= threshold).
5. Keep the 8-connected components that hold a positive point, then fill their holes.

A sequence without any prompt, or a frame whose points include no positive one, gets an empty mask.
The TypeScript port (src/core/tracker/eval/classicalBaseline.ts) follows the same rules.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi

from .prompts import EIGHT_CONNECTED

SIGMA_PX = 2.0
TARGETS = ("rv", "faz")
# The side the points say: darker when the positive points are darker than the negative ones (or
# than the median without negatives), else brighter. For the model's dense prompt (prompt_prior.py),
# which is not told whether it segments a vessel or the FAZ.
AUTO = "auto"

Prompt = tuple[np.ndarray, np.ndarray]  # points (N, 2) as (x, y), labels (N,) 1/0


def nearest_prompted(position: int, prompted: list[int]) -> int:
    """The prompted position closest to `position`; of two equally close, the earlier."""
    return min(prompted, key=lambda p: (abs(p - position), p))


def point_pixels(coords: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) int64 of points (N, 2) as (x, y): rounded to the nearest pixel and clipped
    into a frame of `shape` (H, W)."""
    h, w = shape
    # Half-way positions round up (floor(x + 0.5)), as the TypeScript port's Math.round does.
    pixels = np.floor(np.asarray(coords, np.float64).reshape(-1, 2) + 0.5).astype(np.int64)
    return np.clip(pixels[:, 1], 0, h - 1), np.clip(pixels[:, 0], 0, w - 1)


def parts_holding(mask: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """(H, W) bool: the 8-connected parts of `mask` that hold one of these pixels."""
    components, _ = ndi.label(mask, structure=EIGHT_CONNECTED)
    keep = np.unique(components[rows, cols])
    return np.isin(components, keep[keep > 0])


def frame_mask(smoothed: np.ndarray, coords: np.ndarray, labels: np.ndarray, target: str) -> np.ndarray:
    """Steps 3-5 on one smoothed frame (H, W) with its points."""
    rows, cols = point_pixels(coords, smoothed.shape)
    labels = np.asarray(labels).reshape(-1)
    positive = labels == 1
    if not positive.any():
        return np.zeros(smoothed.shape, bool)
    # Float64 from here, as the TypeScript port compares its float32 smoothing to a double.
    smoothed = smoothed.astype(np.float64)
    values = smoothed[rows, cols]
    pos_mean = values[positive].mean()
    neg_mean = values[~positive].mean() if (~positive).any() else float(np.median(smoothed))
    threshold = (pos_mean + neg_mean) / 2
    dark = target == "faz" or (target == AUTO and pos_mean < neg_mean)
    side = smoothed <= threshold if dark else smoothed >= threshold
    # An empty keep gives an empty mask, whose holes filled are empty.
    return ndi.binary_fill_holes(parts_holding(side, rows[positive], cols[positive]))


def classical_masks(frames: np.ndarray, prompts: dict[int, Prompt], target: str) -> np.ndarray:
    """Masks (T, H, W) bool for frames (T, H, W) in [0, 1] and prompts {position: (coords, labels)}."""
    if target not in TARGETS:
        raise ValueError(f"target must be one of {TARGETS}; got {target!r}")
    frames = np.asarray(frames)
    if frames.ndim != 3:
        raise ValueError(f"frames must be (T, H, W); got shape {frames.shape}")
    out = np.zeros(frames.shape, bool)
    prompted = sorted(int(p) for p in prompts if 0 <= int(p) < len(frames))
    if not prompted:
        return out
    for t, frame in enumerate(frames):
        smoothed = ndi.gaussian_filter(frame.astype(np.float32), SIGMA_PX)
        coords, labels = prompts[nearest_prompted(t, prompted)]
        out[t] = frame_mask(smoothed, coords, labels, target)
    return out
