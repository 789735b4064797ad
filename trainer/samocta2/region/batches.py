"""Training batches: seeded random crops of annotated layers, flipped and rotated.

Crop `index` of a run depends only on (seed, index), so a resumed run draws the same crops
as an uninterrupted one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import ndimage as ndi

from .annotations import AnnotatedLayer


def pick_layer(count: int, seed: int, index: int) -> int:
    """Every layer once per epoch, in a fresh order each epoch."""
    epoch, within = divmod(index, count)
    return int(np.random.default_rng([seed, 0, epoch]).permutation(count)[within])


def augment(
    rng: np.random.Generator, image: np.ndarray, region: np.ndarray, aug: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    """One flip/rotation for the image and its region alike; (H, W) float32 and bool."""
    if rng.random() < float(aug["hflip"]):
        image, region = image[:, ::-1], region[:, ::-1]
    if rng.random() < float(aug["vflip"]):
        image, region = image[::-1], region[::-1]
    max_deg = float(aug["max_rotation_deg"])
    angle = float(rng.uniform(-max_deg, max_deg)) if max_deg > 0 else 0.0
    if angle:
        image = ndi.rotate(image, angle, reshape=False, order=1, mode="reflect")
        region = ndi.rotate(region.astype(np.uint8), angle, reshape=False, order=0, mode="reflect") > 0
    return image, region


def crop(rng: np.random.Generator, image: np.ndarray, region: np.ndarray, side: int):
    """A random side x side window; layers smaller than that are padded by reflection first."""
    pad = [(0, max(0, side - n)) for n in image.shape]
    if any(p[1] for p in pad):
        image, region = np.pad(image, pad, mode="reflect"), np.pad(region, pad, mode="reflect")
    y = int(rng.integers(0, image.shape[0] - side + 1))
    x = int(rng.integers(0, image.shape[1] - side + 1))
    return image[y : y + side, x : x + side], region[y : y + side, x : x + side]


def draw_batch(
    layers: list[AnnotatedLayer], seed: int, first_index: int, size: int, side: int, aug: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    """Crops first_index .. first_index + size - 1: images and regions, each (size, 1, side, side) float32."""
    images = np.empty((size, 1, side, side), np.float32)
    regions = np.empty((size, 1, side, side), np.float32)
    for b in range(size):
        index = first_index + b
        layer = layers[pick_layer(len(layers), seed, index)]
        rng = np.random.default_rng([seed, 1, index])
        image, region = augment(rng, layer.image, layer.region, aug)
        images[b, 0], regions[b, 0] = crop(rng, image, region, side)
    return images, regions
