"""A layer sequence through SAM 2's own video-tracking step, with gradients.

We follow what sam2's training model (training/model/sam2.py, SAM2Train) does, by calling the
sam2 package's SAM2Base methods rather than copying them: run the image encoder on every
frame, then call `SAM2Base.track_step` frame by frame. Prompted frames go first as initial
conditioning frames (their point prompts through the prompt encoder, their outputs into
`cond_frame_outputs`); the other frames follow in the bundle contract's order
(docs/model-bundle.md section 5.2, the order of sam2's SAM2VideoPredictor and of the
TypeScript tracker): forward from the earliest prompted frame to the last frame, then backward
from it to frame 0 with `track_in_reverse`, one memory bank for both passes. Each frame reads
the memory bank (conditioning frames, the memories and object pointers of the frames before it
in its pass). So `samocta2 eval` scores the track the editor and `sam-octa2 eval` produce.
Every tensor stays in the autograd graph, so the loss on a tracked frame reaches the encoder's
LoRA weights through memory attention, the memory encoder and the object pointers.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

# SAM 2's input normalization (ImageNet statistics, as sam2's predictors use).
PIXEL_MEAN = (0.485, 0.456, 0.406)
PIXEL_STD = (0.229, 0.224, 0.225)


def frames_to_images(frames: np.ndarray, image_size: int, device: torch.device) -> torch.Tensor:
    """(T, H, W) grey frames in [0, 1] -> (T, 3, S, S) normalized model input."""
    x = torch.from_numpy(np.ascontiguousarray(frames, np.float32)).to(device)[:, None]
    x = F.interpolate(x, size=(image_size, image_size), mode="bilinear", align_corners=False)
    mean = torch.tensor(PIXEL_MEAN, device=device).view(1, 3, 1, 1)
    std = torch.tensor(PIXEL_STD, device=device).view(1, 3, 1, 1)
    return (x.expand(-1, 3, -1, -1) - mean) / std


def points_to_inputs(
    coords: np.ndarray, labels: np.ndarray, frame_hw: tuple[int, int], image_size: int, device: torch.device
) -> dict[str, torch.Tensor]:
    """Pixel points (N, 2) as (x, y) on an H x W frame -> sam2's point_inputs in model pixels."""
    h, w = frame_hw
    scale = torch.tensor([image_size / w, image_size / h], dtype=torch.float32)
    xy = (torch.from_numpy(np.asarray(coords, np.float32)) + 0.5) * scale
    return {
        "point_coords": xy[None].to(device),  # (1, N, 2)
        "point_labels": torch.from_numpy(np.asarray(labels, np.int32))[None].to(device),  # (1, N)
    }


def _encode(model: torch.nn.Module, images: torch.Tensor, use_checkpoint: bool):
    if not use_checkpoint:
        return model.forward_image(images)
    # One frame at a time, recomputed in backward: the encoder holds most activations.
    outs = [
        checkpoint(model.forward_image, images[t : t + 1], use_reentrant=False) for t in range(len(images))
    ]
    return {
        "backbone_fpn": [
            torch.cat([o["backbone_fpn"][i] for o in outs]) for i in range(len(outs[0]["backbone_fpn"]))
        ],
        "vision_pos_enc": [
            torch.cat([o["vision_pos_enc"][i] for o in outs]) for i in range(len(outs[0]["vision_pos_enc"]))
        ],
    }


class TrackOutput(NamedTuple):
    masks: list[torch.Tensor]  # per frame, (1, 1, S, S) mask logits at the model's input size
    object_scores: list[torch.Tensor]  # per frame, (1, 1) object-score logits (> 0: present)


def track_sequence(
    model: torch.nn.Module,
    images: torch.Tensor,
    point_inputs: dict[int, dict[str, torch.Tensor]],
    activation_checkpointing: bool = False,
    mask_inputs: dict[int, torch.Tensor] | None = None,
) -> TrackOutput:
    """Track one object through a sequence; outputs in frame order.

    images: (T, 3, S, S); point_inputs: sequence position -> sam2 point_inputs (at least one);
    mask_inputs: position -> (1, 1, L, L) dense prompt of a prompted frame (prompt_prior.py).
    """
    return track_backbone(model, _encode(model, images, activation_checkpointing), point_inputs, mask_inputs)


