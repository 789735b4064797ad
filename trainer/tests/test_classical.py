"""The classical baseline's rules (samocta2/classical.py) on synthetic frames with known answers."""

import numpy as np
import pytest

from samocta2.classical import classical_masks, nearest_prompted
from samocta2.metrics import dice_jaccard

H = W = 64
YY, XX = np.mgrid[:H, :W]


def disc(cy, cx, r):
    return (YY - cy) ** 2 + (XX - cx) ** 2 <= r * r


def pts(*xy_label):
    """Prompt from (x, y, label) triples."""
    a = np.asarray(xy_label, np.float32)
    return a[:, :2], a[:, 2].astype(np.int32)


def faz_frame(cy=32, cx=32, r=12, dark=0.1, bright=0.7):
    """A dark disc (the FAZ) on a bright background."""
    return np.where(disc(cy, cx, r), dark, bright).astype(np.float32)


def test_faz_is_the_dark_disc_holding_the_positive_point():
    frame = faz_frame()
    prompt = pts((32, 32, 1), (32, 5, 0), (5, 32, 0))
    mask = classical_masks(frame[None], {0: prompt}, "faz")[0]
    assert dice_jaccard(mask, disc(32, 32, 12))[0] > 0.95


def test_vessels_keep_only_the_bright_components_that_hold_a_positive_point():
    frame = np.full((H, W), 0.1, np.float32)
    frame[10:14, :] = 0.9  # clicked vessel
    frame[40:44, :] = 0.9  # another vessel, not clicked: not part of the object
    prompt = pts((20, 12, 1), (20, 25, 0))
    mask = classical_masks(frame[None], {0: prompt}, "rv")[0]
    truth = np.zeros((H, W), bool)
    truth[10:14, :] = True
    # Smoothing widens a 4 px vessel by about a pixel on each side at a half-way threshold.
    assert mask[truth].all()
    assert not mask[:8].any() and not mask[16:].any()


def test_the_side_comes_from_the_target_not_from_the_points():
    # A bright disc clicked as a FAZ: the darker side of the threshold does not hold the positive
    # point, so the FAZ rule answers nothing while the vessel rule finds the disc.
    frame = faz_frame(dark=0.9, bright=0.1)
    prompt = pts((32, 32, 1), (32, 5, 0))
    assert not classical_masks(frame[None], {0: prompt}, "faz").any()
    vessel = classical_masks(frame[None], {0: prompt}, "rv")[0]
    assert dice_jaccard(vessel, disc(32, 32, 12))[0] > 0.95


def test_holes_are_filled():
    frame = faz_frame(r=14)
    frame[disc(32, 32, 3)] = 0.7  # a bright island inside the FAZ
    prompt = pts((32, 22, 1), (32, 3, 0))
    mask = classical_masks(frame[None], {0: prompt}, "faz")[0]
    assert mask[32, 32]
    assert dice_jaccard(mask, disc(32, 32, 14))[0] > 0.95


def test_without_negative_points_the_frame_median_stands_in():
    # Background 0.2 (the median), disc 0.8: threshold 0.5 keeps exactly the disc.
    frame = np.where(disc(32, 32, 10), 0.8, 0.2).astype(np.float32)
    mask = classical_masks(frame[None], {0: pts((32, 32, 1))}, "rv")[0]
    assert dice_jaccard(mask, disc(32, 32, 10))[0] > 0.95
    # With a negative point on a brighter ring the threshold moves up and the answer changes:
    # the fallback is really the median, not some other constant.
    ring = np.where(disc(32, 32, 10), 0.8, np.where(disc(32, 32, 20), 0.6, 0.2)).astype(np.float32)
    with_median = classical_masks(ring[None], {0: pts((32, 32, 1))}, "rv")[0]
    with_negative = classical_masks(ring[None], {0: pts((32, 32, 1), (32, 17, 0))}, "rv")[0]
    assert with_median.sum() > disc(32, 32, 18).sum()  # 0.5 threshold: the ring is in too
    assert dice_jaccard(with_negative, disc(32, 32, 10))[0] > 0.9  # 0.7 threshold: disc only


