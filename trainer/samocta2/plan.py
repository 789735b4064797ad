"""`samocta2 train --dry-run`: the plan of a training run, printed before any GPU time is spent.

Steps, sequences seen, epochs in the authors' unit (one sequence per training subject: their
dataset has one item per subject, so "50 epochs" on OCTA-500 3M is 50 x 140 = 7000 steps at
batch 1) and, when the data is at hand, in this trainer's unit (every object once, the `epoch`
of the progress events); the trainable share; validation and checkpoint cadence; and an
ESTIMATE of the peak GPU memory with a verdict for a named GPU size (`--gpu-memory 80`).

The memory model is not a measurement (this project's machines have no GPU): the activations of
one 1024 px frame with gradients, float32, without activation checkpointing, are anchored on the
authors' report (their README: 8-frame training "maxed out" an 80 GB A100 with their default,
base_plus) and scaled to the other sizes by the image encoder's width x depth and by
(image size / 1024)^2; bf16 autocast keeps ~55 % of them; activation checkpointing keeps one
frame's encoder activations plus ~15 % of each other frame's (the memory path and decoder).
Measure on the real GPU with trainer/bench/gpu_bench.py before trusting a tight fit.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from .config import as_range
from .data.naming import find_cases

GIB = 2**30
# GiB of activations per 1024 px frame for base_plus (float32, no checkpointing): the authors'
# ~78 GiB at 8 frames, less the weights and the CUDA context, over 8 frames.
BASE_PLUS_FRAME_GIB = 9.2
# Image encoder (embed dim, blocks): activations scale with their product.
ENCODER_SHAPE = {"nano": (32, 5), "tiny": (96, 12), "small": (96, 16), "base_plus": (112, 24), "large": (144, 48)}
BF16_SHARE = 0.55
CHECKPOINTED_OTHER_FRAME_SHARE = 0.15
CUDA_CONTEXT_GIB = 1.0


def memory_estimate_gib(size: str, image_size: int, frames: int, batch: int, bf16: bool, checkpointing: bool,
                        params: int, trainable: int) -> float:  # fmt: skip
    """Estimated peak GPU memory of one training process (see the module docstring)."""
    dim, blocks = ENCODER_SHAPE[size]
    per_frame = BASE_PLUS_FRAME_GIB * (dim * blocks) / (112 * 24) * (image_size / 1024) ** 2
    if bf16:
        per_frame *= BF16_SHARE
    kept_frames = 1 + CHECKPOINTED_OTHER_FRAME_SHARE * (frames - 1) if checkpointing else frames
    weights = params * 4 / GIB
    optimizer = trainable * 16 / GIB  # the LoRA weights' gradients and AdamW's two moments (+ copy)
    return CUDA_CONTEXT_GIB + weights + optimizer + batch * kept_frames * per_frame


def _subjects(folder: str | None) -> int | None:
    if not folder or not Path(folder).is_dir():
        return None
    return len(find_cases(Path(folder)))


@functools.lru_cache(maxsize=8)
def _parameter_counts(model_yaml: str, lora_yaml: str) -> tuple[int, int, int]:
    """(trainable, total, image size) of the LoRA model, built once on the CPU (random weights:
    the counts do not depend on them)."""
    import torch

    from .config import DEFAULTS, deep_merge
    from .lora import parameter_report
    from .train import build_lora_model

    config = deep_merge(DEFAULTS, {"model": yaml.safe_load(model_yaml), "lora": yaml.safe_load(lora_yaml)})
    config["model"]["checkpoint"] = None
    model = build_lora_model(config, torch.device("cpu"))
    report = parameter_report(model)
    return report.trainable, report.total, int(model.image_size)


def training_plan(config: dict[str, Any], gpus: int, gpu_memory_gib: float | None) -> dict[str, Any]:
    """The plan's numbers (see format_plan)."""
    from .lora import ParameterReport

    train, model_cfg = config["train"], config["model"]
    trainable, total, image_size = _parameter_counts(
        yaml.safe_dump(model_cfg, sort_keys=True), yaml.safe_dump(config["lora"], sort_keys=True)
    )
    report = ParameterReport(trainable, total, [])
    steps, batch, accum = int(train["steps"]), int(train["batch_size"]), int(train["grad_accum"])
    sequences = steps * batch * accum * gpus
    subjects = _subjects(config["data"]["train"])
    longest = as_range(config["sampling"]["frames"], "sampling.frames")[1]
    memory = memory_estimate_gib(
        model_cfg["size"], image_size, longest, batch, bool(train["bf16"]),
        bool(train["activation_checkpointing"]), report.total, report.trainable,
    )  # fmt: skip
    val_every = int(train["val_every"])
    return {
        "size": model_cfg["size"],
        "image_size": image_size,
        "trainable": report.trainable,
        "total": report.total,
        "share": report.share,
        "steps": steps,
        "batch_size": batch,
        "grad_accum": accum,
        "gpus": gpus,
        "sequences": sequences,
        "lr": float(train["lr"]),
        "weight_decay": float(train["weight_decay"]),
        "train_subjects": subjects,
        "subject_epochs": sequences / subjects if subjects else None,
        "validation": (
            None if not config["data"]["val"] or val_every <= 0
            else {"every": val_every, "objects": train["val_sequences"] or "all"}
        ),  # fmt: skip
        "checkpoint_every": int(train["checkpoint_every"]),
        "longest_sequence": longest,
        "memory_estimate_gib": round(memory, 1),
        "gpu_memory_gib": gpu_memory_gib,
        "fits": None if gpu_memory_gib is None else memory <= 0.9 * gpu_memory_gib,
    }