def project_encoder_output(model: torch.nn.Module, encoder_out: dict) -> dict:
    """The image encoder's raw outputs -> what SAM2Base.forward_image returns: the two high-res
    levels projected by the mask decoder's conv_s0/conv_s1. Callers that cache a frozen
    encoder's outputs apply it per use, so the (trainable) projections stay in the graph."""
    fpn = list(encoder_out["backbone_fpn"])
    fpn[0] = model.sam_mask_decoder.conv_s0(fpn[0])
    fpn[1] = model.sam_mask_decoder.conv_s1(fpn[1])
    return {"backbone_fpn": fpn, "vision_pos_enc": list(encoder_out["vision_pos_enc"])}


def track_backbone(
    model: torch.nn.Module,
    backbone_out: dict,
    point_inputs: dict[int, dict[str, torch.Tensor]],
    mask_inputs: dict[int, torch.Tensor] | None = None,
) -> TrackOutput:
    """track_sequence on image features already computed (SAM2Base.forward_image's output), so
    that a caller with a frozen encoder can compute them once and track many times."""
    # track_step keeps the object score only in eval mode; the mask decoder returns it as its
    # 4th output on every call, so a hook collects it (one decoder call per frame).
    scores: list[torch.Tensor] = []
    hook = model.sam_mask_decoder.register_forward_hook(lambda _m, _i, out: scores.append(out[3]))
    try:
        return _track(model, backbone_out, point_inputs, scores, mask_inputs or {})
    finally:
        hook.remove()


def _track(model, backbone_out, point_inputs, scores, mask_inputs) -> TrackOutput:
    num_frames = backbone_out["backbone_fpn"][0].shape[0]
    _, feats, pos, sizes = model._prepare_backbone_features(backbone_out)
    output_dict: dict[str, dict[int, dict]] = {"cond_frame_outputs": {}, "non_cond_frame_outputs": {}}
    logits: dict[int, torch.Tensor] = {}
    object_scores: dict[int, torch.Tensor] = {}
    for t, reverse in contract_order(sorted(point_inputs), num_frames):
        is_cond = t in point_inputs
        out = model.track_step(
            frame_idx=t,
            is_init_cond_frame=is_cond,
            current_vision_feats=[f[:, t : t + 1] for f in feats],
            current_vision_pos_embeds=[p[:, t : t + 1] for p in pos],
            feat_sizes=sizes,
            point_inputs=point_inputs.get(t),
            mask_inputs=mask_inputs.get(t),
            output_dict=output_dict,
            num_frames=num_frames,
            track_in_reverse=reverse,
        )
        output_dict["cond_frame_outputs" if is_cond else "non_cond_frame_outputs"][t] = out
        logits[t] = out["pred_masks_high_res"]
        object_scores[t] = scores[-1]
    return TrackOutput([logits[t] for t in range(num_frames)], [object_scores[t] for t in range(num_frames)])


def contract_order(prompted: list[int], num_frames: int) -> list[tuple[int, bool]]:
    """(frame, in the reverse pass) in tracking order: the prompted frames (sorted), then forward
    from the earliest prompted frame to the last, then backward from it to frame 0, each frame
    once (docs/model-bundle.md section 5.2)."""
    start = prompted[0]
    order = [(t, False) for t in prompted]
    order += [(t, False) for t in range(start + 1, num_frames) if t not in prompted]
    order += [(t, True) for t in range(start - 1, -1, -1)]
    return order


def logits_at(logits: torch.Tensor, hw: tuple[int, int]) -> torch.Tensor:
    """(1, 1, S, S) logits -> (H, W) logits at label size (bilinear), float32."""
    return F.interpolate(logits.float(), size=hw, mode="bilinear", align_corners=False)[0, 0]


def sequence_point_inputs(seq, image_size: int, device: torch.device) -> dict[int, dict[str, torch.Tensor]]:
    """sam2 point_inputs for every prompted position of a data.sequences.Sequence."""
    hw = seq.frames.shape[1:]
    return {t: points_to_inputs(c, lab, hw, image_size, device) for t, (c, lab) in seq.prompts.items()}


@torch.no_grad()
def predict_masks(model: torch.nn.Module, seq, device: torch.device) -> np.ndarray:
    """Binary masks (T, H, W) for a sequence, with the model in eval mode (as at inference)."""
    from .prompt_prior import mask_inputs

    images = frames_to_images(seq.frames, model.image_size, device)
    priors = mask_inputs(model, seq.frames, seq.prompts, device)
    out = track_sequence(model, images, sequence_point_inputs(seq, model.image_size, device), mask_inputs=priors)
    hw = seq.frames.shape[1:]
    return np.stack([(logits_at(m, hw) > 0).cpu().numpy() for m in out.masks])
