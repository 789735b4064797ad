"""A bundle keeps its LoRA weights (manifest training.lora) and a new run starts from them
(`samocta2 train --init-lora BUNDLE`); wrong bases and settings are refused before training."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
import yaml
from conftest import TINY_CONFIG

from samocta2 import checkpoint as ckpt_io
from samocta2.cli import main
from samocta2.export.bundle import sha256


def write_config(tmp_path: Path) -> Path:
    config = {
        **TINY_CONFIG,
        "model": {"size": "nano", "image_size": 64},
        "sampling": {"frames": [4, 4], "max_rotation_deg": 5.0},
        "train": {**TINY_CONFIG["train"], "steps": 2, "checkpoint_every": 2},
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture(scope="module")
def trained(handmade_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A 2-step run (lr 1e-3, so LoRA B is no longer zero) and its exported bundle."""
    root = tmp_path_factory.mktemp("bundle_lora")
    config = write_config(root)
    run, bundle = root / "run", root / "bundle"
    train = ["train", "--config", str(config), "--data", str(handmade_data / "train"), "--out", str(run)]
    assert main(train) == 0
    assert main(["export", "--checkpoint", str(run / "checkpoint.pt"), "--out", str(bundle)]) == 0
    return {"config": config, "run": run, "bundle": bundle, "data": handmade_data / "train"}


def test_the_bundle_carries_the_unmerged_lora_weights(trained) -> None:
    bundle = trained["bundle"]
    manifest = json.loads((bundle / "manifest.json").read_text())
    entry = manifest["training"]["lora"]
    saved = ckpt_io.load_checkpoint(trained["run"] / "checkpoint.pt")
    assert entry["file"] == "lora.pt"
    assert entry["sha256"] == sha256(bundle / "lora.pt") == manifest["files"]["lora.pt"]
    assert entry["step"] == 2 and entry["target"] == "rv"
    assert entry["lora"] == {"r": 8, "alpha": 8, "target_modules": ["qkv"], "dropout": 0.1}
    assert entry["base"]["size"] == "nano" and entry["base"]["image_size"] == 64
    assert entry["base"]["checkpoint"] is None and entry["base"]["checkpoint_sha256"] is None
    assert entry["base"]["fingerprint"] == saved["base_fingerprint"]
    lora = torch.load(bundle / "lora.pt", weights_only=True)["lora"]
    assert set(lora) == set(saved["lora"])
    for key, value in saved["lora"].items():
        assert torch.equal(lora[key], value), key
    assert any(k.endswith("lora_B.weight") and v.abs().max() > 0 for k, v in lora.items())


def test_a_run_starts_from_the_bundle_lora(trained, tmp_path) -> None:
    # lr 1e-12: one step changes nothing measurable, so the weights are the starting point.
    out = tmp_path / "continued"
    args = ["train", "--init-lora", str(trained["bundle"]), "--data", str(trained["data"])]
    args += ["--steps", "1", "--lr", "1e-12", "--device", "cpu", "--out", str(out)]
    args += ["--set", "sampling.frames=[4,4]"]
    assert main(args) == 0
    got = ckpt_io.load_checkpoint(out / "checkpoint.pt")
    want = torch.load(trained["bundle"] / "lora.pt", weights_only=True)["lora"]
    for key, value in want.items():
        assert torch.allclose(got["lora"][key], value, atol=1e-6), key
    # The bundle's settings became the run's, and the run records where it started.
    assert got["config"]["lora"]["r"] == 8 and got["config"]["model"]["image_size"] == 64
    assert got["config"]["train"]["init_lora"] == str(trained["bundle"])


