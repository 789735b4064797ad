"""Loading one case (a volume and its labels) into frame-major arrays.

Arrays here are frame-major: `frames[k]` is en-face layer k as an image with rows = y and
columns = x, i.e. `volume[:, :, k].T`. Points are (x, y) = (column, row) in pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nibabel as nib
import numpy as np
from scipy import ndimage as ndi

from ..errors import DataError
from .naming import label_holds_vessels

TARGETS = ("rv", "faz")


@dataclass
class Case:
    name: str
    frames: np.ndarray  # (K, H, W) float32 in [0, 1]
    labels: np.ndarray  # (K, H, W) int32 object ids, 0 = background
    enface: np.ndarray  # (H, W) float32 in [0, 1]
    enface_labels: np.ndarray  # (H, W) int32 object ids, 0 = background
    # A layer pixel's size along its columns (NIfTI i) in mm, from the volume's header; the
    # visibility gate measures vessels in mm (visibility.gate_scale). None: unknown.
    pixel_mm: float | None = None


def read_nifti_with_header(path: Path) -> tuple[np.ndarray, Any]:
    """The array and the nibabel header of a NIfTI file, read once."""
    try:
        image = nib.load(str(path))
        return np.asarray(image.dataobj), image.header
    except Exception as exc:  # nibabel raises many types for broken files
        raise DataError(f"cannot read NIfTI file {path}: {exc}") from exc


def read_nifti(path: Path) -> np.ndarray:
    return read_nifti_with_header(path)[0]


# NIfTI xyzt_units as nibabel names them, in mm; "unknown" is read as mm, as the editor does.
_UNIT_MM = {"unknown": 1.0, "mm": 1.0, "meter": 1000.0, "micron": 0.001}


def column_pixel_mm(header: Any) -> float | None:
    """A NIfTI header's voxel size along i (a layer's columns) in mm; None where it has none."""
    to_mm = _UNIT_MM.get(header.get_xyzt_units()[0])
    size = float(header.get_zooms()[0])
    return size * to_mm if to_mm is not None and size > 0 and np.isfinite(size) else None


def check_finite(array: np.ndarray, path: Path) -> None:
    """NaN or infinite voxels would turn the percentile window and then the loss into NaN after
    training has started: refuse the case while the data is read instead."""
    if not np.issubdtype(array.dtype, np.floating):
        return
    bad = int(array.size - np.count_nonzero(np.isfinite(array)))
    if bad:
        raise DataError(
            f"volume {path} has {bad} NaN or infinite voxel{'s' if bad != 1 else ''}: "
            "fix or remove the case before training"
        )


def normalize(values: np.ndarray) -> np.ndarray:
    """Percentile window (0.5-99.5 %) to [0, 1]; robust to a few hot voxels."""
    v = values.astype(np.float32)
    lo, hi = np.percentile(v, [0.5, 99.5])
    if hi <= lo:
        hi = lo + 1.0
    return np.clip((v - lo) / (hi - lo), 0.0, 1.0)


def as_2d(array: np.ndarray, path: Path, shape_xy: tuple[int, int]) -> np.ndarray:
    a = array[..., 0] if array.ndim == 3 and array.shape[2] == 1 else array
    if a.shape != shape_xy:
        raise DataError(
            f"label {path} has shape {array.shape} but its volume's en-face shape is {shape_xy}: "
            "en-face labels must be (x, y) or (x, y, 1) with the volume's x and y"
        )
    return a


def check_3d(array: np.ndarray, path: Path, shape: tuple[int, ...]) -> np.ndarray:
    if array.shape != shape:
        raise DataError(
            f"label {path} has shape {array.shape} but its volume has shape {shape}: "
            "3D labels must have the volume's shape (x, y, layers)"
        )
    return array


def split_binary_rv(rv3d: np.ndarray, rv2d: np.ndarray | None) -> np.ndarray:
    """Binary 3D RV -> vessel instances by the connected components of the en-face RV (x, y).

    As the paper does: each en-face vessel component is one vessel, and a 3D voxel belongs
    to the vessel whose en-face component covers its (x, y). Without an en-face annotation
    the depth projection of the 3D mask stands in for it.
    """
    enface = rv2d > 0 if rv2d is not None else rv3d.max(axis=2) > 0
    components, _ = ndi.label(enface, structure=np.ones((3, 3)))
    return np.where(rv3d > 0, components[:, :, None], 0).astype(np.int32)


def enface_instances(mask2d: np.ndarray) -> np.ndarray:
    """En-face RV: instance ids as given, or connected components of a binary mask."""
    if mask2d.max() > 1:
        return mask2d.astype(np.int32)
    components, _ = ndi.label(mask2d > 0, structure=np.ones((3, 3)))
    return components.astype(np.int32)


def load_case(name: str, files: dict[str, Path], target: str) -> Case:
    """Read a case for `target` ('rv' vessel instances or 'faz' one object)."""
    if target not in TARGETS:
        raise DataError(f"unknown target '{target}' (supported: {', '.join(TARGETS)})")
    volume, header = read_nifti_with_header(files["volume"])
    if volume.ndim == 4 and volume.shape[3] == 1:
        volume = volume[..., 0]
    if volume.ndim != 3:
        raise DataError(f"volume {files['volume']} has shape {volume.shape}; expected 3D (x, y, layers)")
    check_finite(volume, files["volume"])
    shape = volume.shape
    xy = shape[:2]

    def optional_2d(suffix: str) -> np.ndarray | None:
        return as_2d(read_nifti(files[suffix]), files[suffix], xy) if suffix in files else None

    if target == "rv":
        key = "vessels" if "vessels" in files else "label" if "label" in files else None
        rv2d = optional_2d("rv2d")
        if key is not None:
            raw = check_3d(read_nifti(files[key]), files[key], shape)
            labels3d = raw.astype(np.int32) if raw.max() > 1 else split_binary_rv(raw, rv2d)
        else:
            labels3d = np.zeros(shape, np.int32)
        enface_labels = enface_instances(rv2d) if rv2d is not None else labels3d.max(axis=2)
    else:
        key = "faz" if "faz" in files else "label" if "label" in files else None
        faz2d = optional_2d("faz2d")
        raw = check_3d(read_nifti(files[key]), files[key], shape) if key is not None else None
        if raw is not None and key == "label" and label_holds_vessels(raw.max()):
            raw = None  # a generic label with instance ids is a vessel label, not a FAZ
        if raw is not None:
            labels3d = (raw > 0).astype(np.int32)
        else:
            labels3d = np.zeros(shape, np.int32)
        enface_labels = (faz2d > 0).astype(np.int32) if faz2d is not None else labels3d.max(axis=2)
    enface_raw = optional_2d("enface")
    enface = normalize(enface_raw) if enface_raw is not None else normalize(volume.mean(axis=2))
    return Case(
        name=name,
        frames=np.ascontiguousarray(normalize(volume).transpose(2, 1, 0)),
        labels=np.ascontiguousarray(labels3d.transpose(2, 1, 0)),
        enface=np.ascontiguousarray(enface.T),
        enface_labels=np.ascontiguousarray(enface_labels.T),
        pixel_mm=column_pixel_mm(header),
    )
