"""LoRA fine-tuning of SAM 2 on OCTA layer sequences (or, data.task 'enface', projection clips).

Examples:
    python -m samocta2 train --config trainer/configs/nano_synthetic_rv.yaml \\
        --data data/synth/train --val-data data/synth/val --out runs/nano_rv
    python -m samocta2 train --config ... --out runs/nano_rv --resume      # continue a run
    torchrun --nproc_per_node 4 -m samocta2 train --config ... --ddp        # several GPUs

Validation scores every object of the validation folder once (or a seeded sample of
`train.val_sequences` of them) with the baseline draw; the checkpoint of the best validation
Dice so far is kept as best.pt beside checkpoint.pt (the last), as the paper reports its best
epoch. `--dry-run` prints the plan (plan.py) and trains nothing.

Each optimizer step: clear gradients, then `grad_accum` x `batch_size` sequences, each
tracked through sam2's track_step (see tracking.py) with loss Dice (+ object score, see
losses.py) and a backward pass, then AdamW. A sequence is fully determined by the seed and
its global index, so a resumed run draws the same data; RNG states restore dropout.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml

from . import checkpoint as ckpt_io
from .data.sequences import Draw, SequenceSource, build_source
from .durable import ensure_writable_dir, remove_abandoned_temps
from .errors import CheckpointError, TrainerError
from .lora import apply_lora, load_lora_state_dict, lora_state_dict, parameter_report
from .losses import object_score_loss, sequence_dice_loss
from .metrics import dice_jaccard
from .progress import Progress
from .training_loop import StepLoop
from .tracking import frames_to_images, logits_at, predict_masks, sequence_point_inputs, track_sequence

# The paper's evaluation baseline (Table II): 4 frames, 2 prompted, 5 positive, 3 negative.
BASELINE = Draw(frames=4, prompted=2, positive=5, negative=3)


def resolve_device(name: str, local_rank: int | None = None) -> torch.device:
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and local_rank is not None:
        name = f"cuda:{local_rank}"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise TrainerError(f"device '{name}' requested but CUDA is not available; use --device cpu")
    return torch.device(name)


def build_lora_model(config: dict[str, Any], device: torch.device) -> torch.nn.Module:
    """Base SAM 2 (seeded, so random weights are reproducible) with LoRA on the encoder."""
    from .model import build_sam2_model

    m = config["model"]
    torch.manual_seed(int(config["train"]["seed"]))
    model = build_sam2_model(m["size"], m["checkpoint"], m["image_size"], device="cpu")
    if m.get("point_prior"):
        from .prompt_prior import enable

        enable(model, carry=bool(m.get("carry_prior")), carve=bool(m.get("carve_prior")))
    if m.get("multimask_max_points") is not None:
        model.multimask_max_pt_num = int(m["multimask_max_points"])
    model = apply_lora(model, config["lora"])
    return model.to(device)


def make_scheduler(
    optimizer: torch.optim.Optimizer, train: dict[str, Any]
) -> torch.optim.lr_scheduler.LambdaLR:
    total, warmup, kind = int(train["steps"]), int(train["warmup_steps"]), train["scheduler"]
    if kind not in ("constant", "cosine"):
        raise TrainerError(f"train.scheduler '{kind}' is not supported (constant, cosine)")

    def factor(step: int) -> float:
        if warmup and step < warmup:
            return (step + 1) / warmup
        if kind == "cosine":
            progress = min(1.0, (step - warmup) / max(1, total - warmup))
            return 0.5 * (1.0 + math.cos(math.pi * progress))
        return 1.0

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def build_task_source(config: dict[str, Any], folder: str):
    """Layer sequences (data.task 'sequence', Table II) or en-face clips ('enface', Table I)."""
    data = config["data"]
    task = data.get("task", "sequence")
    if task == "sequence":
        return build_source(folder, data["target"], config["sampling"])
    if task != "enface":
        raise TrainerError(f"data.task '{task}' is not supported (sequence, enface)")
    from .data.enface import build_enface_source

    return build_enface_source(folder, data["target"], config["sampling"], data.get("fov"))


def draw_training_sequence(source: SequenceSource, seed: int, index: int):
    """The `index`-th training sequence: objects in a fresh permutation every epoch."""
    epoch, within = divmod(index, len(source))
    obj = int(np.random.default_rng([seed, 0, epoch]).permutation(len(source))[within])
    return source.draw(np.random.default_rng([seed, 1, index]), obj, augment=True)


def sequence_loss(model, seq, device, train: dict[str, Any]) -> torch.Tensor:
    images = frames_to_images(seq.frames, model.image_size, device)
    with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=bool(train["bf16"])):
        out = track_sequence(
            model,
            images,
            sequence_point_inputs(seq, model.image_size, device),
            bool(train["activation_checkpointing"]),
        )
    targets = torch.from_numpy(seq.masks).to(device)
    hw = seq.masks.shape[1:]
    loss = sequence_dice_loss([logits_at(m, hw) for m in out.masks], targets)
    weight = float(train["object_score_weight"])
    if weight:
        loss = loss + weight * object_score_loss(out.object_scores, targets)
    return loss


BEST_NAME = "best.pt"


def validation_objects(n_objects: int, count: int | None, seed: int) -> list[int]:
    """Object indices validation scores: all of them, or a sample of `count`, the same every time."""
    if count is None or int(count) >= n_objects:
        return list(range(n_objects))
    if int(count) < 1:
        raise TrainerError(f"train.val_sequences must be at least 1 or null (all objects), got {count}")
    return sorted(int(i) for i in np.random.default_rng([seed, 3]).choice(n_objects, size=int(count), replace=False))


def validate(model, source: SequenceSource, device, objects: list[int], seed: int) -> tuple[float, float]:
    """Mean Dice and Jaccard per object per frame over fixed baseline sequences of `objects`."""
    was_training = model.training
    model.eval()
    scores = []
    try:
        for i in objects:
            seq = source.draw(np.random.default_rng([seed, 2, i]), i, BASELINE, augment=False)
            pred = predict_masks(model, seq, device)
            scores += [dice_jaccard(p, t) for p, t in zip(pred, seq.masks)]
    finally:
        model.train(was_training)
    return float(np.mean([s[0] for s in scores])), float(np.mean([s[1] for s in scores]))


def _best_so_far(path: Path) -> float | None:
    """The validation Dice of a resumed run's best.pt (None without one)."""
    if not path.exists():
        return None
    return float(ckpt_io.load_checkpoint(path)["metrics"]["val_dice"])