def test_settings_that_contradict_the_weights_are_refused(trained, tmp_path, capsys) -> None:
    base = ["train", "--init-lora", str(trained["bundle"]), "--data", str(trained["data"]), "--device", "cpu"]
    assert main([*base, "--out", str(tmp_path / "a"), "--set", "lora.r=4"]) == 2
    assert "lora.r is 4 here, 8 in the bundle" in capsys.readouterr().out
    # Random base weights come from the seed: another seed is another base model.
    assert main([*base, "--out", str(tmp_path / "b"), "--seed", "5", "--steps", "1"]) == 2
    assert "base model of this run differs" in capsys.readouterr().out
    assert not (tmp_path / "a" / "checkpoint.pt").exists()
    assert not (tmp_path / "b" / "checkpoint.pt").exists()


def test_a_base_checkpoint_is_checked_by_sha256(trained, tmp_path, capsys) -> None:
    manifest_path = trained["bundle"] / "manifest.json"
    copy = tmp_path / "bundle"
    copy.mkdir()
    (copy / "lora.pt").write_bytes((trained["bundle"] / "lora.pt").read_bytes())
    manifest = json.loads(manifest_path.read_text())
    manifest["training"]["lora"]["base"].update(checkpoint="/nowhere/base.pt", checkpoint_sha256="ab" * 32)
    (copy / "manifest.json").write_text(json.dumps(manifest))
    base = ["train", "--init-lora", str(copy), "--data", str(trained["data"]), "--device", "cpu"]
    assert main([*base, "--out", str(tmp_path / "a")]) == 2
    assert "base checkpoint /nowhere/base.pt not found" in capsys.readouterr().out
    other = tmp_path / "other.pt"
    other.write_bytes(b"not the base")
    assert main([*base, "--out", str(tmp_path / "b"), "--model-checkpoint", str(other)]) == 2
    assert "is not the base the LoRA weights were trained on" in capsys.readouterr().out


def test_bundles_without_lora_weights_say_how_to_get_them(trained, tmp_path, capsys) -> None:
    plain = tmp_path / "plain"
    assert main(["export", "--size", "nano", "--image-size", "64", "--out", str(plain)]) == 0
    assert "training" not in json.loads((plain / "manifest.json").read_text())
    assert not (plain / "lora.pt").exists()
    capsys.readouterr()
    base = ["train", "--data", str(trained["data"]), "--device", "cpu", "--out", str(tmp_path / "a")]
    assert main([*base, "--init-lora", str(plain)]) == 2
    assert "carries no LoRA weights" in capsys.readouterr().out
    assert main([*base, "--init-lora", str(tmp_path / "missing")]) == 2
    assert "not a model bundle" in capsys.readouterr().out
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("manifest.json", "lora.pt"):
        (broken / name).write_bytes((trained["bundle"] / name).read_bytes())
    (broken / "lora.pt").write_bytes(b"truncated")
    assert main([*base, "--init-lora", str(broken)]) == 2
    assert "does not match the manifest's sha256" in capsys.readouterr().out


@pytest.fixture()
def based(trained, tmp_path) -> tuple[Path, Path]:
    """(the pretrained base checkpoint, a bundle exported --with-base from a 1-step run on it)"""
    from samocta2.model import build_sam2_model

    torch.manual_seed(3)
    base = tmp_path / "pretrained.pt"
    torch.save({"model": build_sam2_model("nano", image_size=64).state_dict()}, base)
    run, bundle = tmp_path / "run", tmp_path / "bundle"
    train = ["train", "--config", str(trained["config"]), "--data", str(trained["data"])]
    assert main([*train, "--model-checkpoint", str(base), "--steps", "1", "--out", str(run)]) == 0
    assert main(["export", "--checkpoint", str(run / "checkpoint.pt"), "--with-base", "--out", str(bundle)]) == 0
    return base, bundle


