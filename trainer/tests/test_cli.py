"""The `python -m samocta2 train` contract the VS Code task relies on: JSON lines, exit codes, Ctrl-C."""

import json
import signal
import subprocess
import sys

import torch
import yaml
from conftest import TINY_CONFIG, TRAINER

from samocta2 import checkpoint as ckpt_io
from samocta2.cli import main

STEP_KEYS = {"event", "step", "total", "epoch", "loss", "lr", "it_s", "eta_s"}


def write_config(tmp_path, **train):
    config = {**TINY_CONFIG, "train": {**TINY_CONFIG["train"], **train}}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def events(stdout):
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_sigint_saves_then_exits_130(handmade_data, tmp_path):
    config = write_config(tmp_path, steps=1000, checkpoint_every=1000)
    config.write_text(config.read_text().replace("image_size: 128", "image_size: 64"))
    out = tmp_path / "run"
    proc = subprocess.Popen(
        [sys.executable, "-m", "samocta2", "train", "--config", str(config), "--data", str(handmade_data / "train"), "--out", str(out)],
        cwd=TRAINER, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    seen = []
    for line in proc.stdout:
        seen.append(json.loads(line))
        if seen[-1]["event"] == "step":
            proc.send_signal(signal.SIGINT)
            break
    rest, err = proc.communicate(timeout=300)
    seen += events(rest)
    assert proc.returncode == 130, err[-2000:]
    assert seen[-1]["event"] == "error" and "interrupted" in seen[-1]["message"]
    interrupted = [e for e in seen if e["event"] == "interrupted"]
    assert interrupted and interrupted[0]["step"] >= 1
    assert ckpt_io.load_checkpoint(out / "checkpoint.pt")["step"] == interrupted[0]["step"]
    step = next(e for e in seen if e["event"] == "step")
    assert set(step) == STEP_KEYS and step["total"] == 1000


def test_train_progress_lines_and_validation(handmade_data, tmp_path, capsys):
    config = write_config(tmp_path, steps=2, checkpoint_every=2, val_every=2, val_sequences=1)
    code = main(
        ["train", "--config", str(config), "--data", str(handmade_data / "train"),
         "--val-data", str(handmade_data / "val"), "--out", str(tmp_path / "run"),
         "--image-size", "64", "--set", "sampling.frames=[4,4]"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err[-3000:]
    got = events(captured.out)
    # the first validation is the best so far: best.pt is written beside the last checkpoint
    assert [e["event"] for e in got] == ["start", "step", "step", "val", "best", "checkpoint", "done"]
    assert got[4]["path"] == str(tmp_path / "run" / "best.pt") and got[4]["dice"] == got[3]["dice"]
    assert all(set(e) == STEP_KEYS for e in got if e["event"] == "step")
    val = got[3]
    assert val["step"] == 2 and 0.0 <= val["dice"] <= 1.0
    assert got[-1]["stopped"] is False
    assert "trainable parameters" in captured.err  # human log on stderr
    saved = ckpt_io.load_checkpoint(tmp_path / "run" / "checkpoint.pt")
    assert saved["config"]["sampling"]["frames"] == [4, 4]  # the checkpoint keeps its config
    assert saved["config"]["model"]["image_size"] == 64


def test_bad_inputs_exit_non_zero_with_a_message(handmade_data, tmp_path, capsys):
    config = write_config(tmp_path)
    (tmp_path / "empty").mkdir()
    cases = {
        "empty dataset": (["--data", str(tmp_path / "empty")], "holds no volumes"),
        "missing data": (["--data", str(tmp_path / "nowhere")], "not found"),
        "unknown key": (
            ["--data", str(handmade_data / "train"), "--set", "train.speed=3"],
            "unknown config key",
        ),
        "missing checkpoint": (["--data", str(handmade_data / "train"), "--resume"], "checkpoint not found"),
    }
    bad_weights = tmp_path / "sam2.1_hiera_tiny.pt"
    torch.save(
        {"model": {"image_encoder.trunk.patch_embed.proj.weight": torch.zeros(96, 3, 7, 7)}}, bad_weights
    )
    cases["base checkpoint for another size"] = (
        ["--data", str(handmade_data / "train"), "--model-checkpoint", str(bad_weights)],
        "does not match the nano config",
    )
    corrupt = tmp_path / "corrupt.pt"
    corrupt.write_bytes(b"PK\x03\x04 truncated")
    cases["corrupt base checkpoint"] = (
        ["--data", str(handmade_data / "train"), "--model-checkpoint", str(corrupt)],
        "not a readable PyTorch checkpoint",
    )
    for name, (args, message) in cases.items():
        # in-process: the same main() as `python -m samocta2`, without a new interpreter each time
        code = main(
            ["train", "--config", str(config), "--out", str(tmp_path / name.replace(" ", "_")), *args]
        )
        captured = capsys.readouterr()
        assert code == 2, (name, captured.err[-2000:])
        last = events(captured.out)[-1]
        assert last["event"] == "error" and message in last["message"], (name, last)
        assert message in captured.err, name


def test_ddp_under_torchrun_two_cpu_processes(handmade_data, tmp_path):
    config = write_config(tmp_path, steps=1, checkpoint_every=1)
    out = tmp_path / "run"
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
    run = subprocess.run(
        [*torchrun, "-m", "samocta2", "train", "--config", str(config), "--data", str(handmade_data / "train"),
         "--out", str(out), "--image-size", "64", "--set", "sampling.frames=[4,4]", "--ddp"],
        cwd=TRAINER, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    got = events(run.stdout)
    # only rank 0 reports and writes
    assert [e["event"] for e in got] == ["start", "step", "checkpoint", "done"]
    assert got[1]["epoch"] == 2 / 4  # two processes drew one sequence each, 4 objects
    assert "(2 processes)" in run.stderr
    assert ckpt_io.load_checkpoint(out / "checkpoint.pt")["step"] == 1
