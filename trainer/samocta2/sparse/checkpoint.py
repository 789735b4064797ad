"""Region-model checkpoints: saved atomically by samocta2.checkpoint.save_atomic.

A dict of tensors and plain values (loads with weights_only=True):
  format, version, step, total_steps, config (resolved region config), model (state dict),
  optimizer, scheduler, rng (samocta2.checkpoint.rng_state), data (sources of the annotated
  layers trained on), init (the checkpoint it started from, or None), metrics.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from ..checkpoint import FORMAT as FINE_TUNE_FORMAT
from ..errors import CheckpointError

FORMAT = "samocta2.region-checkpoint"
VERSION = 1
CHECKPOINT_NAME = "checkpoint.pt"


def load_region_checkpoint(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    if not p.is_file():
        raise CheckpointError(f"region checkpoint not found: {p}")
    try:
        ckpt = torch.load(p, map_location="cpu", weights_only=True)
    except Exception as exc:  # truncated zip, foreign pickle, ...
        raise CheckpointError(
            f"region checkpoint {p} is corrupt or not a checkpoint ({type(exc).__name__}: {exc})"
        ) from exc
    kind = ckpt.get("format") if isinstance(ckpt, dict) else None
    if kind == FINE_TUNE_FORMAT:
        raise CheckpointError(
            f"{p} is a SAM 2 fine-tuning checkpoint; region-predict needs one written by region-train"
        )
    if kind != FORMAT:
        raise CheckpointError(f"{p} is not a region checkpoint (written by `samocta2 region-train`)")
    if ckpt.get("version") != VERSION:
        raise CheckpointError(
            f"{p} has region checkpoint version {ckpt.get('version')}; this trainer reads {VERSION}"
        )
    return ckpt


def check_same_model(saved: dict[str, Any], current: dict[str, Any], path: Path) -> None:
    """The model section must match for the saved weights to fit."""
    diffs = [
        f"model.{key}: checkpoint {saved['model'].get(key)!r} vs config {current['model'].get(key)!r}"
        for key in sorted(set(saved["model"]) | set(current["model"]))
        if saved["model"].get(key) != current["model"].get(key) and key != "use_checkpoint"
    ]
    if diffs:
        raise CheckpointError(f"checkpoint {path} was made with another model: " + "; ".join(diffs))
