"""Table II sequences and points under the `paper` protocol (protocols.py), as the SAM-OCTA2
authors' evaluation draws them (ShellRedia/SAM-OCTA2: OCTA_Dataset_SAM2_Evaluation and
PromptGeneration.get_prompt_points), on this project's volumes:

- One sequence per subject: `frames` layers spread evenly (numpy.linspace, truncated) over the
  subject's labelled depth span, the first to the last layer that shows the target.
- Prompted positions first, last, then the middle T // 2.
- Every object shown on a prompted layer is tracked through that one sequence (vessels: shown
  means at least `min_object_px` pixels; below that a vessel is absent from the layer, truth
  included, as the authors' object masks are only written from 100 px).
- Points are drawn on the object's mask upsampled (nearest) to the model's S x S input, where
  the authors draw them: 8-connected components of 20+ px in random order give one positive
  point each, then one negative each from the component's own ring (Chebyshev distance 4..9 px,
  outside the object), then the remaining counts from the whole object and its ring; no point
  is drawn twice. Points come back in frame pixels, x = x_model * W / S - 0.5, which tracking.py
  maps back onto x_model exactly.

The TypeScript port is src/core/tracker/eval/paperDraws.ts; `sam-octa2 eval --prompts` replays
these draws exactly (test/unit/cli/commands/eval.test.ts).
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
from scipy import ndimage as ndi

from ..prompts import EIGHT_CONNECTED, prompted_positions
from .sequences import Draw, Sequence
from .volumes import Case

# The authors' PromptGeneration(neg_range=(3, 9)) and min_area.
RING_INNER, RING_OUTER = 3, 9
MIN_COMPONENT_PX = 20


def shown_masks(labels: np.ndarray, obj: int, min_object_px: int) -> np.ndarray:
    """(K, H, W) masks of `obj`, empty on the layers where it has fewer than `min_object_px` pixels."""
    masks = labels == obj
    small = masks.sum(axis=(1, 2)) < max(1, min_object_px)
    masks[small] = False
    return masks


def shown_objects(labels_of_layer: np.ndarray, min_object_px: int) -> list[int]:
    """Object ids with at least `min_object_px` (and at least one) pixels on one layer, ascending."""
    ids, counts = np.unique(labels_of_layer[labels_of_layer > 0], return_counts=True)
    return [int(i) for i, c in zip(ids, counts) if c >= max(1, min_object_px)]


def subject_layers(labels: np.ndarray, length: int, min_object_px: int) -> list[int]:
    """`length` layers spread evenly over the labelled span (empty when nothing is shown)."""
    shown = [k for k in range(labels.shape[0]) if shown_objects(labels[k], min_object_px)]
    if not shown:
        return []
    span = np.arange(shown[0], shown[-1] + 1)
    return [int(k) for k in span[np.linspace(0, len(span) - 1, length, dtype=int)]]


def upsample_nearest(mask: np.ndarray, side: int) -> np.ndarray:
    """(H, W) -> (side, side): output pixel i reads source floor((2i + 1) * H / (2 side))."""
    h, w = mask.shape
    rows = ((2 * np.arange(side) + 1) * h) // (2 * side)
    cols = ((2 * np.arange(side) + 1) * w) // (2 * side)
    return mask[rows][:, cols]


def _square_dilation(mask: np.ndarray, radius: int) -> np.ndarray:
    return ndi.maximum_filter(mask.astype(np.uint8), size=2 * radius + 1, mode="constant") > 0


def ring(mask: np.ndarray) -> np.ndarray:
    """Pixels at Chebyshev distance RING_INNER < d <= RING_OUTER from `mask` (the authors' dilations)."""
    return _square_dilation(mask, RING_OUTER) & ~_square_dilation(mask, RING_INNER)


def _component_ring(component: np.ndarray, obj: np.ndarray) -> np.ndarray:
    """One component's ring outside the whole object, computed in the component's padded box."""
    rows, cols = np.nonzero(component)
    pad = RING_OUTER + 1
    r0, r1 = max(0, rows.min() - pad), min(component.shape[0], rows.max() + pad + 1)
    c0, c1 = max(0, cols.min() - pad), min(component.shape[1], cols.max() + pad + 1)
    out = np.zeros_like(component)
    out[r0:r1, c0:c1] = ring(component[r0:r1, c0:c1]) & ~obj[r0:r1, c0:c1]
    return out


def _pick(rng: np.random.Generator, region: np.ndarray, taken: set[int]) -> int | None:
    """One flat index of `region` not yet taken, uniformly; None when none is left."""
    flat = [int(i) for i in np.flatnonzero(region) if int(i) not in taken]
    if not flat:
        return None
    return flat[int(rng.integers(len(flat)))]


def _pick_many(rng: np.random.Generator, region: np.ndarray, taken: set[int], count: int) -> list[int]:
    flat = [int(i) for i in np.flatnonzero(region) if int(i) not in taken]
    count = min(count, len(flat))
    if count <= 0:
        return []
    return [flat[int(i)] for i in rng.choice(len(flat), size=count, replace=False)]


def model_resolution_points(
    rng: np.random.Generator, mask: np.ndarray, n_pos: int, n_neg: int, side: int
) -> tuple[np.ndarray, np.ndarray]:
    """Flat indices on the side x side grid: (positives, negatives), the authors' rule."""
    big = upsample_nearest(mask.astype(bool), side)
    components, n = ndi.label(big, structure=EIGHT_CONNECTED)
    sizes = ndi.sum_labels(np.ones_like(components), components, index=np.arange(1, n + 1)) if n else []
    kept = [c for c in range(1, n + 1) if sizes[c - 1] >= MIN_COMPONENT_PX]
    taken: set[int] = set()
    positives: list[int] = []
    for c in rng.permutation(kept) if kept else []:
        if len(positives) == n_pos:
            break
        picked = _pick(rng, components == c, taken)
        if picked is not None:
            positives.append(picked)
            taken.add(picked)
    negatives: list[int] = []
    for c in rng.permutation(kept) if kept else []:
        if len(negatives) == n_neg:
            break
        picked = _pick(rng, _component_ring(components == c, big), taken)
        if picked is not None:
            negatives.append(picked)
            taken.add(picked)
    more = _pick_many(rng, big, taken, n_pos - len(positives))
    positives += more
    taken.update(more)
    negatives += _pick_many(rng, ring(big), taken, n_neg - len(negatives))
    return np.array(positives, np.int64), np.array(negatives, np.int64)


def frame_prompt(
    rng: np.random.Generator, mask: np.ndarray, n_pos: int, n_neg: int, side: int
) -> tuple[np.ndarray, np.ndarray]:
    """Points (N, 2) as (x, y) in frame pixels and labels (N,) 1/0, drawn at model resolution."""
    h, w = mask.shape
    positives, negatives = model_resolution_points(rng, mask, n_pos, n_neg, side)
    flat = np.concatenate([positives, negatives])
    x = (flat % side) * w / side - 0.5
    y = (flat // side) * h / side - 0.5
    labels = np.concatenate([np.ones(len(positives), np.int32), np.zeros(len(negatives), np.int32)])
    return np.stack([x, y], axis=1).astype(np.float64).reshape(-1, 2), labels


def subject_sequences(
    case: Case, draw: Draw, rng: np.random.Generator, side: int, min_object_px: int
) -> Iterator[Sequence]:
    """The subject's one sequence, once per object shown on its prompted layers (ids ascending)."""
    layers = subject_layers(case.labels, int(draw.frames), min_object_px)
    if not layers:
        return
    positions = prompted_positions(int(draw.prompted), len(layers), middle="upper")
    objects = sorted({o for p in positions for o in shown_objects(case.labels[layers[p]], min_object_px)})
    for obj in objects:
        masks = shown_masks(case.labels[layers], obj, min_object_px)
        seq = Sequence(case.name, obj, layers, case.frames[layers], masks, pixel_mm=case.pixel_mm)
        for p in positions:
            if masks[p].any():
                seq.prompts[p] = frame_prompt(rng, masks[p], max(1, int(draw.positive)), int(draw.negative), side)
        yield seq
