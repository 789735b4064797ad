"""Layer-like training stacks made from OCTA-500's real en-face projections and labels.

The release has volumes for every subject, but a project may only hold its projections, 2D
labels, retinal boundaries (GT_Layers) and 3D FAZ labels (as ../shared/data/octa500 does). An
en-face layer at depth d shows the projection's vessels only where d falls inside the vascular
plexus, i.e. between the subject's own retinal boundaries at that (x, y): the retina is curved,
so a layer cuts it in a ring or a corner (see ../shared/data/octa500/layers). This module makes
such layers: the real projection (OCTA ILM_OPL mixed with FULL) seen through the visibility band
of the real boundaries at depth d, a depth-dependent gain, a dark floor and speckle; labels are
the real large-vessel components where the band shows them (the paper's layer RV = en-face RV ∩
visible region) and the real 3D FAZ label at depth d (FAZ_WINDOWS: which depths).

    python -m samocta2 projection-layers ../shared/data/octa500/OCTA-500 data/projection-layers \\
        --exclude 10301 --rv-stacks 8 --faz-stacks 4 --seed 0

Output: one case per stack in data/naming.py's layout: <id>_rv<j>.nii.gz + .vessels.nii.gz
(instance ids = en-face component + 1, the same vessel on every layer), <id>_faz<j>.nii.gz +
.faz.nii.gz. Frames are rows x columns as the projection maps; arrays are (column, row, layer).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import nibabel as nib
import numpy as np
import scipy.io as sio
from scipy import ndimage as ndi

from ..errors import DataError
from ..progress import Progress
from .naming import case_path
from .octa500 import DEPTH, DEPTH_MM, FIELD_MM, Subject, find_subjects, read_bmp, read_faz3d, to_enface_layout

EIGHT = np.ones((3, 3), bool)
MIN_VESSEL_PX = 30  # smaller en-face components are annotation specks, not vessels
# OCTA-500's en-face large-vessel annotation is drawn thinner than the vessels that layer labels
# mark: at 512 px its median width is about 3.5 px, the shared layer labels' 6.2 (docs/synthetic-octa.md).
# Components grow by this many pixels per side at the annotation's own resolution (--vessel-dilation).
VESSEL_DILATION_PX = 1


@dataclass
class SubjectMaps:
    """One subject's en-face maps, all (rows, columns) as the projection maps show them."""

    id: int
    subset: str
    superficial: np.ndarray  # OCTA(ILM_OPL) projection, float32 [0, 1]
    full: np.ndarray  # OCTA(FULL) projection, float32 [0, 1]
    vessels: np.ndarray  # int32 component ids of GT_LargeVessel, 0 = background
    faz2d: np.ndarray  # bool
    ilm: np.ndarray  # depth index of the ILM, float32, smoothed
    opl: np.ndarray  # depth index of the OPL, float32, smoothed
    faz3d: np.ndarray | None  # (rows, columns, depth) bool, or None


def _enface(raw: np.ndarray, subset: str) -> np.ndarray:
    """A (n, x) map in GT_FAZ3D's raw layout -> (rows, columns) of the projection maps."""
    return to_enface_layout(raw[..., None], subset)[..., 0].T


