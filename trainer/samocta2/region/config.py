"""Region experiment configuration: defaults below, a YAML file, CLI overrides.

Same rules as samocta2.config (unknown keys are an error, every checkpoint stores the
resolved config); only the defaults differ, as this is another model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import load_config, parse_assignment
from ..errors import TrainerError

REGION_DEFAULTS: dict[str, Any] = {
    "model": {
        # SwinUNETR, spatial_dims=2, one input channel (the layer), one output (region logit).
        # MONAI's default width is 24; it must be a multiple of 12. 12 is enough for tests.
        "feature_size": 24,
        "depths": [2, 2, 2, 2],
        "num_heads": [3, 6, 12, 24],
        # Training crop side and sliding-window tile in px; a multiple of 32 (five halvings).
        "roi_size": 128,
        "use_checkpoint": False,  # GPU memory: recompute Swin blocks in backward
    },
    "data": {
        # Folders (a string or a list): OCTA-500 pairs <id>_<depth>_layer.png + _region.png,
        # and/or volumes with <name>.regions.nii.gz + <name>.regions.json (docs/sparse-annotation.md).
        "train": None,
        "val": None,
    },
    "augment": {
        "hflip": 0.5,
        "vflip": 0.5,
        "max_rotation_deg": 30.0,  # en-face layers have no preferred orientation
    },
    "train": {
        "steps": 1000,
        "batch_size": 8,  # crops per step
        "lr": 2.0e-4,
        "weight_decay": 1.0e-5,
        "scheduler": "cosine",  # constant | cosine
        "warmup_steps": 0,
        "seed": 0,
        "bf16": False,  # GPU: autocast to bfloat16
        "checkpoint_every": 100,
        "val_every": 0,  # steps between validations on data.val, 0 = never
        "device": "auto",  # auto | cpu | cuda | cuda:N
        "out": "runs/region",
    },
    "predict": {
        # Gaussian sigma in px, as src/core/sparse/predictedRegion.ts DEFAULT_REGION_SIGMA.
        "sigma": 2.0,
        "overlap": 0.25,  # sliding-window tile overlap
        # Blank screening, as src/core/sparse/screenBlankLayers.ts DEFAULT_BLANK_THRESHOLD.
        "blank_threshold": 0.002,
    },
}


def load_region_config(path: str | Path | None) -> dict[str, Any]:
    """REGION_DEFAULTS merged with the YAML file at `path` (unknown keys are an error)."""
    return load_config(path, REGION_DEFAULTS)


def set_region_value(config: dict[str, Any], dotted: str, value: Any) -> None:
    """Set `section.key` in place; the key must exist in REGION_DEFAULTS."""
    section, _, key = dotted.partition(".")
    if section not in REGION_DEFAULTS or key not in REGION_DEFAULTS[section]:
        known = ", ".join(f"{s}.{k}" for s in REGION_DEFAULTS for k in REGION_DEFAULTS[s])
        raise TrainerError(f"unknown config key '{dotted}' (known: {known})")
    config[section][key] = value


def apply_overrides(config: dict[str, Any], flags: dict[str, Any], assignments: list[str]) -> dict[str, Any]:
    """Flag values (None = not given) by dotted key, then `--set section.key=value` items."""
    for key, value in flags.items():
        if value is not None:
            set_region_value(config, key, value)
    for item in assignments:
        set_region_value(config, *parse_assignment(item))
    return config


def folders(value: Any) -> list[Path]:
    """data.train / data.val as a list of folders (a string, a list, or None)."""
    if value is None:
        return []
    if isinstance(value, (str, Path)):
        return [Path(value)]
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, Path)) for v in value):
        return [Path(v) for v in value]
    raise TrainerError(f"data folders must be a path or a list of paths; got {value!r}")
