"""Annotated layers: an en-face layer image and the region of it where vessels are visible.

Two layouts, both read from a folder (docs/sparse-annotation.md):
  OCTA-500 sparse examples: <id>_<depth>_layer.png (8-bit) + <id>_<depth>_region.png (0/255)
  editor annotations: <name>.nii.gz (the volume, x, y, layers)
      + <name>.regions.nii.gz (same shape; non-zero = inside the region)
      + <name>.regions.json ({"layers": [annotated layer indices], "axis": "k"})
Only the layers the sidecar lists are annotated; a listed layer with no region voxels is an
annotated "no vessels visible here", a useful negative example.

Images here are (H, W) with rows = the layer's `height` axis and columns = its `width` axis,
as in src/core/volume/layers.ts (depth k: rows = j, columns = i, i.e. volume[:, :, k].T).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..data.volumes import normalize, read_nifti
from ..errors import DataError

AXES = {"i": 0, "j": 1, "k": 2}
REGIONS_SUFFIX = "regions"  # <name>.regions.nii.gz + <name>.regions.json
PREDICTION_SUFFIX = "regionprob"  # written by region-predict
SIDECAR_FORMAT = "samocta2.sparse-regions"
SIDECAR_VERSION = 1
FORMATS_HELP = (
    "expected OCTA-500 pairs <id>_<depth>_layer.png + <id>_<depth>_region.png, or volumes "
    "<name>.nii.gz with <name>.regions.nii.gz and <name>.regions.json (docs/sparse-annotation.md)"
)


@dataclass
class AnnotatedLayer:
    source: str  # where it came from, e.g. "10456_277_layer.png" or "case.nii.gz k=12"
    image: np.ndarray  # (H, W) float32 in [0, 1]
    region: np.ndarray  # (H, W) bool


def volume_3d(array: np.ndarray, path: Path) -> np.ndarray:
    if array.ndim == 4 and array.shape[3] == 1:
        array = array[..., 0]
    if array.ndim != 3:
        raise DataError(f"{path} has shape {array.shape}; expected a 3D volume (x, y, layers)")
    return array


def layer_of(volume: np.ndarray, axis: int, index: int) -> np.ndarray:
    """Layer `index` across `axis` as an (H, W) image (layers.ts orientation)."""
    return np.take(volume, index, axis=axis).T


def resolve_axis(value: Any, shape: tuple[int, ...], where: str) -> int:
    """'i' | 'j' | 'k' | 0..2, or 'auto' (src/core/volume/layers.ts resolveDepthAxis)."""
    if isinstance(value, str) and value in AXES:
        return AXES[value]
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 2:
        return value
    if value == "auto":
        a, b, c = shape
        if a == b and b != c:
            return 2
        if a == c and c != b:
            return 1
        if b == c and c != a:
            return 0
        best = 2
        for axis in (1, 0):
            if shape[axis] > shape[best]:
                best = axis
        return best
    raise DataError(f"{where}: axis {value!r} is not supported (i, j, k or auto)")


def read_png(path: Path) -> np.ndarray:
    from PIL import Image

    try:
        with Image.open(path) as img:
            return np.asarray(img.convert("L"))
    except Exception as exc:  # PIL raises many types for broken files
        raise DataError(f"cannot read image {path}: {exc}") from exc


def read_png_pairs(folder: Path) -> list[AnnotatedLayer]:
    """The <id>_<depth>_layer.png / _region.png pairs of `folder` (8-bit layer scaled to 0..1)."""
    layers = {p.name[: -len("_layer.png")]: p for p in folder.glob("*_layer.png")}
    regions = {p.name[: -len("_region.png")]: p for p in folder.glob("*_region.png")}
    for stem in sorted(set(layers) ^ set(regions)):
        if stem in layers:
            raise DataError(
                f"{layers[stem]} has no region file: expected {folder / (stem + '_region.png')} "
                "(0/255, the region where vessels are visible)"
            )
        raise DataError(f"{regions[stem]} has no layer image: expected {folder / (stem + '_layer.png')}")
    out = []
    for stem in sorted(layers):
        image, region = read_png(layers[stem]), read_png(regions[stem])
        if image.shape != region.shape:
            raise DataError(
                f"{regions[stem].name} is {region.shape[1]}x{region.shape[0]} px but "
                f"{layers[stem].name} is {image.shape[1]}x{image.shape[0]} px: a region must "
                "have its layer's size"
            )
        out.append(AnnotatedLayer(layers[stem].name, image.astype(np.float32) / 255.0, region > 0))
    return out


def nifti_stem(path: Path) -> str | None:
    for ext in (".nii.gz", ".nii"):
        if path.name.endswith(ext):
            return path.name[: -len(ext)]
    return None


def read_sidecar(path: Path, shape: tuple[int, ...]) -> tuple[int, list[int]]:
    """(axis, annotated layers) from a <name>.regions.json."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("layers"), list):
        raise DataError(f'{path} must be a JSON object with "layers": [annotated layer indices]')
    if data.get("format", SIDECAR_FORMAT) != SIDECAR_FORMAT:
        raise DataError(f"{path} has format {data.get('format')!r}; expected {SIDECAR_FORMAT!r}")
    if int(data.get("version", SIDECAR_VERSION)) > SIDECAR_VERSION:
        raise DataError(f"{path} has version {data['version']}; this trainer reads up to {SIDECAR_VERSION}")
    axis = resolve_axis(data.get("axis", "k"), shape, str(path))
    count = shape[axis]
    layers = data["layers"]
    bad = [v for v in layers if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v < count]
    if bad:
        raise DataError(
            f"{path} lists layers {bad[:5]} that are not indices 0..{count - 1} along axis {'ijk'[axis]}"
        )
    return axis, sorted(set(layers))


