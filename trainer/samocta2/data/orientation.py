"""Is an imported volume oriented as the release's own projection map says? (issue 18, item 5)

OCTA-500's B-scans carry no orientation: the importer mirrors them by a rule read off the 3D FAZ
labels (octa500.py's docstring). A volume stored another way would misalign every en-face label
with its layers without any error, so the import compares the volume's depth projection with the
release's `ProjectionMaps/OCTA(FULL)` image under each of the eight flips and transposes of a
square, and refuses a volume that another orientation fits better.
"""

from __future__ import annotations

import numpy as np

from ..errors import DataError

# name -> how to turn an en-face image (rows, columns) into that orientation
ORIENTATIONS = {
    "as imported": lambda a: a,
    "mirrored top-bottom": lambda a: a[::-1],
    "mirrored left-right": lambda a: a[:, ::-1],
    "rotated 180 degrees": lambda a: a[::-1, ::-1],
    "transposed": lambda a: a.T,
    "rotated 90 degrees clockwise": lambda a: a.T[:, ::-1],
    "rotated 90 degrees counter-clockwise": lambda a: a.T[::-1],
    "transposed across the other diagonal": lambda a: a.T[::-1, ::-1],
}
# A wrong orientation must fit the map better than the volume as imported by this much in Pearson
# correlation before the import refuses it: real projections of one eye under a flip still
# correlate (the vessel density is similar everywhere), and noise can swap near-equal fits.
MARGIN = 0.05


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.astype(np.float64).ravel(), b.astype(np.float64).ravel()
    a, b = a - a.mean(), b - b.mean()
    norm = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / norm) if norm > 0 else 0.0


def orientation_fits(projection: np.ndarray, reference: np.ndarray) -> dict[str, float]:
    """Pearson correlation of the reference map with the projection in every orientation (those
    that keep the shape: a non-square image has no transposes)."""
    return {
        name: _correlation(turn(projection), reference)
        for name, turn in ORIENTATIONS.items()
        if turn(projection).shape == reference.shape
    }


def check_orientation(volume: np.ndarray, reference: np.ndarray, subject: str) -> float:
    """volume (column, row, depth) as stored; reference (rows, columns), the release's OCTA(FULL)
    projection. Returns the correlation as imported; raises DataError when another orientation
    fits the map better by MARGIN, naming the subject and that orientation."""
    projection = volume.astype(np.float32).mean(axis=2).T  # (rows, columns), as the map shows it
    if projection.shape != reference.shape:
        raise DataError(
            f"subject {subject}: the volume's en-face size {projection.shape} differs from its "
            f"OCTA(FULL) projection map's {reference.shape}"
        )
    fits = orientation_fits(projection, reference)
    best = max(fits, key=fits.__getitem__)
    if fits[best] > fits["as imported"] + MARGIN:
        raise DataError(
            f"subject {subject}: the B-scan volume does not line up with its OCTA(FULL) projection "
            f"map: it fits the map {best} (correlation {fits[best]:.2f}), not as imported "
            f"({fits['as imported']:.2f}). The B-scans are stored in another orientation than the "
            "release's (their numbering or their left-right sense): check how they were exported. "
            "Nothing was written for this subject"
        )
    return fits["as imported"]
