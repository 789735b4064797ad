"""Sequences drawn from NIfTI cases (samocta2/data/sequences.py, augment.py)."""

import numpy as np
import pytest

from samocta2.config import DEFAULTS
from samocta2.data.augment import augment_sequence
from samocta2.data.sequences import Draw, build_source


@pytest.fixture(scope="module")
def rv_source(handmade_data):
    return build_source(handmade_data / "train", "rv", DEFAULTS["sampling"])


def test_one_object_per_sequence_with_paper_counts(rv_source):
    for i in range(40):
        rng = np.random.default_rng(i)
        seq = rv_source.draw(rng, i)
        ci, obj, _ = rv_source.objects[i % len(rv_source)]
        assert seq.object_id == obj and seq.case == rv_source.cases[ci].name
        assert 4 <= len(seq.layers) <= 8
        assert 1 <= len(seq.prompts) <= 3
        assert seq.frames.shape == seq.masks.shape == (len(seq.layers), 64, 64)
        steps = np.diff(seq.layers)
        assert (steps == steps[0]).all()
        for pos, (coords, labels) in seq.prompts.items():
            assert 1 <= (labels == 1).sum() <= 10 and (labels == 0).sum() <= 6
            for (x, y), lab in zip(coords.astype(int), labels):
                assert seq.masks[pos][y, x] == bool(lab)


def test_fixed_draw_is_reproducible_and_unaugmented(rv_source):
    draw = Draw(frames=6, prompted=3, positive=5, negative=3)
    a = rv_source.draw(np.random.default_rng(3), 1, draw, augment=False)
    b = rv_source.draw(np.random.default_rng(3), 1, draw, augment=False)
    assert a.layers == b.layers and len(a.layers) == 6
    assert sorted(a.prompts) == [0, 2, 5]
    case = rv_source.cases[rv_source.objects[1][0]]
    assert np.array_equal(a.frames, case.frames[a.layers])
    for pos in a.prompts:
        assert np.array_equal(a.prompts[pos][0], b.prompts[pos][0])


def test_augmentation_is_the_same_for_every_frame():
    rng = np.random.default_rng(0)
    frame = rng.random((32, 32)).astype(np.float32)
    frames = np.stack([frame] * 5)
    masks = np.stack([frame > 0.5] * 5)
    out_f, out_m = augment_sequence(np.random.default_rng(1), frames, masks, 1.0, 10.0)
    for t in range(1, 5):
        assert np.array_equal(out_f[t], out_f[0]) and np.array_equal(out_m[t], out_m[0])
    flipped, _ = augment_sequence(np.random.default_rng(1), frames, masks, 1.0, 0.0)
    assert np.array_equal(flipped[0], frame[:, ::-1])


def test_faz_is_one_object(handmade_data):
    source = build_source(handmade_data / "train", "faz", DEFAULTS["sampling"])
    assert len(source) == 2  # one per case
    assert all(obj == 1 for _, obj, _ in source.objects)


def test_synthetic_generator_volumes_load(synthetic_data):
    source = build_source(synthetic_data / "train", "rv", DEFAULTS["sampling"])
    assert len(source) > 2
    seq = source.draw(np.random.default_rng(0), 0)
    assert seq.masks.any() and seq.prompts
