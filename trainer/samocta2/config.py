"""Experiment configuration: nested dicts loaded from YAML, defaults below, CLI overrides.

Configs are data (one YAML file per experiment, see trainer/configs/); every checkpoint
stores the resolved config that produced it.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from .errors import TrainerError

DEFAULTS: dict[str, Any] = {
    "model": {
        "size": "nano",  # nano | tiny | small | base_plus | large
        "checkpoint": None,  # a sam2.1_hiera_*.pt; None = random weights (tests only)
        "image_size": None,  # None = the size's own input size
        # Prompted frames also get the dense prompt of prompt_prior.py (the bundled nano is
        # trained with it; SAM 2.1 checkpoints are not).
        "point_prior": False,
        "carry_prior": False,  # ... and tracked frames, from the nearest prompted frame's points
        "carve_prior": False,  # ... cut at the negative points inside it (prompt_prior.carve_region)
        # Prompted frames with up to this many points choose among the decoder's three candidates
        # by its IoU head, as tracked frames do (sam2's multimask_max_pt_num); None = the size's 1.
        "multimask_max_points": None,
    },
    "lora": {
        # The paper's defaults: rank 32, alpha 32, dropout 0.1 on the encoder's qkv.
        "r": 32,
        "alpha": 32,
        "dropout": 0.1,
        "target_modules": ["qkv"],
    },
    "data": {
        # Folders of NIfTI volumes + labels (data/naming.py); for OCTA-500 the folders that
        # `import-octa500` writes, e.g. <dst>/3M/train and <dst>/3M/val.
        "train": None,
        "val": None,
        "target": "rv",  # rv (vessel instances) | faz (one object)
        # sequence: layer sequences (paper Table II); enface: the three projection maps as one
        # clip, the whole FAZ or RV map as the object (Table I; data/enface.py).
        "task": "sequence",
        "fov": None,  # enface: only cases of this field of view ('3M', '6M'); None = all
    },
    "sampling": {
        # Paper: 4-8 frames at equal intervals, 1-3 prompted frames, 1-10 positive and
        # 0-6 negative points, a 3-pixel gap between the object and its negative ring.
        "frames": [4, 8],
        "prompted_frames": [1, 3],
        "positive_points": [1, 10],
        "negative_points": [0, 6],
        "gap": 3,
        "ring_width": 8,
        "hflip": 0.5,
        "max_rotation_deg": 10.0,
        "rotation_prob": 0.5,  # the authors' SafeRotate(p=0.5): half of the sequences are rotated
    },
    "train": {
        "steps": 2000,
        "batch_size": 1,  # sequences per forward/backward
        "grad_accum": 1,  # forward/backward passes per optimizer step
        "lr": 5.0e-6,  # paper
        "weight_decay": 0.01,
        "object_score_weight": 1.0,  # see losses.py: keeps SAM 2's object gate trainable
        "scheduler": "constant",  # constant | cosine
        "warmup_steps": 0,
        "seed": 0,
        "bf16": False,  # GPU: autocast to bfloat16
        "activation_checkpointing": False,  # GPU: recompute the encoder in backward
        "checkpoint_every": 100,
        "val_every": 200,
        # Validation: null = every object of the validation folder once (baseline draw); N = a
        # sample of N of them, the same every time (seeded by train.seed).
        "val_sequences": None,
        "device": "auto",  # auto | cpu | cuda | cuda:N
        "out": "runs/samocta2",
        # A model bundle whose LoRA weights (manifest training.lora) start this run instead of
        # a fresh LoRA; its base model and LoRA settings become this run's (export/bundle_lora.py).
        "init_lora": None,
    },
    "eval": {
        "sequences_per_object": 1,
        "seed": 1234,
    },
}


def deep_merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _check_keys(update: dict[str, Any], base: dict[str, Any], where: str) -> None:
    for key, value in update.items():
        if key not in base:
            known = ", ".join(sorted(base))
            raise TrainerError(f"unknown config key '{where}{key}' (known here: {known})")
        if isinstance(value, dict) and isinstance(base[key], dict):
            _check_keys(value, base[key], f"{where}{key}.")


def load_config(path: str | Path | None, defaults: dict[str, Any] = DEFAULTS) -> dict[str, Any]:
    """`defaults` merged with the YAML file at `path` (unknown keys are an error)."""
    if path is None:
        return copy.deepcopy(defaults)
    p = Path(path)
    if not p.is_file():
        raise TrainerError(f"config file not found: {p}")
    try:
        data = yaml.safe_load(p.read_text()) or {}
    except yaml.YAMLError as exc:
        raise TrainerError(f"config file {p} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        sections = ", ".join(defaults)
        raise TrainerError(f"config file {p} must hold a mapping of sections ({sections})")
    _check_keys(data, defaults, "")
    return deep_merge(defaults, data)


def set_value(config: dict[str, Any], dotted: str, value: Any) -> None:
    """Set `section.key` in place; the key must exist in DEFAULTS."""
    parts = dotted.split(".")
    node: Any = config
    ref: Any = DEFAULTS
    for part in parts[:-1]:
        if not isinstance(ref, dict) or part not in ref:
            raise TrainerError(f"unknown config key '{dotted}'")
        node, ref = node[part], ref[part]
    if not isinstance(ref, dict) or parts[-1] not in ref:
        raise TrainerError(f"unknown config key '{dotted}'")
    node[parts[-1]] = value


def parse_assignment(text: str) -> tuple[str, Any]:
    """`section.key=value` with the value parsed as YAML (numbers, lists, null, strings)."""
    if "=" not in text:
        raise TrainerError(f"--set expects section.key=value, got '{text}'")
    key, raw = text.split("=", 1)
    return key.strip(), yaml.safe_load(raw)


def as_range(value: Any, name: str) -> tuple[int, int]:
    """An int or [lo, hi] as an inclusive (lo, hi)."""
    if isinstance(value, (int, float)):
        return int(value), int(value)
    if isinstance(value, (list, tuple)) and len(value) == 2:
        lo, hi = int(value[0]), int(value[1])
        if lo > hi:
            raise TrainerError(f"{name}: range [{lo}, {hi}] is empty")
        return lo, hi
    raise TrainerError(f"{name}: expected a number or [min, max], got {value!r}")
