"""OCTA-500 release layout -> NIfTI cases in this project's naming (data/naming.py).

Input (per field of view, `OCTA_3M` or `OCTA_6M`):
  OCTA/<id>/<n>.bmp         B-scans n = 1..N, each W x 640 (columns x = fast axis, rows = depth)
  GT_FAZ3D/<id>.mat         MATLAB v7.3 (HDF5), key FAZlabel, HDF5 shape (N, W, 640)
  GT_FAZ/<id>.bmp, GT_LargeVessel/<id>.bmp, ProjectionMaps/OCTA(FULL)/<id>.bmp   en-face, 0/255
  ProjectionMaps/OCTA(ILM_OPL)/<id>.bmp, ProjectionMaps/OCTA(OPL_BM)/<id>.bmp   en-face projections
Output: <dst>/<3M|6M>/<train|val|test>/<id>.nii.gz (volume), .faz.nii.gz, .faz2d.nii.gz,
.rv2d.nii.gz, .enface.nii.gz, and .projections.nii.gz: the three OCTA projections FULL, ILM_OPL,
OPL_BM as three layers (x, y, map), the en-face task's clip (data/enface.py). (OCTA-500 has no
3D vessel labels; only the en-face RV.)

Orientation. We stack B-scans as S[n, x, depth], the layout of the MATLAB volume that
GT_FAZ3D was drawn on (HDF5 reverses MATLAB's (depth, x, n)). Against the en-face ground
truth, the depth projection of GT_FAZ3D lines up with GT_FAZ after mirroring x for 3M and
mirroring n for 6M (checked on the subjects in ../shared/data/octa500: Dice 0.94/0.69/0.97
for 10301-10303 and 0.90/0.59/0.84 for 10001-10003; mean 0.87 (3M) and 0.78 (6M) against at
most 0.75 and 0.72 for the other seven orientations). The release has no B-scans in that
sample, so that B-scans share GT_FAZ3D's (n, x) layout is an assumption taken from MATLAB's
column-major storage. We apply that mirroring to volumes and 3D labels alike, so
en-face image rows/columns = projection-map rows/columns, and store arrays as
(i, j, k) = (column, row, depth): layer k is `volume[:, :, k].T`, as the projection maps show.
Because that rule is an assumption, each volume's depth projection is checked against the
subject's OCTA(FULL) map before anything is written (orientation.py): a volume that fits the map
better in another orientation is an error naming it.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

import h5py
import nibabel as nib
import numpy as np
from PIL import Image

from ..errors import DataError
from ..progress import Progress
from .naming import case_path
from .orientation import check_orientation

DEPTH = 640
DEPTH_MM = 2.0

# IPN-V2 split (the OCTA-500 paper's), inclusive id ranges.
SPLITS: dict[str, dict[str, tuple[int, int]]] = {
    "6M": {"train": (10001, 10180), "val": (10181, 10200), "test": (10201, 10300)},
    "3M": {"train": (10301, 10440), "val": (10441, 10450), "test": (10451, 10500)},
}
FIELD_MM = {"3M": 3.0, "6M": 6.0}
# The en-face task's three-frame clip, in the authors' order (their ProjectionSamples panels).
PROJECTION_MAPS = ("OCTA(FULL)", "OCTA(ILM_OPL)", "OCTA(OPL_BM)")
# (mirror n, mirror x) that maps S[n, x, :] onto en-face (row, column); see module docstring.
MIRROR = {"3M": (False, True), "6M": (True, False)}


@dataclass
class Subject:
    id: int
    subset: str  # 3M | 6M
    root: Path  # the OCTA_3M / OCTA_6M folder


def subset_of(subject_id: int) -> str:
    if 10001 <= subject_id <= 10300:
        return "6M"
    if 10301 <= subject_id <= 10500:
        return "3M"
    raise DataError(f"OCTA-500 id {subject_id} is outside 10001-10500")


def split_of(subject_id: int) -> str:
    for name, (lo, hi) in SPLITS[subset_of(subject_id)].items():
        if lo <= subject_id <= hi:
            return name
    raise AssertionError("unreachable")


def _set_roots(src: Path) -> list[Path]:
    if not src.is_dir():
        raise DataError(f"OCTA-500 folder not found: {src}")
    roots = [p for p in (src / "OCTA_3M", src / "OCTA_6M") if p.is_dir()]
    if roots:
        return roots
    markers = ("OCTA", "GT_FAZ3D", "GT_FAZ", "GT_LargeVessel", "ProjectionMaps")
    if any((src / m).is_dir() for m in markers):
        return [src]
    raise DataError(
        f"{src} does not look like OCTA-500: expected OCTA_3M/ or OCTA_6M/, or a folder with "
        "OCTA/<id>/<n>.bmp, GT_FAZ3D/<id>.mat, GT_FAZ/, GT_LargeVessel/, ProjectionMaps/"
    )


def find_subjects(src: Path) -> list[Subject]:
    subjects: dict[int, Subject] = {}
    for root in _set_roots(src):
        candidates = [
            root / "OCTA",
            root / "GT_FAZ3D",
            root / "GT_FAZ",
            root / "GT_LargeVessel",
            root / "ProjectionMaps" / "OCTA(FULL)",
        ]
        for folder in candidates:
            if not folder.is_dir():
                continue
            for entry in folder.iterdir():
                m = re.fullmatch(r"(\d{5})(\.(bmp|mat))?", entry.name)
                if m:
                    sid = int(m.group(1))
                    subjects.setdefault(sid, Subject(sid, subset_of(sid), root))
    return [subjects[k] for k in sorted(subjects)]


def read_bmp(path: Path) -> np.ndarray:
    try:
        return np.asarray(Image.open(path).convert("L"))
    except Exception as exc:
        raise DataError(f"cannot read image {path}: {exc}") from exc


def read_bscans(folder: Path) -> np.ndarray:
    """B-scan folder -> S[n, x, depth] (uint8)."""
    files = [p for p in folder.iterdir() if re.fullmatch(r"\d+\.bmp", p.name)]
    if not files:
        raise DataError(f"{folder} holds no B-scans (<n>.bmp)")
    files.sort(key=lambda p: int(p.stem))
    scans = [read_bmp(p) for p in files]
    shapes = {s.shape for s in scans}
    if len(shapes) != 1:
        raise DataError(f"B-scans in {folder} differ in size: {sorted(shapes)}")
    h, w = scans[0].shape
    if h != DEPTH:
        raise DataError(f"B-scans in {folder} are {w} x {h}; OCTA-500 B-scans are W x {DEPTH}")
    return np.stack([s.T for s in scans])  # (n, x, depth)


def read_faz3d(path: Path) -> np.ndarray:
    """GT_FAZ3D .mat (HDF5, key FAZlabel) -> (n, x, depth) uint8."""
    try:
        with h5py.File(path, "r") as f:
            if "FAZlabel" not in f:
                raise DataError(f"{path} has no 'FAZlabel' dataset (keys: {list(f.keys())})")
            return (np.asarray(f["FAZlabel"]) > 0).astype(np.uint8)
    except OSError as exc:
        raise DataError(f"cannot read {path} as MATLAB v7.3 (HDF5): {exc}") from exc


def to_enface_layout(s: np.ndarray, subset: str) -> np.ndarray:
    """S[n, x, depth] -> NIfTI array (column, row, depth) aligned with the projection maps."""
    mirror_n, mirror_x = MIRROR[subset]
    e = s[::-1] if mirror_n else s
    e = e[:, ::-1] if mirror_x else e
    return np.ascontiguousarray(e.transpose(1, 0, 2))


def _affine(subset: str, side: int) -> np.ndarray:
    pitch = FIELD_MM[subset] / side
    return np.diag([pitch, pitch, DEPTH_MM / DEPTH, 1.0])


def _projection_affine(subset: str, side: int) -> np.ndarray:
    # The maps are slabs, not depths: one unit between them (the editor shows them as 3 layers).
    pitch = FIELD_MM[subset] / side
    return np.diag([pitch, pitch, 1.0, 1.0])


def _save(array: np.ndarray, affine: np.ndarray, path: Path) -> None:
    nib.save(nib.Nifti1Image(array, affine), str(path))


def import_subject(subject: Subject, out: Path) -> list[str]:
    """Write every file available for one subject; returns the suffixes written."""
    root, sid, subset = subject.root, subject.id, subject.subset
    written: list[str] = []
    shape_xy: tuple[int, int] | None = None
    side = 0
    octa = root / "OCTA" / str(sid)
    if octa.is_dir():
        vol = to_enface_layout(read_bscans(octa), subset)
        projection_map = root / "ProjectionMaps/OCTA(FULL)" / f"{sid}.bmp"
        if projection_map.is_file():  # before anything of this subject is written
            check_orientation(vol, read_bmp(projection_map), str(sid))
        shape_xy, side = vol.shape[:2], vol.shape[0]
        _save(vol, _affine(subset, side), case_path(out, str(sid)))
        written.append("volume")
    faz3d = root / "GT_FAZ3D" / f"{sid}.mat"
    if faz3d.is_file():
        lab = to_enface_layout(read_faz3d(faz3d), subset)
        if shape_xy is not None and lab.shape[:2] != shape_xy:
            raise DataError(f"{faz3d} has en-face shape {lab.shape[:2]} but the B-scans give {shape_xy}")
        shape_xy, side = lab.shape[:2], lab.shape[0]
        _save(lab, _affine(subset, side), case_path(out, str(sid), "faz"))
        written.append("faz")
    for folder, suffix, binary in (
        ("GT_FAZ", "faz2d", True),
        ("GT_LargeVessel", "rv2d", True),
        ("ProjectionMaps/OCTA(FULL)", "enface", False),
    ):
        bmp = root / folder / f"{sid}.bmp"
        if not bmp.is_file():
            continue
        img = read_bmp(bmp).T  # (column, row)
        if shape_xy is not None and img.shape != shape_xy:
            raise DataError(
                f"{bmp} is {img.shape[0]} x {img.shape[1]} but the volume's en-face is {shape_xy}"
            )
        side = side or img.shape[0]
        data = (img > 127).astype(np.uint8) if binary else img.astype(np.uint8)
        _save(data, _affine(subset, side), case_path(out, str(sid), suffix))
        written.append(suffix)
    maps = [root / "ProjectionMaps" / name / f"{sid}.bmp" for name in PROJECTION_MAPS]
    if all(p.is_file() for p in maps):
        stack = np.stack([read_bmp(p).T for p in maps], axis=2)  # (column, row, map)
        if shape_xy is not None and stack.shape[:2] != shape_xy:
            raise DataError(f"{maps[1]} and {maps[2]}: en-face shape {stack.shape[:2]} differs from {shape_xy}")
        side = side or stack.shape[0]
        _save(stack.astype(np.uint8), _projection_affine(subset, side), case_path(out, str(sid), "projections"))
        written.append("projections")
    return written


def import_octa500(
    src: Path, dst: Path, ids: list[int] | None, split: bool, progress: Progress
) -> dict[str, list[int]]:
    subjects = find_subjects(src)
    if ids is not None:
        missing = sorted(set(ids) - {s.id for s in subjects})
        if missing:
            raise DataError(f"ids not found in {src}: {missing}")
        subjects = [s for s in subjects if s.id in set(ids)]
    if not subjects:
        raise DataError(f"no OCTA-500 subjects found in {src}")
    done: dict[str, list[int]] = {}
    for n, s in enumerate(subjects, start=1):
        out = dst / s.subset / split_of(s.id) if split else dst
        out.mkdir(parents=True, exist_ok=True)
        written = import_subject(s, out)
        key = str(out)
        done.setdefault(key, []).append(s.id)
        # One JSON line per subject: the VS Code command's progress bar (Import OCTA-500…).
        progress.emit("subject", done=n, total=len(subjects), id=s.id, folder=key, volume="volume" in written)
        progress.log(f"{s.id} ({s.subset}) -> {out}: {', '.join(written) or 'nothing'}")
        if "volume" not in written:
            progress.log(f"  note: no B-scans at {s.root / 'OCTA' / str(s.id)}; labels only")
    return done


def run_import_command(args: argparse.Namespace) -> int:
    progress = Progress()
    ids = [int(x) for x in args.ids.split(",")] if args.ids else None
    done = import_octa500(Path(args.src), Path(args.dst), ids, not args.no_split, progress)
    progress.emit("done", folders={k: v for k, v in done.items()})
    return 0
