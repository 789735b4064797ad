"""Layer sequences for training and evaluation: one object, a few layers, prompts on some.

`SequenceSource` indexes the objects of a set of cases; `draw()` builds a `Sequence` from a
seeded generator, so a (seed, index) pair always gives the same sequence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import prompts
from ..config import as_range
from ..errors import DataError
from .augment import augment_sequence
from .naming import find_cases
from .volumes import Case, load_case


@dataclass
class Sequence:
    """One training/eval item. Shapes: frames (T, H, W) float32 in [0, 1]; masks (T, H, W) bool."""

    case: str
    object_id: int
    layers: list[int]
    frames: np.ndarray
    masks: np.ndarray
    # sequence position -> (points (N, 2) as (x, y) pixels, labels (N,) 1/0)
    prompts: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    # The frames' pixel size along their columns in mm (the case's; None: unknown).
    pixel_mm: float | None = None


@dataclass(frozen=True)
class Draw:
    """Fixed sequence settings (evaluation); None fields are drawn from the config's ranges."""

    frames: int | None = None
    prompted: int | None = None
    positive: int | None = None
    negative: int | None = None


class SequenceSource:
    def __init__(self, cases: list[Case], sampling: dict[str, Any]):
        self.cases = cases
        self.sampling = sampling
        # (case index, object id, layers where the object is present)
        self.objects: list[tuple[int, int, np.ndarray]] = []
        for ci, case in enumerate(cases):
            ids = np.unique(case.labels)
            for obj in ids[ids > 0]:
                present = np.nonzero((case.labels == obj).any(axis=(1, 2)))[0]
                self.objects.append((ci, int(obj), present))

    def __len__(self) -> int:
        return len(self.objects)

    def draw(
        self, rng: np.random.Generator, index: int, fixed: Draw = Draw(), augment: bool = True
    ) -> Sequence:
        s = self.sampling
        ci, obj, present = self.objects[index % len(self.objects)]
        case = self.cases[ci]
        depth = case.frames.shape[0]

        def pick(value: int | None, key: str) -> int:
            if value is not None:
                return value
            lo, hi = as_range(s[key], f"sampling.{key}")
            return int(rng.integers(lo, hi + 1))

        length = pick(fixed.frames, "frames")
        n_prompted = pick(fixed.prompted, "prompted_frames")
        for _attempt in range(20):
            layers = prompts.equal_interval_frames(rng, depth, present, length)
            positions = prompts.prompted_positions(n_prompted, len(layers))
            if all((case.labels[layers[p]] == obj).any() for p in positions):
                break
        else:
            # The object has holes in depth: prompt the frames that show it, same priority.
            shown = [i for i, k in enumerate(layers) if (case.labels[k] == obj).any()]
            if not shown:
                layers = list(present[: len(layers)])
                shown = list(range(len(layers)))
            order = [shown[0], shown[-1], shown[(len(shown) - 1) // 2]]
            positions = sorted(list(dict.fromkeys(order))[: max(1, n_prompted)])
        frames = case.frames[layers]
        masks = case.labels[layers] == obj
        if augment:
            frames, masks = augment_sequence(
                rng, frames, masks, float(s["hflip"]), float(s["max_rotation_deg"]), float(s["rotation_prob"])
            )
        seq = Sequence(case.name, obj, [int(k) for k in layers], frames, masks, pixel_mm=case.pixel_mm)
        for p in positions:
            n_pos = max(1, pick(fixed.positive, "positive_points"))
            n_neg = pick(fixed.negative, "negative_points")
            seq.prompts[p] = prompts.frame_prompt(
                rng, masks[p], n_pos, n_neg, int(s["gap"]), int(s["ring_width"])
            )
            if not (seq.prompts[p][1] == 1).any():
                # Rotation can push a tiny object out of the frame: drop the prompt, keep the rest.
                del seq.prompts[p]
        if not seq.prompts:
            if augment:
                return self.draw(rng, index, fixed, augment=False)
            raise DataError(f"object {obj} of case {case.name} has no pixels to prompt")
        return seq


def load_folder(folder: str | Path, target: str) -> list[Case]:
    """All cases in a folder of NIfTI volumes and labels (see data/naming.py)."""
    path = Path(folder)
    if not path.is_dir():
        raise DataError(f"dataset folder not found: {path}")
    found = find_cases(path)
    if not found:
        raise DataError(
            f"dataset folder {path} holds no volumes: expected <name>.nii.gz (or .nii) with "
            "labels <name>.vessels.nii.gz / <name>.faz.nii.gz (3D) or <name>.label.nii.gz"
        )
    return [load_case(name, files, target) for name, files in sorted(found.items())]


def build_source(folder: str | Path, target: str, sampling: dict[str, Any]) -> SequenceSource:
    source = SequenceSource(load_folder(folder, target), sampling)
    if len(source) == 0:
        raise DataError(
            f"dataset folder {folder} has no '{target}' objects: the labels are empty or missing "
            f"(for rv: <name>.vessels.nii.gz; for faz: <name>.faz.nii.gz)"
        )
    return source
