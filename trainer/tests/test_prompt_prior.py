"""The dense prompt (samocta2/prompt_prior.py): side from the points, pooling, the model flag, and
the TypeScript twin's vectors kept current."""

import numpy as np
import pytest
import torch

from conftest import assert_vectors_current

from samocta2 import prompt_prior
from samocta2.model import build_sam2_model


def disc_frame(dark: bool) -> tuple[np.ndarray, np.ndarray]:
    yy, xx = np.mgrid[:40, :40]
    disc = (yy - 20) ** 2 + (xx - 20) ** 2 <= 64
    return np.where(disc, 0.1 if dark else 0.9, 0.5).astype(np.float32), disc


def test_the_side_comes_from_the_points_for_dark_and_bright_objects():
    for dark in (True, False):
        frame, disc = disc_frame(dark)
        coords = np.array([[20.0, 20.0], [22.0, 18.0], [20.0, 34.0]])
        labels = np.array([1, 1, 0])
        mask = prompt_prior.prior_mask(frame, coords, labels)
        assert 2 * (mask & disc).sum() / (mask.sum() + disc.sum()) > 0.9, dark


def test_pooled_input_is_the_cell_share_mapped_to_minus_one_one():
    mask = np.zeros((8, 8), bool)
    mask[:4, :4] = True
    mask[4:, 4:6] = True
    out = prompt_prior.prior_input(mask, 2)
    assert out.dtype == np.float32
    assert np.allclose(out, [[1.0, -1.0], [-1.0, 0.0]])


def test_only_a_model_that_takes_the_prompt_gets_it():
    model = build_sam2_model("nano", image_size=64)
    frames = np.stack([disc_frame(True)[0]] * 2)
    prompts = {0: (np.array([[20.0, 20.0], [20.0, 34.0]]), np.array([1, 0])), 1: (np.array([[20.0, 20.0]]), np.array([1]))}
    assert prompt_prior.mask_inputs(model, frames, prompts, torch.device("cpu")) is None
    prompt_prior.enable(model)
    assert model.use_mask_input_as_output_without_sam is False
    got = prompt_prior.mask_inputs(model, frames, prompts, torch.device("cpu"))
    side = model.sam_prompt_encoder.mask_input_size[0]
    assert list(got) == [0] and got[0].shape == (1, 1, side, side)  # frame 1: a click, no negative
    assert got[0].max() > 0.9 and got[0].min() == -1.0


def test_the_committed_typescript_vectors_are_current():
    assert_vectors_current("promptPriorVectors.py", "promptPrior/vectors.json")


def test_a_carrying_model_gives_tracked_frames_the_nearest_prompted_frames_prompt():
    model = prompt_prior.enable(build_sam2_model("nano", image_size=64), carry=True)
    assert model.carry_prior is True
    frame = disc_frame(True)[0]
    frames = np.stack([frame] * 5)
    pts = (np.array([[20.0, 20.0], [20.0, 34.0]]), np.array([1, 0]))
    got = prompt_prior.mask_inputs(model, frames, {1: pts, 4: pts}, torch.device("cpu"))
    assert sorted(got) == [0, 1, 2, 3, 4]
    assert torch.equal(got[0], got[1]) and torch.equal(got[2], got[1])
    assert prompt_prior.nearest_prompted(2, [1, 3]) == 1  # a tie goes to the earlier
    assert prompt_prior.manifest_entry(carry=True)["carry"] is True


def test_carving_cuts_a_dark_region_at_the_negative_points_inside_it():
    """A crescent: the label is the lower half of a dark disc; its negative points ring it, two in
    the dark upper half. The plain region is the disc; the carved one stops where the negatives
    say (Dice with the crescent: 0.61 plain, 0.80 carved)."""
    yy, xx = np.mgrid[:60, :60]
    disc = (yy - 30) ** 2 + (xx - 30) ** 2 <= 14**2
    frame = np.where(disc, 0.1, 0.6).astype(np.float32)
    crescent = disc & (yy >= 30)
    coords = np.array([[30.0, 36.0], [22.0, 34.0], [38.0, 34.0], [30.0, 42.0],
                       [30.0, 26.0], [20.0, 27.0], [40.0, 27.0], [30.0, 49.0]])  # fmt: skip
    labels = np.array([1, 1, 1, 1, 0, 0, 0, 0])

    def dice(mask, truth):
        return 2 * (mask & truth).sum() / (mask.sum() + truth.sum())

    plain = prompt_prior.prior_mask(frame, coords, labels)
    carved = prompt_prior.prior_mask(frame, coords, labels, carve=True)
    assert dice(plain, disc) > 0.8  # the threshold takes the dark disc (its blurred rim partly)
    assert not (carved & ~plain).any()  # carving only removes
    assert dice(carved, crescent) > dice(plain, crescent) + 0.15, (dice(carved, crescent), dice(plain, crescent))
    # Without a negative point inside the region there is nothing to cut.
    outside = np.array([[30.0, 30.0], [30.0, 49.0], [8.0, 30.0]])
    region = prompt_prior.prior_mask(frame, outside, np.array([1, 0, 0]))
    assert np.array_equal(prompt_prior.carve_region(region, outside, np.array([1, 0, 0])), region)


def test_a_carving_model_declares_the_carve_in_a_version_the_older_readers_refuse():
    from samocta2.export.bundle import prompts_section

    model = prompt_prior.enable(build_sam2_model("nano", image_size=64), carry=True)
    assert prompts_section(model)["dense_prior"] == {"kind": "threshold-region", "version": 1, "sigma_px": 2,
                                                     "carry": True}
    prompt_prior.enable(model, carry=True, carve=True)
    assert prompts_section(model)["dense_prior"] == {"kind": "threshold-region", "version": 2, "sigma_px": 2,
                                                     "carry": True, "carve": True}
