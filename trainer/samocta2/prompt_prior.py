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

from .classical import AUTO, SIGMA_PX, frame_mask, nearest_prompted, parts_holding, point_pixels

KIND = "threshold-region"
VERSION = 1
# Version 2 adds `carve`: a version-1 reader would ignore the flag and track with a prompt the
# bundle was not trained on, so carving bundles declare 2, which such a reader refuses.
CARVE_VERSION = 2
# The decoder's mask logits are a correction to the prompt: every candidate mask gets
# RESIDUAL_SCALE x the pooled region added (logits +-10), so a model starts from the region and
# learns where to depart from it (a skip connection; without it, 800 steps had not yet taught the
# mask input's embedding to carry the region: prompted-frame Dice 0.42 against the region's 0.59).
RESIDUAL_SCALE = 10.0


def applies(labels: np.ndarray) -> bool:
    """A frame gets the dense prompt when its points hold a positive and a negative one: without
    a negative point the threshold's other side is the frame's median, and a single click's
    region then floods the capillaries around a vessel (those frames keep their points only)."""
    labels = np.asarray(labels).reshape(-1)
    return bool((labels == 1).any() and (labels == 0).any())


def prior_mask(frame: np.ndarray, coords: np.ndarray, labels: np.ndarray, carve: bool = False) -> np.ndarray:
    """(H, W) bool: the classical region of these points on this frame, side from the points;
    with `carve`, cut where its own negative points say (`carve_region`)."""
    smoothed = ndi.gaussian_filter(np.asarray(frame, np.float32), SIGMA_PX)
    region = frame_mask(smoothed, coords, labels, AUTO)
    return carve_region(region, coords, labels) if carve else region


def carve_region(region: np.ndarray, coords: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The region without the pixels nearer to a negative point inside it than to every positive
    point, keeping the 8-connected parts that hold a positive point.

    Why (issue 13; the TypeScript twin is promptPrior.carveRegion, held to this one by the shared
    vectors): a deep layer's FAZ label is the 3D FAZ cut by a flat layer, a crescent of the dark FAZ the
    layer shows; the paper's negative points ring the crescent, some of them in the dark, and a
    threshold takes the whole dark FAZ. A negative point inside the region says where it ends.
    On the floor-window FAZ stacks (projection-layers --faz-window floor, 10301 left out) it
    raised the threshold's Dice from 0.472 to 0.512 (recipe/probe_faz_layers.py, "carved classical")."""
    rows, cols = point_pixels(coords, region.shape)
    positive = np.asarray(labels).reshape(-1) == 1
    inside = ~positive & region[rows, cols]
    if not inside.any() or not positive.any():
        return region
    yy, xx = np.mgrid[: region.shape[0], : region.shape[1]]

    def nearest(which: np.ndarray) -> np.ndarray:
        return np.min([(yy - rows[i]) ** 2 + (xx - cols[i]) ** 2 for i in np.flatnonzero(which)], axis=0)

    kept = region & (nearest(positive) <= nearest(inside))
    return parts_holding(kept, rows[positive], cols[positive])


def prior_input(mask: np.ndarray, side: int) -> np.ndarray:
    """(side, side) float32: the mask's area share per cell (adaptive average pooling, as
    torch.nn.functional.adaptive_avg_pool2d bins it), mapped to [-1, 1]."""
    t = torch.from_numpy(np.ascontiguousarray(mask, np.float32))[None, None]
    share = F.adaptive_avg_pool2d(t, (side, side))[0, 0].numpy()
    return (2.0 * share - 1.0).astype(np.float32)


def mask_inputs(model: torch.nn.Module, frames: np.ndarray, prompts: dict, device) -> dict[int, torch.Tensor] | None:
    """{position: (1, 1, L, L)} for every prompted frame whose points `applies`, when the model
    takes the dense prompt, else None; with `carry_prior` for every frame, from the points of the
    nearest prompted frame (ties to the earlier), as the classical baseline carries them.
    frames (T, H, W); prompts {position: (coords, labels)}."""
    if not getattr(model, "point_prior", False):
        return None
    side = model.sam_prompt_encoder.mask_input_size[0]
    carry = getattr(model, "carry_prior", False)
    carve = getattr(model, "carve_prior", False)
    prompted = sorted(prompts)
    out = {}
    for t in range(len(frames)) if carry else prompted:
        c, lab = prompts[nearest_prompted(t, prompted)]
        if applies(lab):
            out[t] = torch.from_numpy(prior_input(prior_mask(frames[t], c, lab, carve), side))[None, None].to(device)
    return out


def manifest_entry(carry: bool = False, carve: bool = False) -> dict:
    """The manifest's `prompts.dense_prior` (docs/model-bundle.md 5.8)."""
    entry = {"kind": KIND, "version": CARVE_VERSION if carve else VERSION, "sigma_px": SIGMA_PX, "carry": bool(carry)}
    return {**entry, "carve": True} if carve else entry



def enable(model: torch.nn.Module, carry: bool = False, carve: bool = False) -> torch.nn.Module:
    """Make a SAM 2 model take the dense prompt: the mask input goes through the decoder with
    the points (sam2 would otherwise output a mask input as it is), and the decoder's candidate
    masks get RESIDUAL_SCALE x the prompt added before one is chosen. carry: tracked frames get
    the prompt too, from the nearest prompted frame's points (`mask_inputs`). carve: the region is
    cut at the negative points inside it (`carve_region`). The prompt reaches the
    decoder through `model.prior_for_decoder`: sam2's prompt encoder call sets it (a pre-hook),
    export/graph_modules.MaskDecoderGraph sets it itself; the decoder consumes it once."""
    model.point_prior = True
    model.carry_prior = bool(carry)
    model.carve_prior = bool(carve)
    model.use_mask_input_as_output_without_sam = False
    if getattr(model, "prior_for_decoder", False) is not False:
        return model  # already enabled
    model.prior_for_decoder = None

    def capture(_module, _args, kwargs):
        model.prior_for_decoder = kwargs.get("masks")

    model.sam_prompt_encoder.register_forward_pre_hook(capture, with_kwargs=True)
    decoder = model.sam_mask_decoder
    predict = decoder.predict_masks

    def predict_masks(*args, **kwargs):
        masks, ious, tokens, scores = predict(*args, **kwargs)
        prior, model.prior_for_decoder = model.prior_for_decoder, None
        if prior is not None:
            masks = masks + RESIDUAL_SCALE * prior.to(masks.dtype)
        return masks, ious, tokens, scores

    decoder.predict_masks = predict_masks
    return model
