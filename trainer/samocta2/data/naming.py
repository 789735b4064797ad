"""File naming shared with the extension and the synthetic generator (`sam-octa2 synth`).

A case `<name>` in a folder:
  <name>.nii.gz            the volume, axes (i, j, k) = (x, y, layer); en-face layers are k-slices
  <name>.vessels.nii.gz    3D vessels: instance ids (0 = background) or a binary RV mask
  <name>.faz.nii.gz        3D FAZ (0/1)
  <name>.rv2d.nii.gz       en-face RV annotation (0/1 or instance ids), axes (x, y)
  <name>.faz2d.nii.gz      en-face FAZ (0/1), axes (x, y)
  <name>.enface.nii.gz     optional en-face projection image, axes (x, y)
  <name>.projections.nii.gz  the en-face task's clip: OCTA projections FULL, ILM_OPL, OPL_BM as
                           three layers (x, y, 3) (data/enface.py; labels faz2d / rv2d)
  <name>.label.nii.gz      a generic per-layer label (as in ../shared/data/octa500/layers);
                           with ids > 1 it is a vessel label and is ignored for the FAZ
  <name>.regions.nii.gz    sparse annotation: vessel regions of some layers; <name>.regionprob.nii.gz
                           their prediction (docs/sparse-annotation.md; not training labels here)
  <name>.seg.nii.gz        the editor's saved tracking segmentation (+ .seg.json); ignored here,
                           so a folder the editor saved into trains as it is
`.nii` works wherever `.nii.gz` does.
"""

from __future__ import annotations

from pathlib import Path

LABEL_SUFFIXES = ("vessels", "faz", "rv2d", "faz2d", "enface", "projections", "label", "regions", "regionprob", "seg")
NIFTI_EXTENSIONS = (".nii.gz", ".nii")


def split_nifti_name(path: Path) -> tuple[str, str] | None:
    """(`<name>`, suffix or '') for a NIfTI file name, None for other files."""
    for ext in NIFTI_EXTENSIONS:
        if path.name.endswith(ext):
            stem = path.name[: -len(ext)]
            for suffix in LABEL_SUFFIXES:
                if stem.endswith("." + suffix):
                    return stem[: -len(suffix) - 1], suffix
            return stem, ""
    return None


def find_cases(folder: Path) -> dict[str, dict[str, Path]]:
    """Map of case name -> {'volume': path, '<suffix>': path, ...} for every volume in `folder`."""
    files: dict[str, dict[str, Path]] = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        parts = split_nifti_name(path)
        if parts is None:
            continue
        name, suffix = parts
        files.setdefault(name, {})[suffix or "volume"] = path
    return {name: entry for name, entry in files.items() if "volume" in entry}


def label_holds_vessels(max_label_id: float) -> bool:
    """A generic `<name>.label` with ids above 1 holds vessel instances: a vessel label, never a FAZ.

    The fine-tune wizard's preflight applies the same rule (labelHoldsVessels in
    src/core/volume/caseFiles.ts) so that it offers only the targets the trainer will find.
    """
    return max_label_id > 1


def case_path(folder: Path, name: str, suffix: str = "") -> Path:
    return folder / (f"{name}.{suffix}.nii.gz" if suffix else f"{name}.nii.gz")