def format_plan(plan: dict[str, Any], config: dict[str, Any]) -> str:
    data = config["data"]
    subjects = plan["train_subjects"]
    lines = [
        "Training plan (dry run: nothing is trained)",
        f"  model       {plan['size']} at {plan['image_size']} px; LoRA trains {plan['trainable']:,} of "
        f"{plan['total']:,} parameters ({100 * plan['share']:.2f} %)",
        f"  optimiser   AdamW lr {plan['lr']:g}, weight decay {plan['weight_decay']:g}",
        f"  data        {data['target']} from {data['train']}: "
        + (f"{subjects} subjects" if subjects is not None else "folder not found (import it first)"),
        f"  steps       {plan['steps']} x batch {plan['batch_size']} x grad-accum {plan['grad_accum']} x "
        f"{plan['gpus']} GPU{'s' if plan['gpus'] > 1 else ''} = {plan['sequences']} sequences",
    ]
    if plan["subject_epochs"] is not None:
        lines.append(
            f"  epochs      {plan['subject_epochs']:.1f} in the authors' unit (one sequence per subject); "
            "the progress events count every object once"
        )
    v = plan["validation"]
    lines.append(
        "  validation  none (no data.val or val_every 0)" if v is None
        else f"  validation  every {v['every']} steps on {v['objects']} validation objects; best.pt keeps the best Dice"
    )  # fmt: skip
    lines.append(f"  checkpoints every {plan['checkpoint_every']} steps (checkpoint.pt, the last)")
    train = config["train"]
    on_off = {True: "on", False: "off"}
    switches = (
        f"bf16 {on_off[bool(train['bf16'])]}, "
        f"activation checkpointing {on_off[bool(train['activation_checkpointing'])]}"
    )
    memory = (
        f"  memory      ~{plan['memory_estimate_gib']} GiB per GPU at {plan['longest_sequence']} frames ({switches}): "
        "an ESTIMATE, not measured (trainer/bench/gpu_bench.py measures)"
    )
    lines.append(memory)
    if plan["gpu_memory_gib"] is not None:
        verdict = "fits" if plan["fits"] else "does NOT fit (with 10 % headroom)"
        hint = "" if plan["fits"] else ": turn on --bf16 and --activation-checkpointing, or shorten sampling.frames"
        lines.append(f"  GPU         {plan['gpu_memory_gib']:g} GiB: {verdict}{hint}")
    return "\n".join(lines)