def load_subject(subject: Subject, vessel_dilation: int = VESSEL_DILATION_PX) -> SubjectMaps:
    root, sid = subject.root, subject.id

    def bmp(folder: str) -> np.ndarray:
        path = root / folder / f"{sid}.bmp"
        if not path.is_file():
            raise DataError(f"{path} is missing: projection layers need it for subject {sid}")
        return read_bmp(path)

    layers_path = root / "GT_Layers" / f"{sid}.mat"
    if not layers_path.is_file():
        raise DataError(f"{layers_path} is missing: projection layers need the retinal boundaries")
    try:
        boundaries = sio.loadmat(str(layers_path))["Layer"].astype(np.float32)
    except (KeyError, ValueError, OSError) as exc:
        raise DataError(f"cannot read {layers_path} (MATLAB v5, key 'Layer'): {exc}") from exc
    vessels, _ = ndi.label(bmp("GT_LargeVessel") > 127, structure=EIGHT)
    sizes = np.bincount(vessels.ravel())
    vessels[sizes[vessels] < MIN_VESSEL_PX] = 0
    for _ in range(vessel_dilation):  # each background pixel takes a touching vessel's id
        grown = ndi.grey_dilation(vessels, footprint=EIGHT)
        vessels = np.where(vessels > 0, vessels, grown)
    faz3d_path = root / "GT_FAZ3D" / f"{sid}.mat"
    faz3d = None
    if faz3d_path.is_file():
        faz3d = to_enface_layout(read_faz3d(faz3d_path), subject.subset).transpose(1, 0, 2) > 0
    return SubjectMaps(
        id=sid,
        subset=subject.subset,
        superficial=bmp("ProjectionMaps/OCTA(ILM_OPL)").astype(np.float32) / 255.0,
        full=bmp("ProjectionMaps/OCTA(FULL)").astype(np.float32) / 255.0,
        vessels=vessels.astype(np.int32),
        faz2d=bmp("GT_FAZ") > 127,
        ilm=ndi.gaussian_filter(_enface(boundaries[0], subject.subset), 2.0),
        opl=ndi.gaussian_filter(_enface(boundaries[2], subject.subset), 2.0),
        faz3d=faz3d,
    )


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _band(depth: float, top: np.ndarray, start: float, stop: np.ndarray | float, soft: float) -> np.ndarray:
    """Visibility in [0, 1] of the plexus between top + start and `stop` at this depth."""
    below = depth - top
    return _sigmoid((below - start) / soft) * _sigmoid((stop - below) / soft)


def _render(rng: np.random.Generator, source: np.ndarray, visible: np.ndarray, gain: float) -> np.ndarray:
    """A layer: the projection through its visibility, a dark floor and multiplicative speckle
    (real layers are single depths, noisier than a projection over a slab)."""
    speckle = np.clip(1.0 + rng.uniform(0.15, 0.45) * rng.standard_normal(source.shape), 0.0, None)
    floor = rng.uniform(0.0, 0.06) * np.abs(rng.standard_normal(source.shape))
    return np.clip(source * visible * gain * speckle + floor, 0.0, 1.0).astype(np.float32)


def _depths(rng: np.random.Generator, lo: float, hi: float, count: int) -> np.ndarray:
    """`count` equally spaced layer depths (stride 1-3) starting somewhere in [lo, hi]."""
    stride = int(rng.integers(1, 4))
    start = float(rng.uniform(lo, max(lo, hi - stride * (count - 1) / 2)))
    return start + stride * np.arange(count)


