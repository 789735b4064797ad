"""Tiny hand-made cases in the project's naming, for tests that need exact control."""

from __future__ import annotations

from pathlib import Path

import nibabel as nib
import numpy as np


def _save(array: np.ndarray, path: Path) -> None:
    nib.save(nib.Nifti1Image(array, np.eye(4)), str(path))


def make_arrays(shape=(64, 64, 32), seed=0) -> dict[str, np.ndarray]:
    """Volume (x, y, k) with two bright vessels on depth bands and a dark FAZ disc."""
    rng = np.random.default_rng(seed)
    x, y, k = shape
    vol = rng.normal(0.3, 0.05, shape).astype(np.float32)
    vessels = np.zeros(shape, np.uint8)
    xs, ys = np.meshgrid(np.arange(x), np.arange(y), indexing="ij")
    # vessel 1: a horizontal band (varies in x), vessel 2: a diagonal band
    v1 = np.abs(ys - (12 + 3 * np.sin(xs / 9.0 + seed))) < 2.5
    v2 = np.abs((xs - ys) - (18 + seed % 5)) < 2.5
    v2 &= ~v1
    for lo, hi, mask, vid in ((k // 4, k // 4 + 10, v1, 1), (k // 3, k // 3 + 12, v2, 2)):
        vessels[:, :, lo:hi][mask] = vid
    faz = np.zeros(shape, np.uint8)
    disc = (xs - x * 0.6) ** 2 + (ys - y * 0.65) ** 2 < (x * 0.12) ** 2
    faz[:, :, k // 4 : k // 2][disc] = 1
    vol[vessels > 0] += 0.6
    vol[faz > 0] -= 0.2
    return {
        "volume": vol,
        "vessels": vessels,
        "faz": faz,
        "rv2d": (vessels.max(axis=2) > 0).astype(np.uint8),
        "faz2d": faz.max(axis=2),
    }


def write_case(
    folder: Path, name: str, arrays: dict[str, np.ndarray] | None = None, **kw
) -> dict[str, np.ndarray]:
    folder.mkdir(parents=True, exist_ok=True)
    arrays = arrays if arrays is not None else make_arrays(**kw)
    for key, value in arrays.items():
        suffix = "" if key == "volume" else f".{key}"
        _save(value, folder / f"{name}{suffix}.nii.gz")
    return arrays
