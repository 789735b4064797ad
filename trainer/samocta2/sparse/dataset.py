"""The subjects of a dataset folder and what the sparse loop keeps beside them.

A dataset is one folder in the trainer's naming layout (samocta2/data/naming.py: `<id>.nii.gz`,
`<id>.rv2d.nii.gz`, ...), or a folder whose subfolders are (import-octa500 writes one per split:
train/, val/, test/). Subjects are named by their volume's path relative to the dataset, so the
lists stay valid when the dataset moves. Per-subject files live beside each volume, as the editor
writes them: `<id>.regions.nii.gz` + `<id>.regions.json` (the annotated layers) and
`<id>.regionprob.*` (the prediction). Dataset-wide files go to the work folder, `<dataset>/sparse`
by default: screen.json, todo.json, review.json and runs/run-NNN (region-train run folders).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import nibabel as nib

from ..data.naming import find_cases
from ..errors import DataError
from ..region.annotations import REGIONS_SUFFIX, read_sidecar

WORK_FOLDER = "sparse"
RUNS_FOLDER = "runs"
# Folders that hold the loop's own output, never subjects.
NOT_SUBJECT_FOLDERS = {WORK_FOLDER, "region-runs"}


@dataclass(frozen=True)
class Subject:
    name: str  # <id>, the volume's name without .nii.gz
    volume: Path
    rel: str  # the volume's path relative to the dataset, '/'-separated (the lists' key)

    def beside(self, suffix: str, ext: str = ".nii.gz") -> Path:
        """`<id>.<suffix><ext>` next to the volume."""
        return self.volume.parent / f"{self.name}.{suffix}{ext}"


def find_subjects(root: Path) -> list[Subject]:
    """Every volume in `root` and in its immediate subfolders, sorted by relative path."""
    if not root.is_dir():
        raise DataError(f"dataset folder not found: {root}")
    folders = [root] + sorted(
        p
        for p in root.iterdir()
        if p.is_dir() and not p.name.startswith(".") and p.name not in NOT_SUBJECT_FOLDERS
    )
    subjects = []
    for folder in folders:
        for name, files in find_cases(folder).items():
            rel = PurePosixPath(*files["volume"].relative_to(root).parts).as_posix()
            subjects.append(Subject(name, files["volume"], rel))
    if not subjects:
        raise DataError(
            f"no volumes in {root} or its subfolders: expected <id>.nii.gz files in the trainer's "
            "naming layout (trainer/samocta2/data/naming.py), e.g. from `python -m samocta2 import-octa500`"
        )
    return sorted(subjects, key=lambda s: s.rel)


def subject_map(root: Path) -> dict[str, Subject]:
    return {s.rel: s for s in find_subjects(root)}


def work_folder(root: Path, work: Path | None = None) -> Path:
    return work if work is not None else root / WORK_FOLDER


def volume_shape(path: Path) -> tuple[int, int, int]:
    """(x, y, layers) from the header alone (x, y, z, 1 accepted), without reading the voxels."""
    try:
        shape = tuple(int(n) for n in nib.load(str(path)).shape)
    except Exception as exc:  # nibabel raises many types for broken files
        raise DataError(f"cannot read NIfTI file {path}: {exc}") from exc
    if len(shape) == 4 and shape[3] == 1:
        shape = shape[:3]
    if len(shape) != 3:
        raise DataError(f"{path} has shape {shape}; expected a 3D volume (x, y, layers)")
    return shape  # type: ignore[return-value]


def annotated_layers(subject: Subject, shape: tuple[int, int, int]) -> tuple[int, list[int]] | None:
    """(axis, annotated layers) from the subject's <id>.regions.json, None when it has none."""
    sidecar = subject.beside(REGIONS_SUFFIX, ".json")
    return read_sidecar(sidecar, shape) if sidecar.is_file() else None


def newest_run(work: Path) -> Path | None:
    """The highest-numbered <work>/runs/run-NNN, None before the first training."""
    folder = work / RUNS_FOLDER
    runs = [p for p in folder.iterdir() if re.fullmatch(r"run-\d+", p.name)] if folder.is_dir() else []
    return max(runs, key=lambda p: int(p.name[4:])) if runs else None


def next_run(work: Path) -> Path:
    last = newest_run(work)
    return work / RUNS_FOLDER / f"run-{(int(last.name[4:]) + 1 if last else 1):03d}"
