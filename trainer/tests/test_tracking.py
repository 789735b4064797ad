"""The trainer's track (what `samocta2 eval` scores) follows the bundle contract's order, so it
tracks like sam2's SAM2VideoPredictor (the parity reference the TypeScript tracker matches):
prompted frames first, forward from the earliest prompted frame, then backward to frame 0."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from samocta2.data.sequences import Sequence
from samocta2.export.fixtures import CASES, iou, parity_model, synthetic_layers
from samocta2.export.preprocess import window_volume
from samocta2.export.torch_track import torch_track
from samocta2.model import build_sam2_video_predictor
from samocta2.tracking import (
    contract_order,
    frames_to_images,
    logits_at,
    points_to_inputs,
    predict_masks,
    project_encoder_output,
    track_backbone,
    track_sequence,
)


def test_contract_order_is_forward_from_the_first_prompt_then_backward():
    assert contract_order([2, 6], 8) == [
        (2, False), (6, False), (3, False), (4, False), (5, False), (7, False),
        (1, True), (0, True),
    ]  # fmt: skip
    assert contract_order([0], 3) == [(0, False), (1, False), (2, False)]
    assert contract_order([4], 5) == [(4, False), (3, True), (2, True), (1, True), (0, True)]


@pytest.fixture(scope="module")
def models():
    model = parity_model().eval()
    predictor = build_sam2_video_predictor("nano")
    predictor.load_state_dict(model.state_dict())
    return model, predictor


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_eval_track_matches_the_video_predictor(models, case):
    """Masks per frame agree with IoU >= 0.98: the predictor keeps its memories in bfloat16,
    the trainer's track in float32, which moves a few border pixels. "two-prompts" starts at
    frame 2, so frames 1 and 0 come from the backward pass: in depth order they differed."""
    model, predictor = models
    _name, seed, frames, prompts = case
    layers = window_volume(synthetic_layers(seed, frames))
    rows, cols = layers.shape[1:]
    seq = Sequence("parity", 1, list(range(frames)), layers, np.zeros(layers.shape, bool))
    for t, pts in prompts.items():
        seq.prompts[t] = (
            np.array([p[:2] for p in pts], np.float32),
            np.array([p[2] for p in pts], np.int32),
        )
    with torch.no_grad():
        ours = predict_masks(model, seq, torch.device("cpu"))
    reference = torch_track(predictor, layers, prompts)
    size = model.image_size
    ious = []
    for f in range(frames):
        # sam2's path to a mask: low-res logits -> input size -> layer size (as logits_at).
        low = torch.from_numpy(reference.low_res[f])
        high = F.interpolate(low, size=(size, size), mode="bilinear", align_corners=False)
        ious.append(iou(ours[f], (logits_at(high, (rows, cols)) > 0).numpy()))
    print(f"{_name}: IoU per frame {np.round(ious, 4).tolist()}")
    assert all(v >= 0.98 for v in ious), ious
    assert sum(ours[f].any() for f in range(frames)) >= frames // 2  # masks, not empty frames


def test_track_on_precomputed_features_is_the_same_track(models):
    """track_backbone on the image encoder's raw outputs made whole by project_encoder_output (as
    the nano recipe's cached-encoder phases use them) gives the same masks and object scores as
    track_sequence on the images."""
    model, _predictor = models
    _name, seed, frames, prompts = CASES[0]
    layers = window_volume(synthetic_layers(seed, frames))
    images = frames_to_images(layers, model.image_size, torch.device("cpu"))
    point_inputs = {
        t: points_to_inputs(
            np.array([p[:2] for p in pts], np.float32),
            np.array([p[2] for p in pts], np.int32),
            layers.shape[1:],
            model.image_size,
            torch.device("cpu"),
        )
        for t, pts in prompts.items()
    }
    with torch.no_grad():
        direct = track_sequence(model, images, point_inputs)
        cached = track_backbone(model, project_encoder_output(model, model.image_encoder(images)), point_inputs)
    assert len(cached.masks) == frames
    for a, b in zip(direct.masks + direct.object_scores, cached.masks + cached.object_scores):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4)
    assert any(bool((m > 0).any()) for m in cached.masks)  # a real track, not empty frames
