"""`python -m samocta2 region-train`: train the vessel-region model (JSON-line progress on stdout)."""

from __future__ import annotations

import argparse
from typing import Any

# flag attribute -> config key; None values (flag not given) leave the config alone
FLAG_KEYS = {
    "out": "train.out",
    "steps": "train.steps",
    "batch_size": "train.batch_size",
    "lr": "train.lr",
    "seed": "train.seed",
    "device": "train.device",
    "checkpoint_every": "train.checkpoint_every",
    "val_every": "train.val_every",
    "bf16": "train.bf16",
    "roi_size": "model.roi_size",
    "feature_size": "model.feature_size",
}


def register(sub: Any) -> None:
    p = sub.add_parser("region-train", help="train the 2D SwinUNETR vessel-region model (sparse annotation)")
    add_train_arguments(p)
    p.set_defaults(func=run)


def add_train_arguments(p: argparse.ArgumentParser) -> None:
    """region-train's flags; `sparse train` takes the same ones."""
    p.add_argument("--config", help="region YAML (trainer/configs/region_*.yaml); defaults when omitted")
    p.add_argument(
        "--data",
        action="append",
        metavar="DIR",
        help="annotated layers: PNG pairs and/or <name>.regions.nii.gz volumes; repeatable (data.train)",
    )
    p.add_argument(
        "--val-data", action="append", metavar="DIR", help="validation folder; repeatable (data.val)"
    )
    p.add_argument("--out", help="run folder: checkpoint.pt, config.yaml (train.out)")
    p.add_argument("--steps", type=int, help="total optimizer steps (train.steps)")
    p.add_argument("--batch-size", type=int, help="random crops per step (train.batch_size)")
    p.add_argument("--lr", type=float, help="AdamW learning rate (train.lr)")
    p.add_argument("--seed", type=int, help="crops, augmentation, initial weights (train.seed)")
    p.add_argument("--device", help="auto | cpu | cuda | cuda:N (train.device)")
    p.add_argument("--roi-size", type=int, help="crop / tile side in px, multiple of 32 (model.roi_size)")
    p.add_argument("--feature-size", type=int, help="SwinUNETR width, multiple of 12 (model.feature_size)")
    p.add_argument("--checkpoint-every", type=int, help="steps between checkpoints (train.checkpoint_every)")
    p.add_argument("--val-every", type=int, help="steps between validations, 0 = never (train.val_every)")
    p.add_argument("--bf16", action="store_true", default=None, help="bfloat16 autocast (GPU)")
    p.add_argument("--init", metavar="CHECKPOINT", help="start from an earlier region checkpoint's weights")
    p.add_argument("--resume", action="store_true", help="continue from <out>/checkpoint.pt")
    p.add_argument("--stop-after", type=int, help="stop (and save) after this many steps of this run")
    p.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE", help="any config value")


def config_from_args(args: argparse.Namespace) -> dict[str, Any]:
    from .config import apply_overrides, load_region_config

    flags = {key: getattr(args, attr) for attr, key in FLAG_KEYS.items()}
    flags["data.train"] = args.data
    flags["data.val"] = args.val_data
    return apply_overrides(load_region_config(args.config), flags, args.set)


def run(args: argparse.Namespace) -> int:
    from .train import run_region_training

    run_region_training(
        config_from_args(args), resume=args.resume, stop_after=args.stop_after, init=args.init
    )
    return 0
