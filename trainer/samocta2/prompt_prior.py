"""The dense prompt a model bundle can ask for: the region that the classical rule grows from a
prompted frame's points (classical.py, the side the points say), given to SAM 2's mask decoder as
its mask input together with the points.

Why: a CPU-sized model (nano) sees a real layer through an encoder trained mostly on synthetic
ones; the points alone left it unsure which side of a contrast they mark (it outlined the
capillaries around a clicked FAZ) and blind to branches between them. The region is what a
threshold makes of the same clicks; the decoder learns where to trust it (the image features and
the points decide), and tracked frames get it only through the memory. docs/model-bundle.md
(prompts.dense_prior) says how a runtime computes it; the TypeScript twin is
src/core/tracker/promptPrior.ts, held to this one by shared vectors.

Shapes: frame (H, W) in [0, 1]; points (N, 2) as (x, y) layer pixels, labels (N,) 1/0; the
decoder input (L, L), L = the low-res mask side (4 x the feature side), values in [-1, 1].
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage as ndi

from .classical import AUTO, SIGMA_PX, frame_mask

KIND = "threshold-region"
VERSION = 1


def prior_mask(frame: np.ndarray, coords: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(H, W) bool: the classical region of these points on this frame, side from the points."""
    smoothed = ndi.gaussian_filter(np.asarray(frame, np.float32), SIGMA_PX)
    return frame_mask(smoothed, coords, labels, AUTO)


def prior_input(mask: np.ndarray, side: int) -> np.ndarray:
    """(side, side) float32: the mask's area share per cell (adaptive average pooling, as
    torch.nn.functional.adaptive_avg_pool2d bins it), mapped to [-1, 1]."""
    t = torch.from_numpy(np.ascontiguousarray(mask, np.float32))[None, None]
    share = F.adaptive_avg_pool2d(t, (side, side))[0, 0].numpy()
    return (2.0 * share - 1.0).astype(np.float32)


def mask_inputs(model: torch.nn.Module, frames: np.ndarray, prompts: dict, device) -> dict[int, torch.Tensor] | None:
    """{position: (1, 1, L, L)} for every prompted frame when the model takes the dense prompt,
    else None. frames (T, H, W); prompts {position: (coords, labels)}."""
    if not getattr(model, "point_prior", False):
        return None
    side = model.sam_prompt_encoder.mask_input_size[0]
    return {
        t: torch.from_numpy(prior_input(prior_mask(frames[t], c, lab), side))[None, None].to(device)
        for t, (c, lab) in prompts.items()
    }


def manifest_entry() -> dict:
    """The manifest's `prompts.dense_prior` (docs/model-bundle.md)."""
    return {"kind": KIND, "version": VERSION, "sigma_px": SIGMA_PX}


def enable(model: torch.nn.Module) -> torch.nn.Module:
    """Mark a SAM 2 model as taking the dense prompt: the mask input then goes through the
    decoder with the points (sam2 would otherwise output a mask input as it is)."""
    model.point_prior = True
    model.use_mask_input_as_output_without_sam = False
    return model
