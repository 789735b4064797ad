"""Predicting the vessel region on every non-blank layer of a volume.

Per layer: sliding-window SwinUNETR over tiles of model.roi_size (Gaussian-weighted overlap;
layers smaller than a tile are padded), sigmoid, then a Gaussian filter (scipy defaults, sigma
2 px as src/core/sparse/predictedRegion.ts, which mirrors scipy so both sides smooth alike).
Output, beside nothing else the user owns (written atomically):
  <name>.regionprob.nii.gz  uint8, the volume's shape and affine: round(255 * smoothed p);
                            0 on layers not predicted (blank)
  <name>.regionprob.json    {"layers": predicted layer indices, "axis", "sigma", "scale": 255,
                            "smoothed": true, "threshold": 0.5, "checkpoint", "step", ...}
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import nibabel as nib
import numpy as np
import torch
from scipy import ndimage as ndi

from ..data.volumes import normalize, read_nifti
from ..durable import write_atomic
from ..errors import DataError, TrainerError
from ..progress import Progress
from ..train import resolve_device
from . import checkpoint as region_ckpt
from .annotations import (
    PREDICTION_SUFFIX,
    REGIONS_SUFFIX,
    layer_of,
    nifti_stem,
    read_sidecar,
    resolve_axis,
    volume_3d,
)
from .model import build_region_model
from .screen import non_blank_layers

PREDICTION_FORMAT = "samocta2.region-prediction"
OWN_SUFFIXES = (REGIONS_SUFFIX, PREDICTION_SUFFIX, "vessels", "faz", "rv2d", "faz2d", "enface", "projections", "label")


def layer_probability(model, image: np.ndarray, config: dict[str, Any], device, overlap: float | None = None):
    """(H, W) float32 image in [0, 1] -> (H, W) float32 probability (unsmoothed)."""
    from monai.inferers import sliding_window_inference

    side = int(config["model"]["roi_size"])
    ov = float(config["predict"]["overlap"] if overlap is None else overlap)
    x = torch.from_numpy(np.ascontiguousarray(image, np.float32))[None, None].to(device)
    with torch.no_grad():
        logits = sliding_window_inference(x, (side, side), 4, model, overlap=ov, mode="gaussian")
    return torch.sigmoid(logits)[0, 0].float().cpu().numpy()


def smooth(probability: np.ndarray, sigma: float) -> np.ndarray:
    """scipy defaults (mode reflect, truncate 4): what gaussianSmooth2d.ts reproduces."""
    return ndi.gaussian_filter(probability, sigma) if sigma > 0 else probability


def parse_layers(spec: str, count: int) -> list[int]:
    """'3,5,10-20' -> sorted indices, each checked against 0..count-1."""
    out: set[int] = set()
    try:
        for part in spec.split(","):
            lo, _, hi = part.strip().partition("-")
            out.update(range(int(lo), int(hi or lo) + 1))
    except ValueError as exc:
        raise DataError(f"--layers '{spec}': expected indices and ranges like 3,5,10-20") from exc
    bad = sorted(k for k in out if not 0 <= k < count)
    if bad:
        raise DataError(f"--layers: {bad[:5]} are outside 0..{count - 1}")
    return sorted(out)


def volume_inputs(paths: list[Path]) -> list[Path]:
    """Volume files given directly, or every volume (no label suffix) in the given folders."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            vols = [
                p
                for p in sorted(path.iterdir())
                if p.is_file()
                and (s := nifti_stem(p)) is not None
                and s.rpartition(".")[2] not in OWN_SUFFIXES
            ]
            if not vols:
                raise DataError(f"no NIfTI volumes (.nii.gz, .nii) in {path}")
            found += vols
        elif path.is_file() and nifti_stem(path) is not None:
            found.append(path)
        else:
            raise DataError(f"{path} is not a NIfTI volume (.nii.gz, .nii) or a folder of them")
    return found


def save_nifti_atomic(image: nib.Nifti1Image, path: Path) -> None:
    """Durable and atomic (samocta2.durable): the old file or the new, after any crash."""
    data = image.to_bytes()
    if path.name.endswith(".gz"):
        data = gzip.compress(data, compresslevel=1)
    _write(path, data)


def write_json_atomic(data: dict[str, Any], path: Path) -> None:
    _write(path, (json.dumps(data, indent=2) + "\n").encode())


def _write(path: Path, data: bytes) -> None:
    try:
        write_atomic(path, lambda f: f.write(data))
    except OSError as exc:
        raise TrainerError(f"could not write {path}: {exc}") from exc


