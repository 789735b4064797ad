"""Prompt and frame-sampling properties from the paper (samocta2/prompts.py)."""

import numpy as np
import pytest
from scipy import ndimage as ndi

from samocta2 import prompts


def random_mask(rng, shape=(48, 48), blobs=3):
    mask = np.zeros(shape, bool)
    yy, xx = np.mgrid[: shape[0], : shape[1]]
    for _ in range(blobs):
        cy, cx = rng.integers(8, shape[0] - 8), rng.integers(8, shape[1] - 8)
        r = rng.integers(1, 6)
        mask |= (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
    return mask


@pytest.mark.parametrize("seed", range(25))
def test_positive_points_lie_inside_and_cover_components(seed):
    rng = np.random.default_rng(seed)
    mask = random_mask(rng)
    n_pos = int(rng.integers(1, 11))
    coords, labels = prompts.frame_prompt(rng, mask, n_pos, 0)
    pos = coords[labels == 1].astype(int)
    assert len(pos) == min(n_pos, int(mask.sum()))
    assert all(mask[y, x] for x, y in pos)  # (x, y) = (column, row)
    assert len({tuple(p) for p in pos}) == len(pos)  # distinct pixels
    components, n = ndi.label(mask, structure=np.ones((3, 3)))
    covered = {components[y, x] for x, y in pos}
    assert len(covered) == min(n, n_pos)  # one per component where the count allows


@pytest.mark.parametrize("seed", range(25))
def test_negative_points_lie_in_the_ring_beyond_a_3_pixel_gap(seed):
    rng = np.random.default_rng(100 + seed)
    mask = random_mask(rng)
    n_neg = int(rng.integers(0, 7))
    coords, labels = prompts.frame_prompt(rng, mask, 1, n_neg, gap=3, ring_width=8)
    neg = coords[labels == 0].astype(int)
    assert len(neg) == n_neg
    distance = ndi.distance_transform_edt(~mask)
    for x, y in neg:
        assert not mask[y, x]
        assert 3 < distance[y, x] <= 11
        # no object pixel within the 3-pixel gap around a negative point
        assert not mask[max(0, y - 2) : y + 3, max(0, x - 2) : x + 3].any()


def test_ring_excludes_the_gap_exactly():
    mask = np.zeros((31, 31), bool)
    mask[15, 15] = True
    ring = prompts.negative_ring(mask, gap=3, ring_width=2)
    assert not ring[15, 12:19].any()  # distances 0..3 excluded
    assert ring[15, 11] and ring[15, 19] and ring[15, 10]  # distance 4 and 5 included
    assert not ring[15, 9]  # distance 6 is beyond the ring


def test_fewer_positives_than_components_take_the_largest():
    mask = np.zeros((40, 40), bool)
    mask[2:12, 2:12] = True  # 100 px
    mask[20:25, 20:25] = True  # 25 px
    mask[35:37, 35:37] = True  # 4 px
    coords, _ = prompts.frame_prompt(np.random.default_rng(0), mask, 2, 0)
    rows = sorted(int(y) for _, y in coords)
    assert rows[0] < 12 and 20 <= rows[1] < 25


@pytest.mark.parametrize("length", range(4, 9))
def test_prompted_positions_follow_first_last_middle(length):
    assert prompts.prompted_positions(1, length) == [0]
    assert prompts.prompted_positions(2, length) == [0, length - 1]
    assert prompts.prompted_positions(3, length) == sorted([0, length - 1, (length - 1) // 2])


@pytest.mark.parametrize("seed", range(30))
def test_frames_are_equally_spaced_and_inside_the_object_span(seed):
    rng = np.random.default_rng(seed)
    depth = 64
    lo = int(rng.integers(0, 40))
    present = np.arange(lo, lo + int(rng.integers(1, 24)))
    length = int(rng.integers(4, 9))
    layers = prompts.equal_interval_frames(rng, depth, present, length)
    assert len(layers) == length
    steps = np.diff(layers)
    assert (steps == steps[0]).all() and steps[0] >= 1
    assert 0 <= layers[0] and layers[-1] < depth
    if len(present) >= length:
        assert present.min() <= layers[0] and layers[-1] <= present.max()
    else:
        assert layers[0] <= present.min() and present.max() <= layers[-1]


def test_same_seed_same_prompts():
    mask = random_mask(np.random.default_rng(5))
    a = prompts.frame_prompt(np.random.default_rng(7), mask, 5, 3)
    b = prompts.frame_prompt(np.random.default_rng(7), mask, 5, 3)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
