"""The visibility gate: a tracked layer keeps a vessel's mask only where vessels are visible.

OCTA-500's layer vessel labels are the en-face annotation cut by the region of the layer where
annotators saw large vessels (paper III.C): a vessel is labelled from the depth it shows, and on
the shared 10301_rv stack a quarter of the object-frames are layers where it is not labelled
yet. Tracking (the model's or the classical baseline's) carries the mask there anyway. The gate
asks the layer instead (issue 13; docs/evaluation.md, "Visibility gate"):

1. Contrast: the layer's local mean at 1 px minus its 4 px background mean, negatives cut to 0
   (vessels are brighter than their surroundings). The means are over square boxes whose width
   w has the standard deviation of a Gaussian of that size (w = the odd number nearest
   sqrt(12 sigma^2 + 1); a box at the border averages the pixels it has): a box costs the same
   at any size, where the Gaussians cost 2-3 times the model's own time per layer at 400-512 px.
   Pixel sizes are at the 3 mm / 304 px scale of the sparse pairs (9.87 um pixels): a layer
   scales them by 9.87 um over its own pixel size where the volume's header gives a scan's
   (`gate_scale`), else by W / 304 for a layer of W columns, as if it spanned 3 mm.
2. Density: the contrast averaged over blocks of k = round(4 x scale) px, then smoothed at
   20 px (20 x scale / k blocks). Blocks keep the 20 px smoothing cheap enough to run on every
   tracked layer in the editor; a block at the right or bottom edge averages the pixels it has.
3. Region: the blocks whose density reaches THRESHOLD x the 99th percentile of the nearest
   prompted layer's density (ties to the earlier layer, as the classical baseline's points).
4. Gate: a tracked layer's mask is emptied when less than MIN_INSIDE of its pixels lie in the
   region. Prompted layers are never gated: the user's clicks say the vessel is visible there.
   The FAZ is never gated (its deep labels are the 3D FAZ cut by a flat layer, not visibility).

THRESHOLD is fitted on the five sparse-annotation pairs alone (their painted regions;
`fit_threshold`), never on the 10301 stacks the evaluation reports. The TypeScript port
(src/core/tracker/visibilityGate.ts) follows the same rules: test/unit/core/tracker/
visibilityGate.test.ts reproduces this module's answers (test/fixtures/visibility/vectors.json,
kept current by tests/test_visibility.py), and both evaluations agree on the gated scores.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import ndimage as ndi

from .classical import nearest_prompted

SPARSE_PX = 304  # the sparse pairs' layers: 304 px over 3 mm
SPARSE_PIXEL_MM = 3 / SPARSE_PX
# Pixel sizes an OCTA scan has (2-50 um: 3 mm at 1024 px to 12 mm at 240). A header spacing
# outside is not a scan's (a NIfTI without units reads as 1 mm per pixel): the width stands in.
SCAN_PIXEL_MM = (0.002, 0.05)
CONTRAST_PX, BACKGROUND_PX, DENSITY_PX = 1.0, 4.0, 20.0
BLOCK_PX = 4.0
THRESHOLD = 0.46  # fit_threshold on the five sparse pairs (region Dice 0.83 there; 0.82 left-one-out)
MIN_INSIDE = 0.5


def gate_scale(cols: int, pixel_mm: float | None = None) -> float:
    """How many of a layer's pixels make one of the sparse pairs': their pixel size over the
    layer's (a 6 x 6 mm scan at 400 px: 0.66), or W / 304 where the layer's is unknown."""
    if pixel_mm is not None and SCAN_PIXEL_MM[0] <= pixel_mm <= SCAN_PIXEL_MM[1]:
        return SPARSE_PIXEL_MM / pixel_mm
    return cols / SPARSE_PX


def block_size(scale: float) -> int:
    return max(1, round(BLOCK_PX * scale))


def box_width(sigma: float) -> int:
    """The odd box width whose standard deviation is nearest a Gaussian's sigma."""
    return 2 * int(np.floor((np.sqrt(12 * sigma * sigma + 1) - 1) / 2 + 0.5)) + 1


def box_mean(a: np.ndarray, width: int) -> np.ndarray:
    """Mean over the width x width box centred on each pixel, of the pixels inside the image."""
    r = width // 2
    h, w = a.shape
    table = np.zeros((h + 1, w + 1))
    table[1:, 1:] = a.cumsum(0).cumsum(1)
    y0, y1 = np.clip(np.arange(h) - r, 0, h), np.clip(np.arange(h) + r + 1, 0, h)
    x0, x1 = np.clip(np.arange(w) - r, 0, w), np.clip(np.arange(w) + r + 1, 0, w)
    sums = table[y1][:, x1] - table[y0][:, x1] - table[y1][:, x0] + table[y0][:, x0]
    return sums / np.outer(y1 - y0, x1 - x0)


