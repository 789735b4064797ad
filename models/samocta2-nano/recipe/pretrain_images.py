"""Image steps of nano's pretraining: a batch of single prompted layers, no memory.

SAM 2 itself is trained on static images before videos. Here one step is a batch of
(layer, object, points) items, all through sam2's track_step as initial conditioning
frames at once (batch dimension = items), without the memory encoder: many prompted
examples per step for the cost of a single encoder pass over the batch. A step is either
all single clicks (SAM 2 then outputs three candidate masks) or all multi-point prompts
(one mask; shorter point lists padded with label -1, which sam2 ignores).
"""

from __future__ import annotations

import numpy as np
import torch

from pretrain_loss import frame_loss
from samocta2 import prompts
from samocta2.data.sequences import SequenceSource
from samocta2.tracking import frames_to_images, points_to_inputs


def draw_item(rng: np.random.Generator, source: SequenceSource, single: bool):
    """(frame (H, W), mask (H, W), coords (N, 2), labels (N,)) for a random object and layer."""
    ci, obj, present = source.objects[int(rng.integers(len(source.objects)))]
    case = source.cases[ci]
    area = (case.labels[present] == obj).sum(axis=(1, 2))
    layer = int(rng.choice(present, p=area / area.sum()))
    frame, mask = case.frames[layer], case.labels[layer] == obj
    if rng.random() < 0.5:
        frame, mask = frame[:, ::-1], mask[:, ::-1]
    if rng.random() < 0.5:
        frame, mask = frame.T, mask.T
    s = source.sampling
    n_pos, n_neg = (1, 0) if single else (int(rng.integers(1, 11)), int(rng.integers(0, 7)))
    coords, labels = prompts.frame_prompt(rng, mask, n_pos, n_neg, int(s["gap"]), int(s["ring_width"]))
    return np.ascontiguousarray(frame), np.ascontiguousarray(mask), coords, labels


def image_step_loss(model, rng: np.random.Generator, sources: dict, target_w: dict, batch: int):
    """Mean loss over a batch of prompted layers and the mean Dice of the kept masks."""
    single = bool(rng.random() < 0.5)
    items = []
    for _ in range(batch):
        target = str(rng.choice(list(target_w), p=list(target_w.values())))
        items.append(draw_item(rng, sources[target], single))
    device = torch.device("cpu")
    size = model.image_size
    images = torch.cat([frames_to_images(f[None], size, device) for f, *_ in items])
    n = max(len(lab) for *_, lab in items)
    coords = torch.zeros(batch, n, 2)
    labels = torch.full((batch, n), -1, dtype=torch.int32)
    for b, (frame, _mask, c, lab) in enumerate(items):
        pts = points_to_inputs(c, lab, frame.shape, size, device)
        coords[b, : len(lab)] = pts["point_coords"][0]
        labels[b, : len(lab)] = pts["point_labels"][0]
    calls: list = []
    iou_logits: list = []
    decoder = model.sam_mask_decoder
    hooks = [
        decoder.register_forward_hook(lambda _m, _i, out: calls.append(out)),
        decoder.iou_prediction_head.layers[-1].register_forward_hook(lambda _m, _i, out: iou_logits.append(out)),
    ]
    try:
        backbone = model.forward_image(images)
        _, feats, pos, sizes = model._prepare_backbone_features(backbone)
        model.track_step(
            frame_idx=0, is_init_cond_frame=True, current_vision_feats=feats,
            current_vision_pos_embeds=pos, feat_sizes=sizes,
            point_inputs={"point_coords": coords, "point_labels": labels}, mask_inputs=None,
            output_dict={"cond_frame_outputs": {}, "non_cond_frame_outputs": {}},
            num_frames=1, run_mem_encoder=False,
        )
    finally:
        for hook in hooks:
            hook.remove()
    masks, ious, tokens, scores = calls[0]
    results = [
        frame_loss(
            (masks[b : b + 1], ious[b : b + 1], None, scores[b : b + 1]),
            iou_logits[0][b : b + 1],
            torch.from_numpy(m).float(),
        )
        for b, (_f, m, _c, _l) in enumerate(items)
    ]
    return torch.stack([r[0] for r in results]).mean(), float(np.mean([float(r[1]) for r in results]))