def run_region_prediction(
    checkpoint: str | Path,
    inputs: list[Path],
    *,
    out: Path | None = None,
    axis: str | None = None,
    layers: str | None = None,
    blank_threshold: float | None = None,
    sigma: float | None = None,
    overlap: float | None = None,
    device: str = "auto",
    progress: Progress | None = None,
    plan: dict[Path, tuple[int, list[int]]] | None = None,
) -> list[dict[str, Any]]:
    """Predict every input volume; returns one record per volume (paths, layers).

    `plan` (volume path -> depth axis, layers), when given, replaces screening and --axis for
    those volumes: `sparse predict` passes the layers `sparse screen` kept for each subject."""
    progress = progress or Progress()
    volumes = volume_inputs(inputs)
    ckpt = region_ckpt.load_region_checkpoint(checkpoint)
    config = ckpt["config"]
    pred_cfg = config["predict"]
    sigma = float(pred_cfg["sigma"] if sigma is None else sigma)
    threshold = float(pred_cfg["blank_threshold"] if blank_threshold is None else blank_threshold)
    if sigma < 0 or not 0 <= threshold <= 1:
        raise TrainerError("--sigma must be >= 0 px and --blank-threshold a fraction 0..1")
    if layers is not None and len(volumes) > 1:
        raise TrainerError("--layers applies to one volume; pass a single volume with it")
    dev = resolve_device(device)
    model = build_region_model(config["model"], int(config["train"]["seed"]))
    model.load_state_dict(ckpt["model"])
    model.to(dev).eval()
    progress.emit(
        "start", total=len(volumes), device=str(dev), checkpoint=str(checkpoint), step=int(ckpt["step"])
    )
    records = []
    for v, path in enumerate(volumes):
        volume = volume_3d(read_nifti(path), path)
        image = nib.load(str(path))  # header and affine for the output
        name = nifti_stem(path)
        sidecar = path.parent / f"{name}.{REGIONS_SUFFIX}.json"
        if plan is not None and path in plan:
            depth = plan[path][0]
        elif axis is not None:
            depth = resolve_axis(axis, volume.shape, "--axis")
        elif sidecar.is_file():
            depth = read_sidecar(sidecar, volume.shape)[0]
        else:
            depth = resolve_axis("auto", volume.shape, str(path))
        if plan is not None and path in plan:
            chosen = plan[path][1]
        elif layers is not None:
            chosen = parse_layers(layers, volume.shape[depth])
        else:
            chosen = non_blank_layers(volume, depth, threshold)
        values = normalize(volume)
        probs = np.zeros(volume.shape, np.uint8)
        target = [slice(None)] * 3
        for n, k in enumerate(chosen):
            p = smooth(layer_probability(model, layer_of(values, depth, k), config, dev, overlap), sigma)
            target[depth] = k
            probs[tuple(target)] = np.clip(np.rint(p * 255.0), 0, 255).astype(np.uint8).T
            progress.emit("layer", volume=path.name, layer=k, done=n + 1, total=len(chosen))
        folder = out or path.parent
        folder.mkdir(parents=True, exist_ok=True)
        nii_path = folder / f"{name}.{PREDICTION_SUFFIX}.nii.gz"
        json_path = folder / f"{name}.{PREDICTION_SUFFIX}.json"
        header = image.header.copy()
        header.set_data_dtype(np.uint8)
        result = nib.Nifti1Image(probs, image.affine, header)
        result.header.set_slope_inter(1.0, 0.0)
        save_nifti_atomic(result, nii_path)
        record = {
            "format": PREDICTION_FORMAT,
            "version": 1,
            "volume": path.name,
            "axis": "ijk"[depth],
            "layers": chosen,
            "scale": 255,
            "smoothed": True,
            "sigma": sigma,
            "threshold": 0.5,
            "blank_threshold": None if layers is not None else threshold,
            "checkpoint": str(checkpoint),
            "step": int(ckpt["step"]),
        }
        write_json_atomic(record, json_path)
        progress.emit(
            "written",
            volume=path.name,
            path=str(nii_path),
            sidecar=str(json_path),
            layers=len(chosen),
            done=v + 1,
            total=len(volumes),
        )
        records.append({**record, "path": str(nii_path), "sidecar": str(json_path)})
    progress.emit("done", volumes=len(records), outputs=[r["path"] for r in records])
    return records
