"""The en-face task (paper Table I): OCTA-500's three projection maps as a three-frame clip.

As the authors' code does (ShellRedia/SAM-OCTA2, OCTA_Dataset_SAM2_Projection): the clip is the
OCTA projections FULL, ILM_OPL and OPL_BM of one eye (`<name>.projections.nii.gz`, written by
`import-octa500`); the object is the whole FAZ or the whole large-vessel map (`<name>.faz2d` /
`<name>.rv2d`), the same mask on every frame; every frame gets the same prompt
(projection_prompts.py). Each frame is then a prompted (conditioning) frame, so SAM 2 segments
each map on its own; training scores all three, evaluation the middle one (the authors' frame 1,
ILM_OPL) against the whole map (evaluate_enface.py).

A case's field of view ('3M', '6M') is read from its pixel pitch (import-octa500 writes 3 or
6 mm across), so one folder may hold both and Table I still gets its rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nibabel as nib
import numpy as np

from ..errors import DataError
from ..projection_prompts import projection_prompt
from .augment import augment_sequence
from .naming import split_nifti_name
from .sequences import Draw, Sequence
from .volumes import TARGETS, as_2d, check_finite, normalize

CLIP_SUFFIX = "projections"
LABEL_SUFFIX = {"faz": "faz2d", "rv": "rv2d"}
# The frame scored in evaluation: the middle map (ILM_OPL), as the authors score frame 1.
SCORED_FRAME = 1


@dataclass
class EnfaceCase:
    name: str
    fov: str  # '3M', '6M', or '<x>mm' for other fields of view
    frames: np.ndarray  # (3, H, W) float32 in [0, 1]: FULL, ILM_OPL, OPL_BM
    mask: np.ndarray  # (H, W) bool: the whole FAZ or RV map


def field_of_view(image: nib.Nifti1Image) -> str:
    """'3M' / '6M' from the in-plane extent (pitch x columns), as OCTA-500 names its sets."""
    extent = float(image.header.get_zooms()[0]) * int(image.shape[0])
    rounded = round(extent)
    return f"{rounded}M" if abs(extent - rounded) < 0.05 and rounded in (3, 6) else f"{extent:.3g}mm"


def _read(path: Path) -> nib.Nifti1Image:
    try:
        return nib.load(str(path))
    except Exception as exc:  # nibabel raises many types for broken files
        raise DataError(f"cannot read NIfTI file {path}: {exc}") from exc


def load_enface_case(name: str, clip: Path, label: Path) -> EnfaceCase:
    image = _read(clip)
    stack = np.asarray(image.dataobj)
    if stack.ndim != 3 or stack.shape[2] != 3:
        raise DataError(
            f"{clip} has shape {stack.shape}: an en-face clip is (x, y, 3), the projections "
            "FULL, ILM_OPL, OPL_BM (import-octa500 writes it)"
        )
    check_finite(stack, clip)
    mask = as_2d(np.asarray(_read(label).dataobj), label, stack.shape[:2]) > 0
    # One percentile window over the clip, as for a volume (volumes.py) and as the editor's
    # tracker windows the whole volume it opens: the bundle then sees what it was trained on.
    frames = normalize(stack).transpose(2, 1, 0)
    return EnfaceCase(name, field_of_view(image), np.ascontiguousarray(frames), np.ascontiguousarray(mask.T))


def load_enface_folder(folder: str | Path, target: str, fov: str | None = None) -> list[EnfaceCase]:
    """The cases of `folder` that have a clip and a `target` label (of field of view `fov`)."""
    if target not in TARGETS:
        raise DataError(f"unknown target '{target}' (supported: {', '.join(TARGETS)})")
    path = Path(folder)
    if not path.is_dir():
        raise DataError(f"dataset folder not found: {path}")
    files: dict[str, dict[str, Path]] = {}
    for entry in sorted(path.iterdir()):
        parts = split_nifti_name(entry) if entry.is_file() else None
        if parts is not None:
            files.setdefault(parts[0], {})[parts[1]] = entry
    clips = {name: f for name, f in files.items() if CLIP_SUFFIX in f}
    if not clips:
        raise DataError(
            f"{path} holds no en-face clips: expected <name>.projections.nii.gz (x, y, 3) with "
            f"<name>.{LABEL_SUFFIX[target]}.nii.gz, as `samocta2 import-octa500` writes them"
        )
    cases = [
        load_enface_case(name, f[CLIP_SUFFIX], f[LABEL_SUFFIX[target]])
        for name, f in clips.items()
        if LABEL_SUFFIX[target] in f
    ]
    return [c for c in cases if fov is None or c.fov == fov]


class EnfaceSource:
    """Clips for training and evaluation, with the interface of data.sequences.SequenceSource."""

    def __init__(self, cases: list[EnfaceCase], sampling: dict[str, Any], target: str):
        self.cases = [c for c in cases if c.mask.any()]  # an empty map has nothing to prompt
        self.sampling = sampling
        self.target = target

    def __len__(self) -> int:
        return len(self.cases)

    def draw(
        self, rng: np.random.Generator, index: int, fixed: Draw = Draw(), augment: bool = True
    ) -> Sequence:
        """Case `index`'s clip; `fixed` is ignored: the en-face prompt is fixed by the paper."""
        case = self.cases[index % len(self.cases)]
        frames, masks = case.frames, np.repeat(case.mask[None], 3, axis=0)
        if augment:
            s = self.sampling
            # The authors rotate half of the clips (SafeRotate p=0.5), as the layer sequences.
            frames, masks = augment_sequence(
                rng, frames, masks, float(s["hflip"]), float(s["max_rotation_deg"]), float(s["rotation_prob"])
            )
        prompt = projection_prompt(rng, masks[0], self.target)
        if not (prompt[1] == 1).any():
            if augment:  # rotation pushed the object out of the frame
                return self.draw(rng, index, fixed, augment=False)
            raise DataError(f"case {case.name} has no {self.target} pixels to prompt")
        return Sequence(case.name, 1, [0, 1, 2], frames, masks, {t: prompt for t in range(3)})


def build_enface_source(
    folder: str | Path, target: str, sampling: dict[str, Any], fov: str | None = None
) -> EnfaceSource:
    source = EnfaceSource(load_enface_folder(folder, target, fov), sampling, target)
    if len(source) == 0:
        where = f" of field of view {fov}" if fov else ""
        raise DataError(
            f"{folder} has no en-face clips{where} with a non-empty {target} label "
            f"(<name>.projections.nii.gz with <name>.{LABEL_SUFFIX[target]}.nii.gz)"
        )
    return source
