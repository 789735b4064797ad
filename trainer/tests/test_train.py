"""Training: the loss goes down, resume is exact, failures stop cleanly (samocta2/train.py)."""

import errno
import math

import numpy as np
import pytest
import torch

from samocta2 import checkpoint as ckpt_io
from samocta2 import train as train_mod
from samocta2.data.sequences import build_source
from samocta2.errors import CheckpointError, DataError, TrainingStopped
from samocta2.lora import load_lora_state_dict
from samocta2.train import BASELINE, build_lora_model, run_training, sequence_loss


def fixed_loss(model, config, sequences):
    model.eval()
    with torch.no_grad():
        return float(
            np.mean([sequence_loss(model, s, torch.device("cpu"), config["train"]).item() for s in sequences])
        )


def test_twenty_steps_lower_the_loss(synthetic_data, tiny_config):
    config = tiny_config
    config["data"]["train"] = str(synthetic_data / "train")
    config["train"].update(steps=20, checkpoint_every=20, lr=2e-3)
    config["model"]["image_size"] = 64
    config["sampling"]["frames"] = [4, 4]
    config["lora"]["dropout"] = 0.0
    source = build_source(config["data"]["train"], "rv", config["sampling"])
    sequences = [source.draw(np.random.default_rng([9, i]), i, BASELINE, augment=False) for i in range(4)]
    before = fixed_loss(build_lora_model(config, torch.device("cpu")), config, sequences)

    summary = run_training(config)

    model = build_lora_model(config, torch.device("cpu"))
    load_lora_state_dict(model, ckpt_io.load_checkpoint(summary["checkpoint"])["lora"])
    after = fixed_loss(model, config, sequences)
    print(f"fixed-batch loss before {before:.4f}, after 20 steps {after:.4f}")
    assert after < before - 0.01


def lora_of(path):
    return ckpt_io.load_checkpoint(path)["lora"]


def test_resume_gives_the_same_weights_as_an_uninterrupted_run(handmade_data, tiny_config, tmp_path):
    config = tiny_config
    config["data"]["train"] = str(handmade_data / "train")
    config["sampling"]["frames"] = [4, 4]
    config["model"]["image_size"] = 64
    config["train"].update(steps=4, checkpoint_every=2)

    config["train"]["out"] = str(tmp_path / "straight")
    straight = run_training(config)

    config["train"]["out"] = str(tmp_path / "resumed")
    first = run_training(config, stop_after=2)
    assert first["step"] == 2 and first["stopped"]
    second = run_training(config, resume=True)
    assert second["step"] == 4

    a, b = lora_of(straight["checkpoint"]), lora_of(second["checkpoint"])
    assert set(a) == set(b)
    worst = max(float((a[k] - b[k]).abs().max()) for k in a)
    assert worst <= 1e-6
    # the LoRA weights did move (B starts at zero), so the comparison means something
    assert any(float(v.abs().max()) > 0 for k, v in a.items() if "lora_B" in k)


def cheap_loss(model, seq, device, train):
    """A loss that touches every LoRA weight without running SAM 2 (for failure tests)."""
    return sum((p * p).sum() for p in model.parameters() if p.requires_grad) * 0.0 + 1.0


@pytest.fixture
def cheap(handmade_data, tiny_config, monkeypatch):
    tiny_config["data"]["train"] = str(handmade_data / "train")
    monkeypatch.setattr(train_mod, "sequence_loss", cheap_loss)
    return tiny_config


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(cheap, monkeypatch):
    calls = {"n": 0}

    def nan_on_third_step(model, seq, device, train):
        calls["n"] += 1
        loss = cheap_loss(model, seq, device, train)
        return loss * float("nan") if calls["n"] >= 3 else loss

    monkeypatch.setattr(train_mod, "sequence_loss", nan_on_third_step)
    with pytest.raises(TrainingStopped, match="loss is nan at step 3.*last good checkpoint"):
        run_training(cheap)
    saved = ckpt_io.load_checkpoint(f"{cheap['train']['out']}/checkpoint.pt")
    assert saved["step"] == 2 and math.isfinite(saved["metrics"]["loss"])


