"""Training the region model on annotated layers.

Examples:
    python -m samocta2 region-train --config trainer/configs/region_octa500.yaml \\
        --data ../shared/data/octa500/sparse --out runs/region
    python -m samocta2 region-train --config ... --out runs/region --resume        # continue
    python -m samocta2 region-train --config ... --out runs/region2 --init runs/region/checkpoint.pt
        # retrain after corrections, starting from the previous model's weights

Each step: `batch_size` random crops (batches.py), Dice loss on the sigmoid of the logits
(MONAI DiceLoss, batch=True: a crop that misses the region has an empty target, on which a
per-crop Dice is all or nothing), AdamW. Checkpoints, resume, progress events, Ctrl-C and exit
codes behave as in samocta2/train.py, whose helpers this reuses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml

from .. import checkpoint as ckpt_io
from ..errors import CheckpointError, TrainerError
from ..progress import Progress
from ..train import make_scheduler, resolve_device
from ..training_loop import StepLoop
from . import checkpoint as region_ckpt
from .annotations import AnnotatedLayer, load_annotated_layers
from .batches import draw_batch
from .config import folders
from .model import build_region_model
from .predict import layer_probability


def dice_loss_fn():
    from monai.losses import DiceLoss

    return DiceLoss(sigmoid=True, batch=True)


def validate(model, layers: list[AnnotatedLayer], config: dict[str, Any], device) -> float:
    """Mean Dice of the thresholded (unsmoothed) prediction over the validation layers."""
    scores = []
    for layer in layers:
        pred = layer_probability(model, layer.image, config, device) >= 0.5
        denom = pred.sum() + layer.region.sum()
        scores.append(1.0 if denom == 0 else 2.0 * np.logical_and(pred, layer.region).sum() / denom)
    return float(np.mean(scores))


def run_region_training(
    config: dict[str, Any],
    *,
    resume: bool = False,
    stop_after: int | None = None,
    init: str | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train; returns a summary. Raises TrainerError subclasses for every expected failure."""
    progress = progress or Progress()
    train = config["train"]
    out = Path(train["out"])
    ckpt_path = out / region_ckpt.CHECKPOINT_NAME
    device = resolve_device(str(train["device"]))
    total, batch, seed = int(train["steps"]), int(train["batch_size"]), int(train["seed"])
    if total < 1 or batch < 1:
        raise TrainerError("train.steps and train.batch_size must be at least 1")
    if resume and init:
        raise TrainerError(
            "--resume continues <out>/checkpoint.pt; --init starts a new run: pass one of them"
        )

    saved = None
    if resume:
        saved = region_ckpt.load_region_checkpoint(ckpt_path)
        region_ckpt.check_same_model(saved["config"], config, ckpt_path)
    elif ckpt_path.exists():
        raise CheckpointError(
            f"{ckpt_path} exists: pass --resume to continue that run, or choose another --out"
        )
    layers = load_annotated_layers(folders(config["data"]["train"]))
    val_layers = load_annotated_layers(folders(config["data"]["val"])) if config["data"]["val"] else []
    sources = [layer.source for layer in layers]

    model = build_region_model(config["model"], seed)
    if init:
        start = region_ckpt.load_region_checkpoint(init)
        region_ckpt.check_same_model(start["config"], config, Path(init))
        model.load_state_dict(start["model"])
    model.to(device).train()
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=float(train["lr"]), weight_decay=float(train["weight_decay"])
    )
    scheduler = make_scheduler(optimizer, train)
    loss_fn = dice_loss_fn()
    step = 0
    if saved is not None:
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        scheduler.load_state_dict(saved["scheduler"])
        ckpt_io.set_rng_state(saved["rng"])
        step = int(saved["step"])
        init = saved.get("init")
        if step >= total:
            raise TrainerError(
                f"{ckpt_path} is already at step {step} of {total}: raise --steps to train further"
            )
        if list(saved["data"]) != sources:
            progress.log(
                "warning: the annotated layers changed since this run started; resuming on the new set"
            )

    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    progress.log(
        f"region model: SwinUNETR 2D, {trainable:,} parameters; {len(layers)} annotated layers; {device}"
    )
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    progress.emit(
        "start",
        step=step,
        total=total,
        device=str(device),
        trainable=trainable,
        share=1.0,
        layers=len(layers),
    )
    side = int(config["model"]["roi_size"])

    def loss_step(step: int) -> float:
        images, regions = draw_batch(layers, seed, (step - 1) * batch, batch, side, config["augment"])
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bool(train["bf16"])):
            logits = model(torch.from_numpy(images).to(device))
        loss = loss_fn(logits.float(), torch.from_numpy(regions).to(device))
        loss.backward()
        return float(loss.detach())

    def validate_step(step: int) -> None:
        model.eval()
        dice = validate(model, val_layers, config, device)
        model.train()
        progress.emit("val", step=step, dice=dice)

    def checkpoint() -> dict[str, Any]:
        return {"model": model.state_dict(), "data": sources, "init": str(init) if init else None}

    return StepLoop(
        config=config,
        checkpoint_format=(region_ckpt.FORMAT, region_ckpt.VERSION),
        optimizer=optimizer,
        scheduler=scheduler,
        progress=progress,
        ckpt_path=ckpt_path,
        loss_step=loss_step,
        oom_hint=lambda step: f"({batch} crops of {side} px): lower --batch-size or --roi-size, or pass --bf16",
        epoch=lambda step: step * batch / len(layers),
        validate=validate_step if val_layers else None,
        checkpoint=checkpoint,
    ).run(step, stop_after)
