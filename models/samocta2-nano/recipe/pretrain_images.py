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

from pretrain_loss import decoder_outputs, frame_loss
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


def draw_same_layer(rng: np.random.Generator, source: SequenceSource, single: bool, batch: int):
    """`batch` items from one layer of one volume, each prompting a different object (cycling
    when the layer shows fewer): the image is the same, so only the points tell the targets
    apart. Without such batches nano learned to ignore where it was clicked (on vessels it
    returned the layer's most salient vessels wherever the click was; the FAZ, one per layer,
    never asks for the location)."""
    ci = int(rng.integers(len(source.cases)))
    labels = source.cases[ci].labels
    counts = np.array([len(np.unique(layer)) - 1 for layer in labels])
    busy = np.nonzero(counts >= min(3, counts.max()))[0]
    layer = int(rng.choice(busy))
    ids = np.unique(labels[layer])
    ids = rng.permutation(ids[ids > 0])
    frame = source.cases[ci].frames[layer]
    flip, transpose = rng.random() < 0.5, rng.random() < 0.5
    s = source.sampling
    items = []
    for b in range(batch):
        f, m = frame, labels[layer] == ids[b % len(ids)]
        if flip:
            f, m = f[:, ::-1], m[:, ::-1]
        if transpose:
            f, m = f.T, m.T
        n_pos, n_neg = (1, 0) if single else (int(rng.integers(1, 11)), int(rng.integers(0, 7)))
        coords, labs = prompts.frame_prompt(rng, m, n_pos, n_neg, int(s["gap"]), int(s["ring_width"]))
        items.append((np.ascontiguousarray(f), np.ascontiguousarray(m), coords, labs))
    return items


def image_step_loss(
    model,
    rng: np.random.Generator,
    sources: dict,
    target_w: dict,
    batch: int,
    single_share: float = 0.5,
    same_layer_share: float = 0.0,
):
    """Mean loss over a batch of prompted layers and the mean Dice of the kept masks.
    single_share: the share of steps made of single clicks (the rest: multi-point prompts);
    same_layer_share: the share of vessel steps drawn by draw_same_layer."""
    single = bool(rng.random() < single_share)
    if same_layer_share > 0 and "rv" in sources and rng.random() < same_layer_share:
        items = draw_same_layer(rng, sources["rv"], single, batch)
    else:
        items = []
        for _ in range(batch):
            target = str(rng.choice(list(target_w), p=list(target_w.values())))
            items.append(draw_item(rng, sources[target], single))
    images = torch.cat([frames_to_images(f[None], model.image_size, torch.device("cpu")) for f, *_ in items])
    _, feats, pos, sizes = model._prepare_backbone_features(model.forward_image(images))
    return prompted_heads_loss(model, feats, pos, sizes, [(m, c, lab) for _f, m, c, lab in items])


def prompted_heads_loss(model, feats, pos, sizes, items):
    """SAM 2's heads on a batch of prompted layers as initial conditioning frames (no memory).
    feats/pos/sizes: the batch's flattened backbone features (_prepare_backbone_features);
    items: (mask (H, W), coords (N, 2), labels (N,)) per batch entry, in layer pixels.
    Returns the mean frame loss and the mean Dice of the kept masks."""
    n = max(len(lab) for *_, lab in items)
    coords = torch.zeros(len(items), n, 2)
    labels = torch.full((len(items), n), -1, dtype=torch.int32)
    for b, (mask, c, lab) in enumerate(items):
        pts = points_to_inputs(c, lab, mask.shape, model.image_size, torch.device("cpu"))
        coords[b, : len(lab)] = pts["point_coords"][0]
        labels[b, : len(lab)] = pts["point_labels"][0]
    with decoder_outputs(model) as (calls, iou_logits):
        model.track_step(
            frame_idx=0, is_init_cond_frame=True, current_vision_feats=feats,
            current_vision_pos_embeds=pos, feat_sizes=sizes,
            point_inputs={"point_coords": coords, "point_labels": labels}, mask_inputs=None,
            output_dict={"cond_frame_outputs": {}, "non_cond_frame_outputs": {}},
            num_frames=1, run_mem_encoder=False,
        )
    masks, ious, _tokens, scores = calls[0]
    results = [
        frame_loss(
            (masks[b : b + 1], ious[b : b + 1], None, scores[b : b + 1]),
            iou_logits[0][b : b + 1],
            torch.from_numpy(m).float(),
        )
        for b, (m, _c, _l) in enumerate(items)
    ]
    return torch.stack([r[0] for r in results]).mean(), float(np.mean([float(r[1]) for r in results]))