def test_a_bundle_is_re_exported_from_its_own_weights(trained, based, tmp_path, capsys) -> None:
    _, bundle = based
    before = json.loads((bundle / "manifest.json").read_text())
    again = tmp_path / "again"
    assert main(["export", "--bundle", str(bundle), "--out", str(again)]) == 0
    after = json.loads((again / "manifest.json").read_text())
    # The same exporter makes the same graphs from the rebuilt weights; the LoRA files come along.
    assert {k: g["sha256"] for k, g in after["graphs"].items()} == {k: g["sha256"] for k, g in before["graphs"].items()}
    assert after["files"] == before["files"]
    assert after["name"] == before["name"] and after["metrics"] == before["metrics"]
    assert after["training"] == before["training"]
    assert after["provenance"]["weights"] == before["provenance"]["weights"]
    assert after["provenance"]["re_exported_from"]["graphs"]["memory_attention"] == before["graphs"]["memory_attention"]["sha256"]
    # In place works too, and a bundle without base.pt cannot be rebuilt: said, nothing written.
    assert main(["export", "--bundle", str(again), "--out", str(again)]) == 0
    capsys.readouterr()
    out = tmp_path / "none"
    assert main(["export", "--bundle", str(trained["bundle"]), "--out", str(out)]) == 2
    assert "no base.pt" in capsys.readouterr().out and not out.exists()


def test_with_base_the_bundle_alone_is_enough_to_continue(trained, based, tmp_path, capsys) -> None:
    base, bundle = based
    entry = json.loads((bundle / "manifest.json").read_text())["training"]["lora"]
    assert entry["base"]["file"] == "base.pt"
    assert entry["base"]["checkpoint_sha256"] == sha256(base) == sha256(bundle / "base.pt")
    base.unlink()  # the original is gone: the bundle's copy is used
    out = tmp_path / "continued"
    args = ["train", "--init-lora", str(bundle), "--data", str(trained["data"]), "--steps", "1"]
    assert main([*args, "--device", "cpu", "--set", "sampling.frames=[4,4]", "--out", str(out)]) == 0
    assert ckpt_io.load_checkpoint(out / "checkpoint.pt")["config"]["model"]["checkpoint"] == str(bundle / "base.pt")
    # Random base weights have nothing to copy.
    capsys.readouterr()
    code = main(["export", "--checkpoint", str(trained["run"] / "checkpoint.pt"), "--with-base", "--out", str(tmp_path / "x")])
    assert code == 2
    assert "random weights" in capsys.readouterr().out


def test_the_dense_prompt_flags_travel_with_the_lora_weights() -> None:
    """A run continued from a bundle gets the dense prompt the bundle was trained with, carve
    included, and its prompted layers' candidate choice (an older bundle without the flags does
    not carve and keeps the size's own choice)."""
    from samocta2.export.bundle_lora import config_from_bundle

    base = {"size": "nano", "image_size": 256, "point_prior": True, "carry_prior": True, "file": "base.pt"}
    lora = {"r": 32, "alpha": 32, "target_modules": ["qkv"]}
    carving = config_from_bundle({"base": {**base, "carve_prior": True, "multimask_max_points": 16}, "lora": lora})
    assert (carving["model.point_prior"], carving["model.carry_prior"], carving["model.carve_prior"]) == (True,) * 3
    assert carving["model.multimask_max_points"] == 16
    older = config_from_bundle({"base": base, "lora": lora})
    assert older["model.carve_prior"] is False and older["model.multimask_max_points"] is None


def test_a_model_built_to_choose_among_candidates_on_prompted_layers_declares_it() -> None:
    """model.multimask_max_points reaches the model and the manifest's memory section, which the
    TypeScript tracker reads (tracker.ts, decodePrompted)."""
    from samocta2.config import DEFAULTS, deep_merge
    from samocta2.export.bundle import memory_section
    from samocta2.train import build_lora_model

    config = deep_merge(DEFAULTS, {"model": {"image_size": 64, "multimask_max_points": 16}})
    assert memory_section(build_lora_model(config, torch.device("cpu")))["multimask_max_points"] == 16
    config["model"]["multimask_max_points"] = None
    assert memory_section(build_lora_model(config, torch.device("cpu")))["multimask_max_points"] == 1