def _save_best(path: Path, step: int, dice: float, jaccard: float, weights: dict[str, Any], config) -> None:
    """best.pt: what `samocta2 eval` and `export` read from a checkpoint (no optimizer state)."""
    content = {
        "format": ckpt_io.FORMAT,
        "version": ckpt_io.VERSION,
        "step": step,
        "total_steps": int(config["train"]["steps"]),
        "config": config,
        "metrics": {"val_dice": dice, "val_jaccard": jaccard, "chosen_by": "validation Dice"},
        **weights,
    }
    ckpt_io.save_atomic(content, path)


def _distributed(ddp: bool) -> tuple[int, int, int | None]:
    if not ddp:
        return 0, 1, None
    if "LOCAL_RANK" not in os.environ:
        raise TrainerError(
            "--ddp needs torchrun (LOCAL_RANK is not set): torchrun --nproc_per_node N -m samocta2 train ... --ddp"
        )
    local = int(os.environ["LOCAL_RANK"])
    backend = "nccl" if torch.cuda.is_available() else "gloo"
    if torch.cuda.is_available():
        torch.cuda.set_device(local)
    torch.distributed.init_process_group(backend=backend)
    return torch.distributed.get_rank(), torch.distributed.get_world_size(), local


def _all_reduce_mean(tensors: list[torch.Tensor], world: int) -> None:
    if world > 1:
        for t in tensors:
            torch.distributed.all_reduce(t)
            t.div_(world)


