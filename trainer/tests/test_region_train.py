"""Region-model training: the loss goes down on real and synthetic layers, resume is exact
(samocta2/region/train.py)."""

from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import SHARED_OCTA500
from region_helpers import one_torch_thread, region_config, synthetic_annotations  # noqa: F401

from samocta2.region.annotations import load_annotated_layers
from samocta2.region.batches import draw_batch
from samocta2.region.checkpoint import load_region_checkpoint
from samocta2.region.model import build_region_model
from samocta2.region.train import dice_loss_fn, run_region_training

SPARSE = SHARED_OCTA500 / "sparse"
NO_AUGMENT = {"hflip": 0.0, "vflip": 0.0, "max_rotation_deg": 0.0}


@pytest.fixture(scope="module")
def synthetic_regions(synthetic_data, tmp_path_factory) -> Path:
    return synthetic_annotations(synthetic_data / "train", tmp_path_factory.mktemp("regions"))


def fixed_loss(model, images, regions) -> float:
    model.eval()
    with torch.no_grad():
        return float(dice_loss_fn()(model(torch.from_numpy(images)), torch.from_numpy(regions)))


def loss_before_and_after(config, steps):
    layers = load_annotated_layers([Path(d) for d in np.atleast_1d(config["data"]["train"])])
    images, regions = draw_batch(layers, 99, 0, 10, config["model"]["roi_size"], NO_AUGMENT)
    before = fixed_loss(build_region_model(config["model"], 0), images, regions)
    config["train"].update(steps=steps, checkpoint_every=steps)
    summary = run_region_training(config)
    model = build_region_model(config["model"], 0)
    model.load_state_dict(load_region_checkpoint(summary["checkpoint"])["model"])
    return before, fixed_loss(model, images, regions), summary


@pytest.mark.skipif(not SPARSE.is_dir(), reason=f"OCTA-500 sparse examples not found at {SPARSE}")
def test_fifteen_steps_on_the_real_pairs_lower_the_loss(tmp_path):
    config = region_config(tmp_path / "run", SPARSE)
    before, after, summary = loss_before_and_after(config, 15)
    print(f"real pairs: fixed-crop Dice loss before {before:.4f}, after 15 steps {after:.4f}")
    assert summary["step"] == 15 and not summary["stopped"]
    assert load_region_checkpoint(summary["checkpoint"])["data"] == sorted(
        p.name for p in SPARSE.glob("*_layer.png")
    )
    assert after < before - 0.01


def test_fifteen_steps_on_synthetic_layers_lower_the_loss(synthetic_regions, tmp_path):
    config = region_config(tmp_path / "run", synthetic_regions)
    assert len(load_annotated_layers([synthetic_regions])) == 10  # 2 volumes x (4 + 1 negative)
    before, after, _ = loss_before_and_after(config, 15)
    print(f"synthetic: fixed-crop Dice loss before {before:.4f}, after 15 steps {after:.4f}")
    assert after < before - 0.01


def test_resume_gives_the_same_weights_as_an_uninterrupted_run(synthetic_regions, tmp_path):
    straight = run_region_training(region_config(tmp_path / "straight", synthetic_regions))
    config = region_config(tmp_path / "resumed", synthetic_regions)
    first = run_region_training(config, stop_after=2)
    assert first["step"] == 2 and first["stopped"]
    second = run_region_training(config, resume=True)
    assert second["step"] == 4 and not second["stopped"]

    a = load_region_checkpoint(straight["checkpoint"])["model"]
    b = load_region_checkpoint(second["checkpoint"])["model"]
    start = build_region_model(config["model"], 0).state_dict()
    assert set(a) == set(b)
    assert max(float((a[k].double() - b[k].double()).abs().max()) for k in a) <= 1e-6
    # the weights did move, so the comparison means something
    assert max(float((a[k].double() - start[k].double()).abs().max()) for k in a) > 1e-4


def test_init_starts_a_new_run_from_earlier_weights(synthetic_regions, tmp_path, capsys):
    import json

    from samocta2.cli import main

    earlier = run_region_training(region_config(tmp_path / "earlier", synthetic_regions, steps=2))
    capsys.readouterr()
    argv = ["region-train", "--data", str(synthetic_regions), "--out", str(tmp_path / "again")]
    argv += [
        "--roi-size",
        "64",
        "--feature-size",
        "12",
        "--steps",
        "1",
        "--device",
        "cpu",
        "--batch-size",
        "2",
    ]
    # lr 0: the one step must leave the earlier weights exactly as they were
    code = main(argv + ["--init", earlier["checkpoint"], "--set", "train.lr=0"])
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert [e["event"] for e in events] == ["start", "step", "checkpoint", "done"]
    again = load_region_checkpoint(tmp_path / "again" / "checkpoint.pt")
    assert again["init"] == earlier["checkpoint"] and again["step"] == 1
    a, b = load_region_checkpoint(earlier["checkpoint"])["model"], again["model"]
    assert all(torch.equal(a[k], b[k]) for k in a)

    code = main(
        argv[:-4]
        + ["--out", str(tmp_path / "other"), "--feature-size", "24", "--init", earlier["checkpoint"]]
    )
    assert code == 2 and "model.feature_size" in capsys.readouterr().out
