"""Sequence augmentation: one horizontal flip and one slight rotation for all frames alike.

As the authors' training (albumentations HorizontalFlip and SafeRotate, each with p = 0.5):
the rotation is applied to a `rotation_prob` share of the sequences, and the masks are padded at
the rotated-in corners the way the frames are (mirrored), so a vessel that reaches the corner
keeps its label where its image is mirrored in.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi


def augment_sequence(
    rng: np.random.Generator,
    frames: np.ndarray,
    masks: np.ndarray,
    hflip_prob: float,
    max_rotation_deg: float,
    rotation_prob: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """frames (T, H, W) float, masks (T, H, W) bool -> the same shapes, same transform per frame."""
    flip = rng.random() < hflip_prob
    angle = float(rng.uniform(-max_rotation_deg, max_rotation_deg)) if max_rotation_deg > 0 else 0.0
    if rng.random() >= rotation_prob:
        angle = 0.0
    if flip:
        frames, masks = frames[:, :, ::-1], masks[:, :, ::-1]
    if angle != 0.0:
        frames = ndi.rotate(frames, angle, axes=(2, 1), reshape=False, order=1, mode="reflect")
        masks = ndi.rotate(masks.astype(np.uint8), angle, axes=(2, 1), reshape=False, order=0, mode="reflect") > 0
    return np.ascontiguousarray(frames, np.float32), np.ascontiguousarray(masks, bool)
