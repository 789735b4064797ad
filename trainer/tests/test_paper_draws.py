"""The `paper` protocol's draws (data/paper_draws.py) follow the authors' evaluation rules."""

import numpy as np
import pytest

from samocta2.data import paper_draws
from samocta2.data.sequences import Draw
from samocta2.data.volumes import Case
from samocta2.metrics import dice_jaccard
from samocta2.prompts import prompted_positions
from samocta2.protocols import PAPER, PROJECT, get_protocol
from samocta2.errors import TrainerError


def _case(labels: np.ndarray) -> Case:
    frames = np.random.default_rng(0).random(labels.shape).astype(np.float32)
    return Case("c", frames, labels.astype(np.int32), frames[0], labels[0].astype(np.int32))


def test_empty_frames_score_by_protocol():
    empty = np.zeros((4, 4), bool)
    assert dice_jaccard(empty, empty, PAPER.empty_score) == (0.0, 0.0)
    assert dice_jaccard(empty, empty, PROJECT.empty_score) == (1.0, 1.0)
    with pytest.raises(TrainerError, match="unknown protocol 'authors'"):
        get_protocol("authors")


@pytest.mark.parametrize("length", [4, 5, 6, 8])
def test_middle_prompted_frame_is_t_half_under_the_paper(length):
    assert prompted_positions(3, length, middle="upper") == [0, length // 2, length - 1]
    assert prompted_positions(3, length) == sorted({0, (length - 1) // 2, length - 1})


def test_one_evenly_spread_sequence_per_subject_over_the_labelled_span():
    labels = np.zeros((30, 40, 40), np.int32)
    labels[5:16, 5:20, 5:20] = 1  # 225 px per layer, layers 5..15
    labels[10:20, 25:35, 25:35] = 2  # 100 px per layer, layers 10..19
    labels[2, 0:3, 0:3] = 3  # 9 px: under the 100 px minimum, absent
    seqs = list(paper_draws.subject_sequences(_case(labels), Draw(4, 2, 5, 3), np.random.default_rng(1), 64, 100))
    span = np.arange(5, 20)
    want = [int(k) for k in span[np.linspace(0, 14, 4, dtype=int)]]
    assert want == [5, 9, 14, 19]
    # layer 5 shows object 1, layer 19 object 2: both tracked through the same layers
    assert [(s.object_id, s.layers) for s in seqs] == [(1, want), (2, want)]
    one, two = seqs
    assert sorted(one.prompts) == [0] and sorted(two.prompts) == [3]  # no prompt where not shown
    assert one.masks[3].sum() == 0 and two.masks[0].sum() == 0 and two.masks[2].sum() == 100


def test_small_vessels_are_absent_from_truth_and_objects():
    labels = np.zeros((6, 40, 40), np.int32)
    labels[:, 5:20, 5:20] = 1
    labels[:, 30:35, 30:35] = 2  # 25 px
    seqs = list(paper_draws.subject_sequences(_case(labels), Draw(4, 2, 5, 3), np.random.default_rng(1), 64, 100))
    assert [s.object_id for s in seqs] == [1]
    seqs = list(paper_draws.subject_sequences(_case(labels), Draw(4, 2, 5, 3), np.random.default_rng(1), 64, 0))
    assert [s.object_id for s in seqs] == [1, 2]


def test_ring_is_chessboard_distance_4_to_9():
    mask = np.zeros((41, 41), bool)
    mask[20, 20] = True
    ring = paper_draws.ring(mask)
    rows, cols = np.nonzero(ring)
    chebyshev = np.maximum(abs(rows - 20), abs(cols - 20))
    assert chebyshev.min() == 4 and chebyshev.max() == 9 and ring.sum() == 19**2 - 7**2


@pytest.mark.parametrize("seed", range(5))
def test_points_are_drawn_at_model_resolution_and_map_back_exactly(seed):
    rng = np.random.default_rng(seed)
    mask = np.zeros((30, 40), bool)
    mask[5:9, 4:30] = True
    mask[20:26, 10:14] = True
    side = 128
    coords, labels = paper_draws.frame_prompt(rng, mask, 5, 3, side)
    assert list(labels) == [1] * 5 + [0] * 3
    big = paper_draws.upsample_nearest(mask, side)
    ring = paper_draws.ring(big)
    # tracking.points_to_inputs maps (x + 0.5) * side / W: the model pixel the point was drawn on
    model = np.rint((coords + 0.5) * np.array([side / 40, side / 30])).astype(int)
    for (x, y), label in zip(model, labels):
        assert (big if label else ring)[y, x], (x, y, label)
    assert len({tuple(p) for p in model}) == 8
    # each component of 20+ px gets a positive point first
    assert big[model[:2, 1], model[:2, 0]].all()
    components = {int(r > side // 2) for r in model[:2, 1]}
    assert components == {0, 1}


@pytest.mark.parametrize("protocol", ["paper", "project"])
def test_eval_names_its_protocol_in_the_table_and_the_json(handmade_data, tmp_path, protocol):
    import json

    from samocta2.cli import main

    out = tmp_path / "eval"
    code = main(
        ["eval", "--classical-only", "--data", str(handmade_data / "train"), "--task", "sequence",
         "--conditions", "baseline", "--protocol", protocol, "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    result = json.loads((out / "eval.json").read_text())
    assert result["protocol"] == protocol and result["sequence"][0]["n"] > 0
    assert f"Protocol: {protocol} (" in (out / "eval.md").read_text()