def read_region_volumes(folder: Path) -> list[AnnotatedLayer]:
    """Annotated layers of every <name>.regions.nii.gz in `folder` (volume-wide intensity window)."""
    out = []
    for regions_path in sorted(folder.iterdir()):
        stem = nifti_stem(regions_path)
        if stem is None or not stem.endswith("." + REGIONS_SUFFIX):
            continue
        name = stem[: -len(REGIONS_SUFFIX) - 1]
        volume_path = next(
            (p for p in (folder / f"{name}.nii.gz", folder / f"{name}.nii") if p.is_file()), None
        )
        if volume_path is None:
            raise DataError(f"{regions_path} has no volume: expected {folder / (name + '.nii.gz')}")
        sidecar = folder / f"{name}.{REGIONS_SUFFIX}.json"
        if not sidecar.is_file():
            raise DataError(
                f"{regions_path} has no {sidecar.name}: it lists which layers were annotated "
                '({"layers": [...], "axis": "k"})'
            )
        volume = volume_3d(read_nifti(volume_path), volume_path)
        regions = volume_3d(read_nifti(regions_path), regions_path)
        if regions.shape != volume.shape:
            raise DataError(
                f"{regions_path} has shape {regions.shape} but {volume_path.name} has {volume.shape}: "
                "the region volume must have the volume's shape"
            )
        axis, layers = read_sidecar(sidecar, volume.shape)
        values = normalize(volume)
        for k in layers:
            out.append(
                AnnotatedLayer(
                    f"{volume_path.name} {'ijk'[axis]}={k}",
                    np.ascontiguousarray(layer_of(values, axis, k), np.float32),
                    np.ascontiguousarray(layer_of(regions, axis, k) != 0),
                )
            )
    for sidecar in sorted(folder.glob(f"*.{REGIONS_SUFFIX}.json")):
        name = sidecar.name[: -len(f".{REGIONS_SUFFIX}.json")]
        if not any((folder / f"{name}.{REGIONS_SUFFIX}{ext}").is_file() for ext in (".nii.gz", ".nii")):
            raise DataError(
                f"{sidecar} lists annotated layers but the region volume "
                f"{folder / (name + '.' + REGIONS_SUFFIX + '.nii.gz')} is missing"
            )
    return out


def load_annotated_layers(folder_list: list[Path]) -> list[AnnotatedLayer]:
    """Every annotated layer in the folders; a clear DataError when there are none."""
    if not folder_list:
        raise DataError(
            "no training data: pass --data DIR (or set data.train in the config); " + FORMATS_HELP
        )
    out: list[AnnotatedLayer] = []
    for folder in folder_list:
        if not folder.is_dir():
            raise DataError(f"data folder not found: {folder}")
        found = read_png_pairs(folder) + read_region_volumes(folder)
        if not found:
            raise DataError(f"no annotated layers in {folder}: {FORMATS_HELP}")
        out += found
    return out


def write_region_annotation(
    folder: Path, name: str, regions: np.ndarray, layers: list[int], affine: np.ndarray, axis: str = "k"
) -> tuple[Path, Path]:
    """Write <name>.regions.nii.gz (uint8 0/1, the volume's shape) and its sidecar, the way the
    editor does; for tests and scripts that build annotations from other labels."""
    import nibabel as nib

    folder.mkdir(parents=True, exist_ok=True)
    nii = folder / f"{name}.{REGIONS_SUFFIX}.nii.gz"
    sidecar = folder / f"{name}.{REGIONS_SUFFIX}.json"
    nib.save(nib.Nifti1Image((regions != 0).astype(np.uint8), affine), str(nii))
    sidecar.write_text(
        json.dumps(
            {"format": SIDECAR_FORMAT, "version": SIDECAR_VERSION, "axis": axis, "layers": sorted(layers)},
            indent=2,
        )
        + "\n"
    )
    return nii, sidecar
