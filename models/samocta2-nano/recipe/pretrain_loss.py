"""SAM 2's own training loss, for pretraining nano from random weights.

The trainer's fine-tuning loss (samocta2.losses: soft Dice on the selected mask + object
score) is the paper's; from random weights it is not enough on thin vessels:
- soft Dice alone vanishes once the logits saturate (|logit| ~ 40 gives no gradient), and an
  empty or all-positive prediction on a 2-pixel vessel sits on such a plateau;
- with one click or none (every tracked frame), SAM 2 outputs three masks and keeps the one
  its IoU head rates best; Dice on the kept mask never trains that head, so the choice stays
  random.
So, as sam2's training does (focal 20 : Dice 1 : IoU 1 : object score 1): every frame's
candidate masks get focal + Dice and only the best candidate is penalised, the IoU head
learns each candidate's true IoU, and the object score learns presence. Mask and IoU terms
count only on frames where the object is present.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
import torch.nn.functional as F

FOCAL_WEIGHT, IOU_WEIGHT = 20.0, 1.0
# sam2's Dice weight is 1; on 2-pixel vessels focal 20 : Dice 1 still favours an empty mask
# (the vessel phases of the shipped bundle ran with 10: pretrain_nano.py --dice-weight).
# The object score's weight is sam2's 1, except in phase f (pretrain_memory.py --score-weight).
WEIGHTS = {"dice": 1.0, "score": 1.0}
# "bce": BCE on the IoU head's logits (see frame_loss). "l1": L1 on its sigmoid output, as
# sam2 does; kept only to reproduce the shipped bundle's first phase, which used it.
IOU_LOSS = {"mode": "bce"}


def focal_per_mask(logits: torch.Tensor, target: torch.Tensor, alpha: float = 0.25, gamma: float = 2.0):
    """logits (K, H, W), target (H, W) 0/1 -> (K,) mean sigmoid focal loss per candidate."""
    t = target.expand_as(logits)
    prob = logits.sigmoid()
    ce = F.binary_cross_entropy_with_logits(logits, t, reduction="none")
    p_t = prob * t + (1 - prob) * (1 - t)
    loss = ce * (1 - p_t) ** gamma
    loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    return loss.flatten(1).mean(1)


def dice_per_mask(logits: torch.Tensor, target: torch.Tensor, eps: float = 1.0) -> torch.Tensor:
    """logits (K, H, W), target (H, W) 0/1 -> (K,) soft Dice loss per candidate."""
    prob = logits.sigmoid().flatten(1)
    t = target.flatten()[None]
    inter = (prob * t).sum(1)
    return 1.0 - (2.0 * inter + eps) / (prob.sum(1) + t.sum(1) + eps)


def hard_iou(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """(K,) IoU of each binarised candidate with the target (no gradient)."""
    pred = (logits > 0).flatten(1).float()
    t = target.flatten()[None]
    inter = (pred * t).sum(1)
    union = pred.sum(1) + t.sum(1) - inter
    return torch.where(union > 0, inter / union.clamp(min=1), torch.ones_like(union))


def frame_loss(decoder_out, iou_logits: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """One frame: decoder_out = the mask decoder's raw outputs (masks (1, K, h, w), iou (1, K),
    tokens, object score (1, 1)); iou_logits (1, 4) = the IoU head before its sigmoid;
    target (H, W) float 0/1 at label size.
    Returns (loss, Dice of the candidate the IoU head picks), the latter for logging."""
    masks, ious, _tokens, score = decoder_out
    logits = F.interpolate(masks.float(), size=target.shape, mode="bilinear", align_corners=False)[0]
    present = bool(target.any())
    loss = WEIGHTS["score"] * F.binary_cross_entropy_with_logits(
        score.float().reshape(()), torch.tensor(1.0 if present else 0.0)
    )
    pick = int(ious[0].argmax())
    with torch.no_grad():
        picked_dice = 1.0 - dice_per_mask(logits[pick : pick + 1], target, eps=1e-6)[0]
    if present:
        per_mask = FOCAL_WEIGHT * focal_per_mask(logits, target) + WEIGHTS["dice"] * dice_per_mask(logits, target)
        loss = loss + per_mask.min()
        # On the logits: early on every candidate's IoU is 0, and a loss through the sigmoid
        # saturates the head there for good (it then predicts 0 for all and picks blindly).
        true_iou = hard_iou(logits.detach(), target)
        if IOU_LOSS["mode"] == "l1":
            loss = loss + IOU_WEIGHT * F.l1_loss(ious[0].float(), true_iou)
        else:
            chosen = iou_logits[0, 1:] if masks.shape[1] > 1 else iou_logits[0, :1]
            loss = loss + IOU_WEIGHT * F.binary_cross_entropy_with_logits(chosen.float(), true_iou)
    elif score.item() > 0:
        picked_dice = torch.tensor(0.0)
    else:
        picked_dice = torch.tensor(1.0)
    return loss, picked_dice


@contextmanager
def decoder_outputs(model) -> Iterator[tuple[list, list]]:
    """While open, every mask-decoder call's raw outputs and its IoU head's logits (before the
    sigmoid), in call order: what frame_loss takes, collected from inside SAM 2's tracking."""
    calls: list = []
    iou_logits: list = []
    decoder = model.sam_mask_decoder
    hooks = [
        decoder.register_forward_hook(lambda _m, _i, out: calls.append(out)),
        decoder.iou_prediction_head.layers[-1].register_forward_hook(lambda _m, _i, out: iou_logits.append(out)),
    ]
    try:
        yield calls, iou_logits
    finally:
        for hook in hooks:
            hook.remove()