def vessel_stack(rng: np.random.Generator, s: SubjectMaps, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(frames (K, H, W) float32, vessel ids (K, H, W) int32) around the superficial plexus:
    from above the shallowest ILM (a corner shows first) to below its median."""
    depths = _depths(rng, float(np.percentile(s.ilm, 2)) - 6, float(np.median(s.ilm)) + 10, count)
    start, thickness, soft = rng.uniform(-2, 4), rng.uniform(10, 30), rng.uniform(0.8, 2.5)
    mix = rng.uniform(0.5, 1.0)
    # A power above 1 dims the capillaries against the large vessels, as at the plexus's top.
    source = (mix * s.superficial + (1 - mix) * s.full) ** rng.uniform(1.0, 2.5)
    gains = rng.uniform(0.6, 1.4) * np.exp(np.cumsum(rng.normal(0, 0.05, count)))
    frames, labels = [], []
    for d, g in zip(depths, gains):
        visible = _band(d, s.ilm, start, thickness, soft)
        frames.append(_render(rng, source, visible, g))
        labels.append(np.where(visible > 0.5, s.vessels, 0))
    return np.stack(frames), np.stack(labels).astype(np.int32)


# Where a FAZ stack's layers lie (--faz-window). "label": the whole depth range of the 3D label.
# Its upper half cuts the foveal pit above the ILM, so those layers show a dark disk far wider
# than the FAZ with the label a small patch inside it, and the threshold's region leaks across
# the disk (issue 13: area 50,400 px against labels of 1,800). "floor": from the pit's floor
# (where the layer lies below the ILM over the whole FAZ) to the label's bottom, the depths
# OCTA-500's own layer stacks show (10301_faz: depths 300-310, capillaries all around a dark FAZ
# whose label shrinks to a crescent). There the vessels show on the whole layer, the deep
# plexus and the large vessels' projection tails, far below the OPL boundary: the band reaches
# BELOW_OPL layers under it (at 8-20 the outer field went dark and the threshold's region leaked
# into it: on 10303 its area was 48x the label's at the median, 4.4x at 30-80).
# "enface": no depth at all: every layer is the en-face projection itself, re-speckled with its
# own gain, labelled with the en-face FAZ. Why: most floor-window labels are crescents smaller
# than the dark FAZ (issue 13: models trained on them answered 10301's first layers, a whole FAZ
# of 8,400 px, with a sliver; with these stacks beside them the sliver stayed, and the model card's
# "ninth step" traced it to SAM 2's single-mask output on prompted layers).
# "disc": no depth either: the capillary mesh (the projection with its large vessels filled with
# its own mesh) lit inside a disc around the FAZ that narrows layer by layer, dark outside,
# labelled with the en-face FAZ. Why: OCTA-500's own FAZ layers (depths 300-310) show a fine
# capillary mesh in a round lit disc with no bright large vessels, the FAZ whole inside it; no
# other window shows that (floor: lit far below the OPL; enface: lit everywhere, large vessels
# bright), and models trained on those windows answered such a prompted layer with a sliver.
# "disc-floor": the disc window's layers labelled with the 3D FAZ from the pit's floor to the
# label's bottom (the en-face FAZ where the 3D label is missing). Why: on OCTA-500's own stack the
# layers keep showing the whole dark FAZ while the label shrinks from it to a crescent; in the
# other windows crescent labels came only with projection-like layers and disc-like layers always
# with the whole FAZ, and models lost to the threshold on 10301's middle layers, where it shrinks.
DEPTH_WINDOWS = ("label", "floor")
FAZ_WINDOWS = (*DEPTH_WINDOWS, "enface", "disc", "disc-floor")
TRUNK_MARGIN_PX = 1  # large-vessel pixels grown by this much before the mesh replaces them
PIT_FLOOR_PERCENTILE = 95  # of the ILM's depth inside the en-face FAZ
BELOW_OPL = (30.0, 80.0)  # layers, drawn per stack


def _faz_label(s: SubjectMaps) -> np.ndarray | None:
    """The subject's 3D FAZ label, or None where it is missing or does not line up with the
    en-face FAZ (Dice of its footprint under 0.6)."""
    if s.faz3d is None:
        return None
    shown = s.faz3d.any(axis=2)
    agree = 2 * (shown & s.faz2d).sum() / max(1, shown.sum() + s.faz2d.sum())
    return s.faz3d if agree >= 0.6 else None


def pit_floor(s: SubjectMaps) -> float:
    """The depth below which a flat layer lies under the ILM over (nearly) the whole en-face FAZ."""
    inside = s.ilm[s.faz2d] if s.faz2d.any() else s.ilm
    return float(np.percentile(inside, PIT_FLOOR_PERCENTILE))


def faz_depths(rng: np.random.Generator, s: SubjectMaps, count: int, window: str = "label") -> np.ndarray:
    """A FAZ stack's `count` layer depths in one of the DEPTH_WINDOWS: the 3D label's range (or,
    without it, the ILM's to the OPL's median), or from the pit's floor (at most 4 layers above
    the label's bottom) down."""
    if window not in DEPTH_WINDOWS:
        raise ValueError(f"window must be one of the depth windows {DEPTH_WINDOWS}; got {window!r}")
    faz3d = _faz_label(s)
    if faz3d is not None:
        z = np.nonzero(faz3d.any(axis=(0, 1)))[0]
        lo = z.min() - 2 if window == "label" else min(pit_floor(s), z.max() - 4)
        return _depths(rng, lo, z.max() + 2, count)
    lo = float(np.median(s.ilm)) if window == "label" else pit_floor(s)
    return _depths(rng, lo, max(lo, float(np.median(s.opl))), count)


def faz_stack(
    rng: np.random.Generator, s: SubjectMaps, count: int, window: str = "label"
) -> tuple[np.ndarray, np.ndarray]:
    """(frames, FAZ 0/1) at `faz_depths`: the 3D FAZ label at each depth (the en-face FAZ where
    the 3D label is missing or does not line up with it); window "enface": the projection and
    the en-face FAZ on every layer."""
    if window == "enface":
        return enface_faz_stack(rng, s, count)
    if window == "disc":
        return disc_faz_stack(rng, s, count)
    if window == "disc-floor":
        return disc_floor_faz_stack(rng, s, count)
    faz3d = _faz_label(s)
    depths = faz_depths(rng, s, count, window)
    start, soft = rng.uniform(-4, 2), rng.uniform(0.8, 2.5)
    below_opl = 4.0 if window == "label" else rng.uniform(BELOW_OPL[0], BELOW_OPL[1])
    mix = rng.uniform(0.4, 1.0)
    source = mix * s.superficial + (1 - mix) * s.full
    gains = rng.uniform(0.6, 1.4) * np.exp(np.cumsum(rng.normal(0, 0.05, count)))
    frames, labels = [], []
    for d, g in zip(depths, gains):
        visible = _band(d, s.ilm, start, s.opl - s.ilm + below_opl, soft)
        frames.append(_render(rng, source, visible, g))
        k = int(np.clip(round(d), 0, DEPTH - 1))
        labels.append(faz3d[..., k] if faz3d is not None else s.faz2d)
    return np.stack(frames), np.stack(labels).astype(np.int32)


def enface_faz_stack(rng: np.random.Generator, s: SubjectMaps, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(frames, en-face FAZ 0/1): the projection (superficial and full mixed, capillaries dimmed
    by a power as vessel_stack's) on every layer, each with its own speckle and a drifting gain,
    so that the frozen encoder sees `count` different layers of one whole FAZ."""
    mix = rng.uniform(0.4, 1.0)
    source = (mix * s.superficial + (1 - mix) * s.full) ** rng.uniform(1.0, 2.0)
    gains = rng.uniform(0.6, 1.4) * np.exp(np.cumsum(rng.normal(0, 0.05, count)))
    visible = np.ones_like(source)
    frames = np.stack([_render(rng, source, visible, g) for g in gains])
    return frames, np.repeat(s.faz2d[None], count, axis=0).astype(np.int32)


def capillary_source(rng: np.random.Generator, s: SubjectMaps) -> np.ndarray:
    """The projection (mostly the full one) with its large vessels filled with its own mesh, at
    70-105 % of its brightness (their shadow on deeper layers is faint: a slightly darker line at
    most)."""
    mix = rng.uniform(0.0, 0.6)
    source = mix * s.superficial + (1 - mix) * s.full
    trunks = ndi.binary_dilation(s.vessels > 0, EIGHT, iterations=TRUNK_MARGIN_PX)
    # The mesh that fills them is the projection's own, from a random offset (where that is mesh
    # too; elsewhere the local mean of the mesh around).
    keep = (~trunks).astype(np.float32)
    sigma = 6.0 * source.shape[0] / 304  # wider than a trunk, so the mean holds mesh pixels
    local = ndi.gaussian_filter(source * keep, sigma) / np.maximum(ndi.gaussian_filter(keep, sigma), 1e-3)
    shift = tuple(int(x) for x in rng.integers(10, 40, 2) * rng.choice((-1, 1), 2))
    borrowed = np.where(np.roll(trunks, shift, axis=(0, 1)), local, np.roll(source, shift, axis=(0, 1)))
    return np.where(trunks, borrowed * rng.uniform(0.7, 1.05), source).astype(np.float32)


def lit_discs(rng: np.random.Generator, s: SubjectMaps, count: int) -> np.ndarray:
    """(count, H, W) visibility: a soft-edged, slightly oval and wobbly disc around the FAZ, dim
    outside, its radius shrinking by up to 40 % over the stack but always at least 1.3 times the
    farthest FAZ pixel from its centre in the oval's own metric before the wobble (which can take
    up to 12 % off and the oval up to 11 %: the FAZ's edge stays inside), so the whole FAZ is lit
    around."""
    side = s.full.shape[0]
    rows, cols = np.mgrid[: s.full.shape[0], : s.full.shape[1]].astype(np.float32)
    faz_rows, faz_cols = np.nonzero(s.faz2d) if s.faz2d.any() else (np.array([side / 2]), np.array([side / 2]))
    centre = np.array([faz_rows.mean(), faz_cols.mean()]) + rng.normal(0, 0.04 * side, 2)
    reach = float(np.hypot(faz_rows - centre[0], faz_cols - centre[1]).max())
    first = rng.uniform(max(1.6 * reach, 0.3 * side), max(1.6 * reach, 0.6 * side))
    last = max(1.3 * reach, first * rng.uniform(0.6, 1.0))
    angle, aspect = rng.uniform(0, np.pi), rng.uniform(0.8, 1.25)
    dy, dx = rows - centre[0], cols - centre[1]
    u = (dy * np.cos(angle) + dx * np.sin(angle)) * np.sqrt(aspect)
    v = (dx * np.cos(angle) - dy * np.sin(angle)) / np.sqrt(aspect)
    radius, theta = np.hypot(u, v), np.arctan2(v, u)
    wobble = sum(rng.uniform(0, 0.04) * np.cos(k * theta + rng.uniform(0, 2 * np.pi)) for k in (2, 3, 5))
    soft, outside = rng.uniform(2.0, 8.0) * side / 304, rng.uniform(0.0, 0.15)
    discs = [
        outside + (1 - outside) * _sigmoid((r * (1 + wobble) - radius) / soft)
        for r in np.linspace(first, last, count)
    ]
    return np.stack(discs).astype(np.float32)


def disc_faz_stack(rng: np.random.Generator, s: SubjectMaps, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(frames, en-face FAZ 0/1): capillary_source seen through lit_discs, each layer with its own
    speckle and a drifting gain."""
    source = capillary_source(rng, s) ** rng.uniform(1.0, 1.5)
    # Dimmer than the other windows' layers: the real ones' 99th percentile is under a third of
    # the 8-bit range, so the percentile window stretches their speckle, not a saturated mesh.
    gains = rng.uniform(0.3, 0.9) * np.exp(np.cumsum(rng.normal(0, 0.05, count)))
    frames = np.stack([_render(rng, source, visible, g) for visible, g in zip(lit_discs(rng, s, count), gains)])
    return frames, np.repeat(s.faz2d[None], count, axis=0).astype(np.int32)


def floor_to_bottom(rng: np.random.Generator, s: SubjectMaps, faz3d: np.ndarray, count: int) -> np.ndarray:
    """`count` equally spaced depths from about the pit's floor (-2 to +3 layers) to about the 3D
    label's bottom (up to 3 layers above it): the whole FAZ first, a crescent last, none empty."""
    z = np.nonzero(faz3d.any(axis=(0, 1)))[0]
    bottom = z.max() - rng.uniform(0, 3)
    top = min(pit_floor(s) + rng.uniform(-2, 3), bottom - (count - 1) * 0.5)
    return np.linspace(top, bottom, count)


def disc_floor_faz_stack(rng: np.random.Generator, s: SubjectMaps, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(frames, FAZ 0/1): disc_faz_stack's layers, labelled with the 3D FAZ at `floor_to_bottom`'s
    depths (the en-face FAZ on every layer where the 3D label is missing)."""
    frames, whole = disc_faz_stack(rng, s, count)
    faz3d = _faz_label(s)
    if faz3d is None:
        return frames, whole
    depths = np.clip(np.round(floor_to_bottom(rng, s, faz3d, count)), 0, DEPTH - 1).astype(int)
    return frames, np.stack([faz3d[..., k] for k in depths]).astype(np.int32)


def _resize(frames: np.ndarray, labels: np.ndarray, side: int) -> tuple[np.ndarray, np.ndarray]:
    if frames.shape[1] == side:
        return frames, labels
    zoom = (1, side / frames.shape[1], side / frames.shape[2])
    return ndi.zoom(frames, zoom, order=1), ndi.zoom(labels, zoom, order=0)


def _save_case(out: Path, name: str, suffix: str, subset: str, frames: np.ndarray, labels: np.ndarray) -> None:
    side = frames.shape[1]
    affine = np.diag([FIELD_MM[subset] / side, FIELD_MM[subset] / side, DEPTH_MM / DEPTH, 1.0])
    volume = np.round(255 * frames).astype(np.uint8).transpose(2, 1, 0)  # (column, row, layer)
    nib.save(nib.Nifti1Image(volume, affine), str(case_path(out, name)))
    nib.save(nib.Nifti1Image(labels.astype(np.int16).transpose(2, 1, 0), affine), str(case_path(out, name, suffix)))


def make_projection_layers(
    src: Path, out: Path, exclude: set[int], rv_stacks: int, faz_stacks: int, layers: int,
    sides: tuple[int, ...], seed: int, progress: Progress, vessel_dilation: int = VESSEL_DILATION_PX,
    faz_window: str = "label",
) -> list[str]:
    """Write the stacks of every subject not in `exclude`; returns the case names."""
    subjects = [s for s in find_subjects(src) if s.id not in exclude]
    if not subjects:
        raise DataError(f"no OCTA-500 subjects in {src} (after excluding {sorted(exclude)})")
    out.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    for subject in subjects:
        maps = load_subject(subject, vessel_dilation)
        for kind, count, make, suffix in (
            ("rv", rv_stacks, vessel_stack, "vessels"),
            ("faz", faz_stacks, partial(faz_stack, window=faz_window), "faz"),
        ):
            for j in range(count):
                rng = np.random.default_rng([seed, subject.id, j, 0 if kind == "rv" else 1])
                frames, labels = make(rng, maps, layers)
                frames, labels = _resize(frames, labels, int(rng.choice(sides)))
                name = f"{subject.id}_{kind}{j}"
                _save_case(out, name, suffix, subject.subset, frames, labels)
                names.append(name)
        progress.log(f"{subject.id} ({subject.subset}): {rv_stacks} vessel and {faz_stacks} FAZ stacks")
    return names


def run_projection_layers_command(args: argparse.Namespace) -> int:
    progress = Progress()
    exclude = {int(x) for x in args.exclude.split(",") if x.strip()} if args.exclude else set()
    sides = tuple(int(x) for x in args.sides.split(","))
    names = make_projection_layers(
        Path(args.src), Path(args.dst), exclude, args.rv_stacks, args.faz_stacks, args.layers, sides,
        args.seed, progress, args.vessel_dilation, args.faz_window,
    )
    progress.emit("done", cases=len(names), out=str(args.dst))
    return 0