def run_training(
    config: dict[str, Any],
    *,
    resume: bool = False,
    stop_after: int | None = None,
    ddp: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train; returns a summary. Raises TrainerError subclasses for every expected failure."""
    rank, world, local_rank = _distributed(ddp)
    try:
        return _train(config, resume, stop_after, rank, world, local_rank, progress or Progress(rank == 0))
    finally:
        if world > 1:
            torch.distributed.destroy_process_group()


def _train(config, resume, stop_after, rank, world, local_rank, progress: Progress) -> dict[str, Any]:
    train = config["train"]
    data = config["data"]
    out = Path(train["out"])
    ckpt_path = out / ckpt_io.CHECKPOINT_NAME
    device = resolve_device(str(train["device"]), local_rank)
    total, batch, accum = int(train["steps"]), int(train["batch_size"]), int(train["grad_accum"])
    seed = int(train["seed"])
    if total < 1 or batch < 1 or accum < 1:
        raise TrainerError("train.steps, train.batch_size and train.grad_accum must be at least 1")

    if rank == 0:
        # Before any data or model is loaded: an unusable --out is a one-line error (exit 2),
        # and temporary files of a killed earlier run are removed.
        ensure_writable_dir(out)
        remove_abandoned_temps(ckpt_path)
    saved = None
    if resume:
        saved = ckpt_io.load_checkpoint(ckpt_path)
        ckpt_io.check_same_model(saved["config"], config, ckpt_path)
    elif ckpt_path.exists():
        raise CheckpointError(
            f"{ckpt_path} exists: pass --resume to continue that run, or choose another --out"
        )
    if not data.get("train"):
        raise TrainerError("no training data: set data.train in the config or pass --data DIR")
    source = build_task_source(config, data["train"])
    val_source = build_task_source(config, data["val"]) if data.get("val") else None

    init = None
    if saved is None and train.get("init_lora"):
        from .export.bundle_lora import check_config, read_bundle_lora

        init = read_bundle_lora(train["init_lora"])
        check_config(init, config)

    model = build_lora_model(config, device)
    model.train()
    fingerprint = ckpt_io.base_fingerprint(model)
    if init is not None:
        from .export.bundle_lora import check_base

        check_base(init, fingerprint)
        load_lora_state_dict(model, init.state)
        progress.log(f"LoRA weights from {init.folder} (step {init.entry.get('step')})")
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=float(train["lr"]), weight_decay=float(train["weight_decay"]))
    scheduler = make_scheduler(optimizer, train)
    step = 0
    if saved is not None:
        if abs(saved["base_fingerprint"] - fingerprint) > 1e-6 * max(1.0, abs(fingerprint)):
            raise CheckpointError(
                f"{ckpt_path}: the base model differs from the one this run started with "
                "(another model.checkpoint or seed?)"
            )
        load_lora_state_dict(model, saved["lora"])
        optimizer.load_state_dict(saved["optimizer"])
        scheduler.load_state_dict(saved["scheduler"])
        ckpt_io.set_rng_state(saved["rng"])
        step = int(saved["step"])
        if step >= total:
            raise TrainerError(
                f"{ckpt_path} is already at step {step} of {total}: raise --steps to train further"
            )
    elif world > 1:
        for p in params:  # every rank starts from rank 0's LoRA initialisation
            torch.distributed.broadcast(p.data, 0)

    report = parameter_report(model)
    progress.log(report.describe())
    progress.log(f"training on {device} ({world} process{'es' if world > 1 else ''}), {len(source)} objects")
    if rank == 0:
        out.mkdir(parents=True, exist_ok=True)
        (out / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    progress.emit(
        "start", step=step, total=total, device=str(device), trainable=report.trainable, share=report.share
    )

    def loss_step(step: int) -> float:
        losses = []
        for micro in range(accum):
            for b in range(batch):
                index = (((step - 1) * accum + micro) * batch + b) * world + rank
                seq = draw_training_sequence(source, seed, index)
                loss = sequence_loss(model, seq, device, train)
                (loss / (accum * batch)).backward()
                losses.append(loss.detach().float())
        mean_loss = torch.stack(losses).mean()
        grads = [p.grad for p in params if p.grad is not None]
        _all_reduce_mean([mean_loss] + grads, world)
        return float(mean_loss)

    best_path = out / BEST_NAME
    best = _best_so_far(best_path) if resume else None
    if val_source is not None:
        val_objects = validation_objects(len(val_source), train["val_sequences"], seed)
        progress.log(f"validation: {len(val_objects)} of {len(val_source)} objects, baseline draw")

    def validate_step(step: int) -> None:
        nonlocal best
        if rank == 0:
            dice, jac = validate(model, val_source, device, val_objects, seed)
            progress.emit("val", step=step, dice=dice, jaccard=jac)
            if best is None or dice > best:
                best = dice
                _save_best(best_path, step, dice, jac, checkpoint(), config)
                progress.emit("best", step=step, dice=dice, path=str(best_path))

    def checkpoint() -> dict[str, Any]:
        return {"lora": lora_state_dict(model), "base_fingerprint": fingerprint}

    def agree(stop: bool) -> bool:
        if world == 1:
            return stop
        flag = torch.tensor([1.0 if stop else 0.0], device=device)
        torch.distributed.all_reduce(flag)
        return bool(flag.item() > 0)

    return StepLoop(
        config=config,
        checkpoint_format=(ckpt_io.FORMAT, ckpt_io.VERSION),
        optimizer=optimizer,
        scheduler=scheduler,
        progress=progress,
        ckpt_path=ckpt_path,
        loss_step=loss_step,
        oom_hint=lambda step: (
            f"(image size {model.image_size}, up to {config['sampling']['frames']} frames, batch {batch}): "
            "lower the frame length (--set sampling.frames=[4,4]) or --batch-size (use --grad-accum "
            "instead), or turn on --activation-checkpointing and --bf16"
        ),
        epoch=lambda step: step * batch * accum * world / len(source),
        validate=validate_step if val_source is not None else None,
        checkpoint=checkpoint if rank == 0 else None,
        agree=agree,
    ).run(step, stop_after)
