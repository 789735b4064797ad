"""The visibility gate (samocta2/visibility.py): its rules on hand-made layers, its threshold
refitted from the five sparse-annotation pairs it was fitted on, and the vectors the TypeScript
port is checked against (test/fixtures/visibility/vectors.json) still what it computes."""

from __future__ import annotations

import nibabel as nib
import numpy as np
import pytest
from conftest import SHARED_OCTA500, assert_vectors_current

from samocta2.data.sequences import load_folder
from samocta2.data.volumes import column_pixel_mm, read_nifti_with_header
from samocta2.visibility import (
    THRESHOLD,
    block_size,
    box_mean,
    box_width,
    density,
    fit_threshold,
    gate_masks,
    gate_scale,
    sparse_pairs,
)

N = 96


def vessel_layer(rng: np.random.Generator, rows: slice) -> np.ndarray:
    """Faint noise with bright 2-px vertical vessels every 8 px inside `rows` only."""
    layer = 0.05 * rng.random((N, N))
    for x in range(4, N, 8):
        layer[rows, x : x + 2] = 0.9
    return layer


def test_a_tracked_vessel_mask_is_kept_where_vessels_show_and_emptied_where_they_do_not():
    rng = np.random.default_rng(0)
    prompted = vessel_layer(rng, slice(0, N))  # vessels everywhere
    tracked = vessel_layer(rng, slice(0, N // 2))  # vessels in the top half only
    frames = np.stack([prompted, tracked, tracked])
    masks = np.zeros(frames.shape, bool)
    masks[0, :, 4:6] = True
    masks[1, 4 : N // 2 - 8, 4:6] = True  # top half: visible
    masks[2, N // 2 + 8 : N - 4, 4:6] = True  # bottom half: nothing shows there
    gated = gate_masks(frames, [0], masks, "rv")
    assert gated[0].sum() == masks[0].sum(), "prompted layers are never gated"
    assert gated[1].sum() == masks[1].sum(), "inside the visible region: kept"
    assert not gated[2].any(), "outside it: emptied"
    assert gate_masks(frames, [0], masks, "faz")[2].sum() == masks[2].sum(), "the FAZ is never gated"
    assert gate_masks(frames, [2], masks, "rv")[2].sum() == masks[2].sum(), "prompted there"


def test_box_means_have_the_gaussians_width_and_average_what_the_border_box_holds():
    assert [box_width(s) for s in (1, 4, 1.684, 6.737)] == [3, 13, 5, 23]  # as the TypeScript test
    a = np.random.default_rng(2).random((7, 9))
    mean = box_mean(a, 3)
    assert mean[3, 4] == pytest.approx(a[2:5, 3:6].mean())
    assert mean[0, 0] == pytest.approx(a[:2, :2].mean())


def test_density_is_blockwise_and_scales_with_the_layer():
    rng = np.random.default_rng(1)
    small = density(vessel_layer(rng, slice(0, N)))
    assert small.shape == (N, N)  # 96 px: blocks of round(4 x 96 / 304) = 1 px
    big = density(np.kron(vessel_layer(rng, slice(0, N)), np.ones((4, 4))))  # 384 px: blocks of 5
    assert big.shape == (-(-4 * N // 5), -(-4 * N // 5))
    assert (big >= 0).all() and big.max() > 0


def test_the_sizes_follow_a_scans_pixel_size_where_the_header_gives_one_else_the_width():
    # OCTA-500 6M: 6 mm over 400 px, pixels 1.52 times the sparse pairs' (3 mm over 304 px).
    assert gate_scale(400, 6 / 400) == pytest.approx((3 / 304) / (6 / 400))
    assert block_size(gate_scale(400, 6 / 400)) == 3 and block_size(gate_scale(400)) == 5
    assert gate_scale(512, 3 / 512) == pytest.approx(gate_scale(512))  # the shared stacks
    for unknown in (None, 1.0, 0.0, float("nan"), 0.5, 1e-4):  # no scan has these pixels
        assert gate_scale(400, unknown) == 400 / 304
    layer = vessel_layer(np.random.default_rng(3), slice(0, N))
    assert density(layer, gate_scale(N, 6 / 400)).shape == (N // 3, N // 3)  # blocks of 3 px, not 1


@pytest.mark.parametrize(
    ("units", "zoom", "expected"),
    [("mm", 0.015, 0.015), ("micron", 15.0, 0.015), ("meter", 1.5e-5, 0.015), ("unknown", 1.0, 1.0)],
)
def test_a_cases_pixel_size_comes_from_its_header(tmp_path, units, zoom, expected):
    image = nib.Nifti1Image(np.zeros((8, 8, 3), np.float32), np.eye(4))
    image.header.set_zooms((zoom, zoom, 0.003))
    image.header.set_xyzt_units(xyz=units)
    nib.save(image, tmp_path / "v.nii.gz")
    _, header = read_nifti_with_header(tmp_path / "v.nii.gz")
    assert column_pixel_mm(header) == pytest.approx(expected)
    nib.save(nib.Nifti1Image(np.zeros((8, 8, 3), np.uint8), np.eye(4)), tmp_path / "v.label.nii.gz")
    assert load_folder(tmp_path, "faz")[0].pixel_mm == pytest.approx(expected)  # what the gate gets


@pytest.mark.skipif(not (SHARED_OCTA500 / "sparse").is_dir(), reason="../shared/data/octa500 is not beside the repo")
def test_the_threshold_is_the_one_the_sparse_pairs_give():
    pairs = sparse_pairs(SHARED_OCTA500 / "sparse")
    assert len(pairs) == 5
    threshold, region_dice = fit_threshold(pairs)
    assert threshold == pytest.approx(THRESHOLD, abs=1e-9)
    # The painted regions are matched far better than by the whole layer (Dice 0.64).
    assert region_dice > 0.8, region_dice


def test_the_committed_typescript_vectors_are_what_this_module_computes():
    """test/fixtures/visibility/vectors.json (the TypeScript port's reference) is not stale."""
    assert_vectors_current("visibilityVectors.py", "visibility/vectors.json")
