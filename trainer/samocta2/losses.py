"""Dice loss on mask logits per frame, plus the object-score term that keeps SAM 2's gate trainable.

SAM 2 gates every mask with its object score: a frame judged empty outputs the constant -1024
instead of the decoder's logits, and no Dice gradient passes a closed gate. sam2's own
training adds a BCE loss on the object score for this reason; we keep it (weight
`train.object_score_weight`, 0 for Dice alone, as in the paper's text).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def dice_loss(logits: torch.Tensor, target: torch.Tensor, eps: float = 1.0) -> torch.Tensor:
    """Soft Dice loss of one frame: logits (H, W) raw, target (H, W) 0/1 -> scalar in [0, 1].

    `eps` smooths frames where the object is absent (an empty prediction then costs ~0).
    """
    prob = torch.sigmoid(logits.float())
    target = target.float()
    inter = (prob * target).sum()
    return 1.0 - (2.0 * inter + eps) / (prob.sum() + target.sum() + eps)


def sequence_dice_loss(frame_logits: list[torch.Tensor], targets: torch.Tensor) -> torch.Tensor:
    """Mean Dice loss over the frames of a sequence; targets (T, H, W)."""
    losses = [dice_loss(lg, targets[t]) for t, lg in enumerate(frame_logits)]
    return torch.stack(losses).mean()


def object_score_loss(scores: list[torch.Tensor], targets: torch.Tensor) -> torch.Tensor:
    """Mean BCE of the per-frame object-score logits against 'object present on this frame'."""
    present = targets.flatten(1).any(dim=1).float()
    logits = torch.stack([s.float().reshape(()) for s in scores])
    return F.binary_cross_entropy_with_logits(logits, present.to(logits.device))