def test_nearest_prompted_ties_go_to_the_earlier():
    assert nearest_prompted(0, [1, 3]) == 1
    assert nearest_prompted(2, [1, 3]) == 1
    assert nearest_prompted(3, [0, 4]) == 4
    assert nearest_prompted(5, [0, 4]) == 4


def test_unprompted_frames_use_the_nearest_prompted_frames_points():
    # Four frames, the disc moves; frames 0 and 3 prompted at their own disc centres. Frame 1 uses
    # frame 0's points (nearer); frame 2 lies 1 from frame 3 and 2 from frame 0, so it uses frame 3's.
    # Frame 0's point (20, 20) lies inside the discs of frames 1 and 2, frame 3's (44, 44) outside:
    # with frame 3's points (both on the bright background) the FAZ rule keeps the background.
    centres = [(20, 20), (24, 24), (24, 24), (44, 44)]
    frames = np.stack([faz_frame(cy, cx, r=8) for cy, cx in centres])
    prompts = {0: pts((20, 20, 1), (2, 2, 0)), 3: pts((44, 44, 1), (62, 62, 0))}
    masks = classical_masks(frames, prompts, "faz")
    assert dice_jaccard(masks[0], disc(20, 20, 8))[0] > 0.95
    assert dice_jaccard(masks[1], disc(24, 24, 8))[0] > 0.95
    assert dice_jaccard(masks[2], disc(24, 24, 8))[0] < 0.5 and masks[2][0, 0]
    assert dice_jaccard(masks[3], disc(44, 44, 8))[0] > 0.95


def test_an_unprompted_frame_equally_near_two_prompted_ones_uses_the_earlier():
    # Three frames with the same disc at (24, 24); frames 0 and 2 prompted. Frame 0's points find
    # the disc, frame 2's points (on the background) do not: frame 1 must answer the disc.
    frames = np.stack([faz_frame(24, 24, r=8)] * 3)
    prompts = {0: pts((24, 24, 1), (2, 2, 0)), 2: pts((50, 50, 1), (62, 62, 0))}
    masks = classical_masks(frames, prompts, "faz")
    assert dice_jaccard(masks[1], disc(24, 24, 8))[0] > 0.95
    assert dice_jaccard(masks[2], disc(24, 24, 8))[0] < 0.5


def test_fractional_points_round_and_outside_points_clip_into_the_frame():
    frame = np.full((H, W), 0.1, np.float32)
    frame[:, 30:34] = 0.9  # a vertical vessel at columns 30-33
    inside = classical_masks(frame[None], {0: pts((29.6, 10, 1), (10, 10, 0))}, "rv")[0]
    assert inside[:, 30:34].all()
    edge = np.full((H, W), 0.1, np.float32)
    edge[:, 0:4] = 0.9  # a vessel on the left border, clicked just outside the frame
    clipped = classical_masks(edge[None], {0: pts((-3, 10, 1), (20, 10, 0))}, "rv")[0]
    assert clipped[:, 0:4].all() and not clipped[:, 10:].any()


def test_no_prompts_and_bad_input():
    frames = np.stack([faz_frame()] * 2)
    assert not classical_masks(frames, {}, "faz").any()
    with pytest.raises(ValueError, match="target"):
        classical_masks(frames, {}, "vessels")
    with pytest.raises(ValueError, match="T, H, W"):
        classical_masks(frames[0], {}, "faz")


def test_the_committed_typescript_vectors_are_what_this_module_computes():
    """test/fixtures/classical/vectors.json (the TypeScript port's reference) is not stale."""
    from conftest import assert_vectors_current

    assert_vectors_current("classicalVectors.py", "classical/vectors.json")