def test_full_disk_keeps_the_previous_checkpoint(cheap, monkeypatch):
    path = f"{cheap['train']['out']}/checkpoint.pt"
    real_save = torch.save
    saves = {"n": 0}

    def save_then_fill_disk(obj, f):
        saves["n"] += 1
        if saves["n"] >= 2:
            f.write(b"partial")
            raise OSError(errno.ENOSPC, "No space left on device")
        real_save(obj, f)

    monkeypatch.setattr(ckpt_io.torch, "save", save_then_fill_disk)
    with pytest.raises(CheckpointError, match="disk is full.*previous checkpoint .* is intact"):
        run_training(cheap)
    saved = ckpt_io.load_checkpoint(path)
    assert saved["step"] == 2
    leftovers = [p.name for p in (ckpt_io.Path(path).parent).iterdir() if "tmp" in p.name]
    assert leftovers == []


def test_cuda_out_of_memory_says_what_to_lower(cheap, monkeypatch):
    def oom(*_args):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(train_mod, "sequence_loss", oom)
    with pytest.raises(
        TrainingStopped, match="out of memory.*frame length.*batch-size.*activation-checkpointing"
    ):
        run_training(cheap)


def test_resume_without_a_checkpoint(cheap):
    with pytest.raises(CheckpointError, match="checkpoint not found"):
        run_training(cheap, resume=True)


def test_resume_from_a_corrupt_checkpoint(cheap):
    out = ckpt_io.Path(cheap["train"]["out"])
    out.mkdir(parents=True)
    (out / "checkpoint.pt").write_bytes(b"\x00garbage")
    with pytest.raises(CheckpointError, match="corrupt"):
        run_training(cheap, resume=True)


def test_resume_with_another_model_config(cheap):
    run_training(cheap, stop_after=1)
    cheap["lora"]["r"] = 4
    with pytest.raises(CheckpointError, match=r"another configuration: lora\.r: checkpoint 8 vs config 4"):
        run_training(cheap, resume=True)


def test_an_existing_run_is_not_overwritten(cheap):
    run_training(cheap, stop_after=1)
    with pytest.raises(CheckpointError, match="pass --resume"):
        run_training(cheap)


def test_empty_training_folder(cheap, tmp_path):
    (tmp_path / "empty").mkdir()
    cheap["data"]["train"] = str(tmp_path / "empty")
    with pytest.raises(DataError, match="holds no volumes"):
        run_training(cheap)


def test_checkpoint_holds_what_resume_needs(cheap):
    summary = run_training(cheap)
    saved = ckpt_io.load_checkpoint(summary["checkpoint"])
    assert saved["step"] == 4 and saved["config"] == cheap
    assert {"lora", "optimizer", "scheduler", "rng", "base_fingerprint"} <= set(saved)
    assert {"python", "numpy", "torch"} <= set(saved["rng"])


def lora_grads(model, seq, train):
    model.zero_grad(set_to_none=True)
    sequence_loss(model, seq, torch.device("cpu"), train).backward()
    return {n: p.grad.clone() for n, p in model.named_parameters() if p.requires_grad}


def test_activation_checkpointing_gives_the_same_gradients_and_bf16_runs(handmade_data, tiny_config):
    config = tiny_config
    config["model"]["image_size"] = 64
    source = build_source(handmade_data / "train", "rv", config["sampling"])
    seq = source.draw(np.random.default_rng(0), 0, BASELINE, augment=False)
    model = build_lora_model(config, torch.device("cpu")).eval()  # eval: no dropout, so runs compare
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.05)  # non-zero B so that every LoRA weight gets a gradient
    plain = lora_grads(model, seq, config["train"])
    checkpointed = lora_grads(model, seq, {**config["train"], "activation_checkpointing": True})
    assert all(plain[n].abs().sum() > 0 for n in plain)
    for n in plain:
        assert torch.allclose(plain[n], checkpointed[n], atol=1e-6, rtol=1e-4), n
    bf16 = lora_grads(model, seq, {**config["train"], "bf16": True})
    assert all(torch.isfinite(g).all() for g in bf16.values())


def test_gradient_accumulation_equals_a_larger_batch(handmade_data, tiny_config, tmp_path):
    config = tiny_config
    config["data"]["train"] = str(handmade_data / "train")
    config["model"]["image_size"] = 64
    config["sampling"]["frames"] = [4, 4]
    config["train"].update(steps=2, checkpoint_every=2)
    config["train"].update(batch_size=2, grad_accum=1, out=str(tmp_path / "batch"))
    a = lora_of(run_training(config)["checkpoint"])
    config["train"].update(batch_size=1, grad_accum=2, out=str(tmp_path / "accum"))
    b = lora_of(run_training(config)["checkpoint"])
    assert max(float((a[k] - b[k]).abs().max()) for k in a) <= 1e-6
