"""`samocta2 export --model-checkpoint` on a checkpoint in Meta's SAM 2.1 layout (what the
extension's "Add SAM 2.1 Model" command runs): the size comes from the file, base+ is a size
name, and a file that fits no size says so. Random tiny weights stand in for the released ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from samocta2.cli import main
from samocta2.export.bundle import sha256
from samocta2.model import build_sam2_model, canonical_size


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Random tiny weights saved as Meta releases them: {"model": state_dict}."""
    path = tmp_path_factory.mktemp("sam21") / "sam2.1_hiera_tiny.pt"
    torch.manual_seed(0)
    torch.save({"model": build_sam2_model("tiny").state_dict()}, path)
    return path


def test_the_size_is_read_from_the_checkpoint(tiny_checkpoint: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "sam2.1-tiny-128"
    args = ["export", "--model-checkpoint", str(tiny_checkpoint), "--image-size", "128"]
    assert main([*args, "--name", "sam2.1-tiny-128", "--out", str(out)]) == 0
    event = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert event["event"] == "exported" and event["size"] == "tiny" and event["image_size"] == 128
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["name"] == "sam2.1-tiny-128"
    assert manifest["model"]["size"] == "tiny"
    image = manifest["graphs"]["image_encoder"]["inputs"][0]
    assert image["shape"] == [1, 3, 128, 128]
    provenance = manifest["provenance"]
    assert provenance["base_checkpoint"] == str(tiny_checkpoint)
    assert provenance["base_checkpoint_sha256"] == sha256(tiny_checkpoint)
    assert provenance["config"]["model"] == {"size": "tiny", "image_size": 128}


def test_base_plus_has_its_other_spellings() -> None:
    assert canonical_size("base+") == "base_plus"
    assert canonical_size("B+") == "base_plus"
    assert canonical_size("base_plus") == "base_plus"
    assert canonical_size("tiny") == "tiny"


def test_a_size_that_does_not_fit_the_file_is_refused(tiny_checkpoint: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "b"
    code = main(["export", "--size", "base+", "--model-checkpoint", str(tiny_checkpoint), "--out", str(out)])
    assert code == 2
    text = capsys.readouterr().out
    assert "looks like tiny" in text and "config is base_plus" in text
    assert not out.exists()


def test_a_checkpoint_of_no_known_size_asks_for_the_size(tiny_checkpoint: Path, tmp_path: Path, capsys) -> None:
    state = torch.load(tiny_checkpoint, map_location="cpu", weights_only=True)["model"]
    # A trunk one block short: no SAM 2.1 size has 11 Hiera blocks of width 96.
    odd = {k: v for k, v in state.items() if not k.startswith("image_encoder.trunk.blocks.11.")}
    path = tmp_path / "odd.pt"
    torch.save({"model": odd}, path)
    assert main(["export", "--model-checkpoint", str(path), "--out", str(tmp_path / "c")]) == 2
    text = capsys.readouterr().out
    assert "none of the SAM 2.1 sizes" in text and "give the size" in text


def test_a_medical_fine_tune_in_the_sam2_trainers_layout_exports(tiny_checkpoint: Path, tmp_path: Path, capsys) -> None:
    """MedSAM2's released weights are SAM 2.1-tiny saved by sam2's own trainer: the state dict
    under "model" beside the optimizer, epoch, loss and meters; fine-tunes saved from inside a
    DDP or torch.compile wrapper prefix every key. Both read as tiny, with the same weights."""
    state = torch.load(tiny_checkpoint, map_location="cpu", weights_only=True)["model"]
    trainer_layout = {
        "model": state,
        "optimizer": {"state": {0: {"exp_avg": torch.zeros(3)}}, "param_groups": [{"lr": 1e-5, "params": [0]}]},
        "epoch": 41,
        "loss": {},
        "steps": {"train": 1200, "val": 0},
        "time_elapsed": 3600.5,
        "best_meter_values": {},
    }
    for name, saved in (
        ("MedSAM2_latest.pt", trainer_layout),
        ("ddp.pt", {"model": {f"module.{k}": v for k, v in state.items()}}),
        ("compiled.pt", {f"_orig_mod.{k}": v for k, v in state.items()}),
    ):
        path = tmp_path / name
        torch.save(saved, path)
        model = build_sam2_model(None, checkpoint=path)
        assert model.samocta2_size == "tiny"
        loaded = model.state_dict()
        assert all(torch.equal(loaded[k], v) for k, v in state.items()), name
    out = tmp_path / "medsam2-128"
    args = ["export", "--model-checkpoint", str(tmp_path / "MedSAM2_latest.pt"), "--image-size", "128"]
    assert main([*args, "--name", "medsam2-128", "--out", str(out)]) == 0
    event = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert event["event"] == "exported" and event["size"] == "tiny"
