"""Region-model checkpoints: saved atomically by samocta2.checkpoint.save_atomic.

A dict of tensors and plain values (loads with weights_only=True):
  format, version, step, total_steps, config (resolved region config), model (state dict),
  optimizer, scheduler, rng (samocta2.checkpoint.rng_state), data (sources of the annotated
  layers trained on), init (the checkpoint it started from, or None), metrics.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..checkpoint import FORMAT as FINE_TUNE_FORMAT
from ..checkpoint import config_differences, read_checkpoint
from ..errors import CheckpointError

FORMAT = "samocta2.region-checkpoint"
VERSION = 1
CHECKPOINT_NAME = "checkpoint.pt"


def load_region_checkpoint(path: str | Path) -> dict[str, Any]:
    def foreign(p: Path, found: Any) -> str:
        if found == FINE_TUNE_FORMAT:
            return f"{p} is a SAM 2 fine-tuning checkpoint; region-predict needs one written by region-train"
        return f"{p} is not a region checkpoint (written by `samocta2 region-train`)"

    return read_checkpoint(
        path,
        what="region checkpoint",
        fmt=FORMAT,
        version=VERSION,
        readable_as="a checkpoint",
        foreign=foreign,
    )


def check_same_model(saved: dict[str, Any], current: dict[str, Any], path: Path) -> None:
    """The model section must match for the saved weights to fit (`use_checkpoint` only trades
    memory for time)."""
    diffs = config_differences(saved, current, ("model",), ignore=frozenset({"use_checkpoint"}))
    if diffs:
        raise CheckpointError(f"checkpoint {path} was made with another model: " + "; ".join(diffs))