def density(layer: np.ndarray, scale: float | None = None) -> np.ndarray:
    """Steps 1-2: block density (ceil(H/k), ceil(W/k)) of a layer (H, W); `scale`: gate_scale's
    (default: from the width)."""
    layer = np.asarray(layer, np.float64)
    h, w = layer.shape
    scale = gate_scale(w) if scale is None else scale
    fine = box_mean(layer, box_width(CONTRAST_PX * scale))
    contrast = np.clip(fine - box_mean(layer, box_width(BACKGROUND_PX * scale)), 0, None)
    k = block_size(scale)
    bh, bw = -(-h // k), -(-w // k)
    padded = np.full((bh * k, bw * k), np.nan)
    padded[:h, :w] = contrast
    blocks = np.nanmean(padded.reshape(bh, k, bw, k), axis=(1, 3))
    return ndi.gaussian_filter(blocks, DENSITY_PX * scale / k)


def region(
    layer_density: np.ndarray,
    reference_density: np.ndarray,
    shape: tuple[int, int],
    threshold: float = THRESHOLD,
    scale: float | None = None,
) -> np.ndarray:
    """Step 3 at pixel resolution (H, W): blocks reaching `threshold` x the reference's 99th percentile."""
    k = block_size(gate_scale(shape[1]) if scale is None else scale)
    blocks = layer_density >= threshold * np.percentile(reference_density, 99)
    return np.repeat(np.repeat(blocks, k, axis=0), k, axis=1)[: shape[0], : shape[1]]


def keeps(mask: np.ndarray, visible: np.ndarray) -> bool:
    """Step 4 for one tracked layer's mask and its region."""
    n = int(mask.sum())
    return n == 0 or int((mask & visible).sum()) >= MIN_INSIDE * n


def gate_masks(
    frames: np.ndarray, prompted: list[int], masks: np.ndarray, target: str, pixel_mm: float | None = None
) -> np.ndarray:
    """Masks (T, H, W) with tracked vessel layers outside the visible region emptied; `pixel_mm`:
    the layers' pixel size along their columns, where the volume's header gives it."""
    out = np.array(masks, bool, copy=True)
    prompted = sorted(int(p) for p in prompted)
    if target != "rv" or not prompted:
        return out
    scale = gate_scale(frames.shape[2], pixel_mm)
    cache: dict[int, np.ndarray] = {}

    def dens(t: int) -> np.ndarray:
        if t not in cache:
            cache[t] = density(frames[t], scale)
        return cache[t]

    for t in range(len(frames)):
        if t in prompted or not out[t].any():
            continue
        visible = region(dens(t), dens(nearest_prompted(t, prompted)), out[t].shape, scale=scale)
        if not keeps(out[t], visible):
            out[t] = False
    return out


def region_dice(threshold: float, pairs: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """Mean Dice of the region a threshold gives (each layer its own reference) and the painted one."""
    scores = []
    for layer, painted in pairs:
        d = density(layer)
        r = region(d, d, layer.shape, threshold)
        scores.append(2 * float((r & painted).sum()) / max(float(r.sum() + painted.sum()), 1.0))
    return float(np.mean(scores))


def sparse_pairs(folder: str | Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """The sparse-annotation pairs (layer in [0, 1], painted region) of a folder."""
    from PIL import Image

    pairs = []
    for layer_png in sorted(Path(folder).glob("*_layer.png")):
        layer = np.asarray(Image.open(layer_png).convert("L"), np.float64) / 255
        painted = np.asarray(Image.open(str(layer_png).replace("_layer", "_region")).convert("L")) > 127
        pairs.append((layer, painted))
    if not pairs:
        raise FileNotFoundError(f"{folder}: no <id>_<depth>_layer.png with a _region.png beside it")
    return pairs


def fit_threshold(pairs: list[tuple[np.ndarray, np.ndarray]]) -> tuple[float, float]:
    """The threshold (steps of 0.005) whose regions best match the painted ones, and its mean Dice."""
    grid = np.round(np.arange(0.05, 0.9001, 0.005), 3)
    scores = {float(t): region_dice(float(t), pairs) for t in grid}
    best = max(scores, key=scores.__getitem__)
    return best, scores[best]
