"""The en-face task's prompt (paper Table I), the rule of the authors' code.

ShellRedia/SAM-OCTA2 (octa_datasets.py, OCTA_Dataset_SAM2_Projection) prompts the whole FAZ or
vessel map with positive points only:
- one point per connected component (4-connected, scipy's default): the component's centroid,
  moved to the nearest pixel of the map when it falls outside (a curved vessel's centroid
  usually does);
- for the FAZ, 3 more points drawn from its rim: the map minus its erosion by a 7 x 7 square,
  i.e. a band 3 px wide inside the border at their 1024 px, the model's input size.
They draw on masks resized to 1024 px whatever the model; we draw on the label grid (304 or 400
px), so the rim is their 3 px scaled to the label, max(1, round(3 * side / 1024)) px (1 px for
OCTA-500). The prompt does not depend on the model, so every model and the classical baseline
get the same points. Points are (x, y) = (column, row) pixels.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi

RIM_POINTS = 3
RIM_PX = 3  # the 7 x 7 erosion's half-width, on the authors' 1024 px masks
AUTHORS_SIDE = 1024


def component_points(mask: np.ndarray) -> np.ndarray:
    """(N, 2) (x, y): each 4-connected component's centroid, snapped to the nearest map pixel."""
    components, n = ndi.label(mask)
    if n == 0:
        return np.zeros((0, 2), np.float32)
    rows, cols = np.nonzero(mask)
    points = []
    for r, c in ndi.center_of_mass(mask, components, range(1, n + 1)):
        i = int(np.argmin((rows - r) ** 2 + (cols - c) ** 2))
        points.append((cols[i], rows[i]))
    return np.asarray(points, np.float32)


def rim_points(rng: np.random.Generator, mask: np.ndarray, count: int, width: int) -> np.ndarray:
    """`count` distinct pixels (x, y) of the band `width` px wide inside the map's border."""
    square = np.ones((2 * width + 1, 2 * width + 1), bool)
    # border_value=1: the image edge is not a border of the object (as cv2.erode's default).
    rim = mask & ~ndi.binary_erosion(mask, square, border_value=1)
    rows, cols = np.nonzero(rim)
    picked = rng.choice(len(rows), size=min(count, len(rows)), replace=False)
    return np.stack([cols[picked], rows[picked]], axis=1).astype(np.float32).reshape(-1, 2)


def projection_prompt(
    rng: np.random.Generator, mask: np.ndarray, target: str
) -> tuple[np.ndarray, np.ndarray]:
    """Points (N, 2) as (x, y) and labels (N,), all 1 (positive), for a whole FAZ or RV map."""
    mask = mask.astype(bool)
    points = component_points(mask)
    if target == "faz":
        width = max(1, round(RIM_PX * mask.shape[0] / AUTHORS_SIDE))
        points = np.concatenate([points, rim_points(rng, mask, RIM_POINTS, width)])
    return points, np.ones(len(points), np.int32)
