"""Evaluation on a tiny dataset: Table II conditions, table + JSON (Table I: test_enface.py)."""

import json

import numpy as np
import pytest

from samocta2.cli import main
from samocta2.evaluate import format_table, table2_conditions
from samocta2.metrics import dice_jaccard
from samocta2.train import run_training


def test_table2_conditions_vary_one_factor_from_the_baseline():
    rows = table2_conditions()
    assert rows[0][0] == "Baseline" and (
        rows[0][2].frames,
        rows[0][2].prompted,
        rows[0][2].positive,
        rows[0][2].negative,
    ) == (4, 2, 5, 3)
    assert [(f, v) for f, v, _ in rows[1:]] == [
        ("Frame length", 4), ("Frame length", 6), ("Frame length", 8),
        ("Prompted frames", 1), ("Prompted frames", 2), ("Prompted frames", 3),
        ("Positive points", 1), ("Positive points", 5), ("Positive points", 10),
        ("Negative points", 0), ("Negative points", 3), ("Negative points", 6),
    ]  # fmt: skip
    for _, _, draw in rows[1:]:
        changed = [
            a != b for a, b in zip((draw.frames, draw.prompted, draw.positive, draw.negative), (4, 2, 5, 3))
        ]
        assert sum(changed) <= 1


def test_dice_and_jaccard():
    a = np.zeros((4, 4), bool)
    b = np.zeros((4, 4), bool)
    a[:2] = True
    b[1:3] = True
    assert dice_jaccard(a, b) == pytest.approx((0.5, 1 / 3))
    assert dice_jaccard(a, a) == (1.0, 1.0)
    assert dice_jaccard(b & False, a & False) == (1.0, 1.0)


@pytest.fixture(scope="module")
def trained_checkpoint(handmade_data, tmp_path_factory):
    from conftest import TINY_CONFIG

    from samocta2.config import DEFAULTS, deep_merge

    config = deep_merge(DEFAULTS, TINY_CONFIG)
    config["data"]["train"] = str(handmade_data / "train")
    config["model"]["image_size"] = 64
    config["train"].update(steps=1, out=str(tmp_path_factory.mktemp("evalrun") / "run"))
    return run_training(config)["checkpoint"]


def test_eval_command_writes_table_and_json(trained_checkpoint, handmade_data, tmp_path, capsys):
    out = tmp_path / "eval"
    code = main(
        ["eval", "--checkpoint", trained_checkpoint, "--data", str(handmade_data / "val"),
         "--device", "cpu", "--out", str(out)]
    )  # fmt: skip
    run = capsys.readouterr()
    assert code == 0, run.err[-3000:]
    result = json.loads((out / "eval.json").read_text())
    assert result["target"] == "rv" and len(result["sequence"]) == 13
    for row in result["sequence"]:
        assert 0.0 <= row["jaccard"] <= row["dice"] <= 1.0 and row["n"] > 0
        assert 0.0 <= row["classical_jaccard"] <= row["classical_dice"] <= 1.0
    frames = {row["value"]: row["n"] for row in result["sequence"] if row["factor"] == "Frame length"}
    assert frames[4] < frames[6] < frames[8]  # object-frame pairs scale with frame length
    assert "enface" not in result  # the en-face task (Table I) has its own models: test_enface.py
    table = (out / "eval.md").read_text()
    assert "| Dice (%) | Jaccard (%) | Classical Dice (%) | Classical Jaccard (%) |" in table
    assert "| Frame length | 6 |" in table and "| Negative points | 0 |" in table
    assert table.strip() == format_table(result).strip()
    last = json.loads(run.out.strip().splitlines()[-1])
    assert last["event"] == "eval"


def test_eval_without_data_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    code = main(
        ["eval", "--size", "nano", "--image-size", "64", "--data", str(tmp_path / "empty"), "--device", "cpu"]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert "holds no volumes" in captured.err
    assert json.loads(captured.out.strip().splitlines()[-1])["event"] == "error"


def test_classical_only_scores_the_baseline_on_the_same_draws_as_a_model_run(
    trained_checkpoint, handmade_data, tmp_path, capsys
):
    common = ["--data", str(handmade_data / "val"), "--device", "cpu", "--conditions", "baseline"]
    both, alone = tmp_path / "both", tmp_path / "alone"
    assert main(["eval", "--checkpoint", trained_checkpoint, *common, "--out", str(both)]) == 0
    assert main(["eval", "--classical-only", *common, "--out", str(alone)]) == 0
    capsys.readouterr()
    with_model = json.loads((both / "eval.json").read_text())
    without = json.loads((alone / "eval.json").read_text())
    assert without["model"].startswith("none")
    row, only = with_model["sequence"][0], without["sequence"][0]
    assert only["dice"] is None and only["jaccard"] is None
    # The same seed draws the same sequences and points, so the baseline scores the same.
    assert (only["classical_dice"], only["classical_jaccard"], only["n"]) == (
        row["classical_dice"], row["classical_jaccard"], row["n"]
    )  # fmt: skip
    assert 0.0 < only["classical_dice"] < 1.0  # the handmade vessels are partly found, not trivially
    assert "| Baseline | 4, 2, 5, 3 | – | – |" in (alone / "eval.md").read_text()


def test_classical_only_with_a_model_is_a_clear_error(handmade_data, capsys):
    code = main(["eval", "--classical-only", "--size", "nano", "--data", str(handmade_data / "val")])
    captured = capsys.readouterr()
    assert code == 2 and "--classical-only scores no model: drop --size" in captured.err
