"""Frame sampling and point prompts, as the SAM-OCTA2 paper describes them.

- A sequence is 4-8 en-face layers at equal intervals (a constant stride in depth).
- 1-3 of its frames are prompted, in the priority first, last, middle.
- One object per sequence (a vessel, or the FAZ as one object).
- 1-10 positive points inside the object; every connected component of the object on a
  prompted frame gets at least one positive point where the count allows.
- 0-6 negative points from a ring around the object made by dilation, with a 3-pixel gap:
  a negative point is more than `gap` pixels (Euclidean) from the object and at most
  `gap + ring_width` pixels from it.
Everything draws from a `numpy.random.Generator` passed in, so a seed reproduces it.
Points are (x, y) = (column, row) in frame pixels.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi

EIGHT_CONNECTED = np.ones((3, 3), dtype=bool)


def equal_interval_frames(
    rng: np.random.Generator, depth: int, present: np.ndarray, length: int
) -> list[int]:
    """`length` layer indices with a constant stride, inside the object's depth span.

    present: sorted layer indices where the object is visible. When the span is shorter
    than `length`, consecutive layers around it are taken (clipped to the volume).
    """
    length = min(length, depth)
    lo, hi = int(present.min()), int(present.max())
    span = hi - lo + 1
    if span >= length and length > 1:
        stride = int(rng.integers(1, (span - 1) // (length - 1) + 1))
        start = int(rng.integers(lo, hi - (length - 1) * stride + 1))
    else:
        stride = 1
        start = int(np.clip(lo - rng.integers(0, length - span + 1), 0, depth - length))
    return [start + i * stride for i in range(length)]


def prompted_positions(count: int, length: int, middle: str = "lower") -> list[int]:
    """Positions in the sequence that get prompts, in the paper's priority: first, last, middle.

    middle: "lower" takes (length - 1) // 2 (this project's), "upper" length // 2 (the authors'
    evaluation code; protocols.py)."""
    order = [0, length - 1, (length - 1) // 2 if middle == "lower" else length // 2]
    chosen: list[int] = []
    for pos in order:
        if pos not in chosen:
            chosen.append(pos)
    return sorted(chosen[: max(1, min(count, len(chosen)))])


def negative_ring(mask: np.ndarray, gap: int, ring_width: int) -> np.ndarray:
    """Pixels more than `gap` and at most `gap + ring_width` pixels from the object."""
    if not mask.any():
        return np.zeros_like(mask, dtype=bool)
    distance = ndi.distance_transform_edt(~mask)
    return (distance > gap) & (distance <= gap + ring_width)


def positive_points(rng: np.random.Generator, mask: np.ndarray, count: int) -> np.ndarray:
    """`count` distinct pixels inside `mask`, one per component first (largest components first)."""
    components, n = ndi.label(mask, structure=EIGHT_CONNECTED)
    if n == 0 or count <= 0:
        return np.zeros((0, 2), np.float32)
    sizes = ndi.sum_labels(np.ones_like(components), components, index=np.arange(1, n + 1))
    # Largest components first, ties broken at random, so that a short count covers the big ones.
    order = sorted(range(1, n + 1), key=lambda c: (-sizes[c - 1], rng.random()))
    picked: list[tuple[int, int]] = []
    for comp in order[:count]:
        rows, cols = np.nonzero(components == comp)
        i = int(rng.integers(len(rows)))
        picked.append((int(rows[i]), int(cols[i])))
    rows, cols = np.nonzero(mask)
    taken = set(picked)
    rest = [(int(r), int(c)) for r, c in zip(rows, cols) if (int(r), int(c)) not in taken]
    extra = min(count - len(picked), len(rest))
    if extra > 0:
        for i in rng.choice(len(rest), size=extra, replace=False):
            picked.append(rest[int(i)])
    return np.array([(c, r) for r, c in picked], np.float32).reshape(-1, 2)


def negative_points(
    rng: np.random.Generator, mask: np.ndarray, count: int, gap: int, ring_width: int
) -> np.ndarray:
    ring = negative_ring(mask, gap, ring_width)
    rows, cols = np.nonzero(ring)
    count = min(count, len(rows))
    if count <= 0:
        return np.zeros((0, 2), np.float32)
    idx = rng.choice(len(rows), size=count, replace=False)
    return np.stack([cols[idx], rows[idx]], axis=1).astype(np.float32)


def frame_prompt(
    rng: np.random.Generator,
    mask: np.ndarray,
    n_pos: int,
    n_neg: int,
    gap: int = 3,
    ring_width: int = 8,
) -> tuple[np.ndarray, np.ndarray]:
    """Points (N, 2) as (x, y) and labels (N,) with 1 = positive, 0 = negative."""
    mask = mask.astype(bool)
    pos = positive_points(rng, mask, n_pos)
    neg = negative_points(rng, mask, n_neg, gap, ring_width)
    coords = np.concatenate([pos, neg], axis=0)
    labels = np.concatenate([np.ones(len(pos), np.int32), np.zeros(len(neg), np.int32)])
    return coords, labels
