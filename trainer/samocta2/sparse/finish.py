"""`sparse finish`: `<id>.vessels.nii.gz` for every subject of the dataset.

Per layer: layer RV = en-face RV ∩ region, where the region is the annotated one on annotated
layers (an empty annotation means "no vessels here"), else the prediction (p >= 0.5 of the
stored, already smoothed map), else none. Vessel ids are the 8-connected components of the
en-face RV in the layer's raster order, so a vessel keeps its id on every layer and the file is
the one the editor's Finish step writes (src/core/sparse/finishLayerVessels.ts): uint16, label
intent, the volume's affine. It is the fine-tune trainer's `vessels` label (data/naming.py).

Every subject is checked before anything is written, and an existing vessels file is replaced
only with --overwrite, so a bad subject or a second run loses nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nibabel as nib
import numpy as np
from scipy import ndimage as ndi

from ..data.volumes import read_nifti
from ..errors import DataError
from ..progress import Progress
from ..region.annotations import PREDICTION_SUFFIX, REGIONS_SUFFIX, volume_3d
from ..region.predict import save_nifti_atomic
from .dataset import Subject, annotated_layers, find_subjects, volume_shape
from .review import read_prediction

ENFACE_SUFFIX = "rv2d"
VESSELS_SUFFIX = "vessels"
MAX_LABEL = 65535
EIGHT_CONNECTED = np.ones((3, 3), bool)


def enface_ids(subject: Subject, shape: tuple[int, int, int]) -> np.ndarray:
    """(H, W) = (y, x) uint16 vessel ids from <id>.rv2d.nii.gz (any non-zero value is vessel)."""
    path = subject.beside(ENFACE_SUFFIX)
    rv = read_nifti(path)
    if rv.ndim == 3 and rv.shape[2] == 1:
        rv = rv[:, :, 0]
    if rv.shape != shape[:2]:
        raise DataError(
            f"{path} has shape {rv.shape} but {subject.volume.name}'s layers are {shape[:2]} (x, y): "
            "the en-face RV must be (x, y) or (x, y, 1) with the volume's x and y"
        )
    ids, count = ndi.label(rv.T != 0, structure=EIGHT_CONNECTED)
    if count > MAX_LABEL:
        raise DataError(
            f"{path} has {count} separate vessels; uint16 labels hold {MAX_LABEL}. Is it a vessel mask?"
        )
    return ids.astype(np.uint16)


def header_shape(path: Path) -> tuple[int, ...]:
    try:
        return tuple(int(n) for n in nib.load(str(path)).shape)
    except Exception as exc:  # nibabel raises many types for broken files
        raise DataError(f"cannot read NIfTI file {path}: {exc}") from exc


def check_subject(subject: Subject, overwrite: bool) -> str | None:
    """Why the subject cannot be finished, or None; headers and sidecars only, so every subject
    is checked before the first file is written."""
    enface = subject.beside(ENFACE_SUFFIX)
    if not enface.is_file():
        return f"no en-face RV {enface.name}"
    shape = volume_shape(subject.volume)
    if header_shape(enface) not in (shape[:2], shape[:2] + (1,)):
        return f"{enface.name} has shape {header_shape(enface)}; the layers are {shape[:2]} (x, y)"
    annotated = annotated_layers(subject, shape)
    if annotated is not None:
        if not subject.beside(REGIONS_SUFFIX).is_file():
            return f"{subject.beside(REGIONS_SUFFIX, '.json').name} without its {subject.beside(REGIONS_SUFFIX).name}"
        if annotated[0] != 2:
            return "annotated across axis i or j; the en-face RV (x, y) fits layers across k only"
    prediction = subject.beside(PREDICTION_SUFFIX, ".json")
    if prediction.is_file():
        try:
            axis = json.loads(prediction.read_text()).get("axis")
        except (OSError, ValueError, AttributeError) as exc:
            return f"cannot read {prediction.name}: {exc}"
        if axis != "k":
            return f"{prediction.name} is across axis {axis}; the en-face RV (x, y) fits layers across k only"
        if header_shape(subject.beside(PREDICTION_SUFFIX))[:3] != shape:
            return f"{subject.beside(PREDICTION_SUFFIX).name} does not have the volume's shape {shape}: predict again"
    elif annotated is None:
        return "neither annotated nor predicted (run `sparse predict`)"
    if subject.beside(VESSELS_SUFFIX).exists() and not overwrite:
        return f"{subject.beside(VESSELS_SUFFIX).name} exists (pass --overwrite to replace it)"
    return None


def layer_regions(
    subject: Subject, shape: tuple[int, int, int]
) -> tuple[list[np.ndarray | None], dict[str, int]]:
    """Per k-layer its region as (H, W) bool, or None; and how many layers came from where."""
    regions: list[np.ndarray | None] = [None] * shape[2]
    counts = {"annotated": 0, "predicted": 0}
    found = read_prediction(subject)
    if found is not None:
        record, maps = found
        if record["axis_index"] != 2:
            raise DataError(
                f"{subject.beside(PREDICTION_SUFFIX, '.json')} is across axis {record['axis']}; finish needs k"
            )
        if maps.shape != shape:
            raise DataError(
                f"{subject.beside(PREDICTION_SUFFIX)} has shape {maps.shape}, its volume {shape}: predict again"
            )
        level = 0.5 * float(record.get("scale", 255))
        for k in record["layers"]:
            regions[k] = maps[:, :, k].T >= level
            counts["predicted"] += 1
    annotated = annotated_layers(subject, shape)
    if annotated is not None:
        path = subject.beside(REGIONS_SUFFIX)
        painted = volume_3d(read_nifti(path), path)
        if painted.shape != shape:
            raise DataError(f"{path} has shape {painted.shape} but its volume has {shape}")
        for k in annotated[1]:
            counts["predicted"] -= regions[k] is not None
            regions[k] = painted[:, :, k].T != 0
            counts["annotated"] += 1
    return regions, counts


def finish_subject(subject: Subject) -> dict[str, Any]:
    shape = volume_shape(subject.volume)
    ids = enface_ids(subject, shape)
    regions, counts = layer_regions(subject, shape)
    vessels = np.zeros(shape, np.uint16)
    for k, region in enumerate(regions):
        if region is not None:
            vessels[:, :, k] = np.where(region, ids, 0).T
    source = nib.load(str(subject.volume))
    header = source.header.copy()
    header.set_data_dtype(np.uint16)
    image = nib.Nifti1Image(vessels, source.affine, header)
    image.header.set_slope_inter(1.0, 0.0)
    image.header.set_intent("label")
    path = subject.beside(VESSELS_SUFFIX)
    save_nifti_atomic(image, path)
    return {
        "volume": subject.rel,
        "path": str(path),
        "vessels": int(ids.max()),
        "voxels": int(np.count_nonzero(vessels)),
        "layers_with_vessels": int(np.count_nonzero(vessels.reshape(-1, shape[2]).any(axis=0))),
        **counts,
    }


def run_finish(
    root: Path, *, overwrite: bool = False, progress: Progress | None = None
) -> list[dict[str, Any]]:
    progress = progress or Progress()
    subjects = find_subjects(root)
    problems = [(s.rel, why) for s in subjects if (why := check_subject(s, overwrite))]
    if problems:
        listed = "; ".join(f"{rel}: {why}" for rel, why in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise DataError(
            f"{len(problems)} of {len(subjects)} subjects cannot be finished, nothing written: {listed}{more}"
        )
    progress.emit("start", total=len(subjects))
    records = []
    for n, subject in enumerate(subjects):
        record = finish_subject(subject)
        records.append(record)
        progress.emit("written", **record, done=n + 1, total=len(subjects))
    progress.log(f"wrote {len(records)} vessel label volumes (<id>.{VESSELS_SUFFIX}.nii.gz)")
    progress.emit("done", subjects=len(records), outputs=[r["path"] for r in records])
    return records
