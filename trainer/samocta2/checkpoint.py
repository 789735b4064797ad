"""Training checkpoints: written atomically, read with clear errors.

A checkpoint is a dict of tensors and plain Python values only, so it loads with
`torch.load(weights_only=True)`:
  format, version, step, total_steps, config (the resolved experiment config),
  lora (LoRA weights), optimizer, scheduler, rng (python, numpy, torch, cuda states),
  base_fingerprint (checks the base model is the one trained on), metrics.
"""

from __future__ import annotations

import errno
import random
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch

from .durable import write_atomic
from .errors import CheckpointError

FORMAT = "samocta2.train-checkpoint"
VERSION = 1
CHECKPOINT_NAME = "checkpoint.pt"


def save_atomic(obj: dict[str, Any], path: Path) -> None:
    """Write durably and atomically (durable.write_atomic); removes what a killed run left.

    A failure at any point (a full disk included) leaves the previous file untouched.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, lambda f: torch.save(obj, f))
    except OSError as exc:
        reason = "the disk is full" if exc.errno == errno.ENOSPC else str(exc)
        kept = (
            f"the previous checkpoint {path} is intact" if path.exists() else "no earlier checkpoint exists"
        )
        raise CheckpointError(f"could not save checkpoint {path}: {reason}; {kept}") from exc


def rng_state() -> dict[str, Any]:
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state: dict[str, Any] = {
        "python": list(random.getstate()[1]),
        "python_version": random.getstate()[0],
        "python_gauss": random.getstate()[2],
        "numpy": [kind, torch.from_numpy(keys.astype(np.int64)), int(pos), int(has_gauss), float(cached)],
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    random.setstate((state["python_version"], tuple(state["python"]), state["python_gauss"]))
    kind, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def read_checkpoint(
    path: str | Path,
    *,
    what: str,
    fmt: str,
    version: int,
    readable_as: str,
    foreign: Callable[[Path, Any], str],
) -> dict[str, Any]:
    """Loads a checkpoint of format `fmt` and `version`, or says what is wrong with the file.

    `what` names it in messages ("checkpoint", "region checkpoint"); `readable_as` is what a file
    torch cannot read is not ("a samocta2 training checkpoint"); `foreign(path, found_format)`
    says what a readable file of another format is and where it belongs.
    """
    p = Path(path)
    if not p.is_file():
        raise CheckpointError(f"{what} not found: {p}")
    try:
        ckpt = torch.load(p, map_location="cpu", weights_only=True)
    except Exception as exc:  # truncated zip, foreign pickle, ...
        raise CheckpointError(
            f"{what} {p} is corrupt or not {readable_as} ({type(exc).__name__}: {exc})"
        ) from exc
    found = ckpt.get("format") if isinstance(ckpt, dict) else None
    if found != fmt:
        raise CheckpointError(foreign(p, found))
    if ckpt.get("version") != version:
        raise CheckpointError(f"{p} has {what} version {ckpt.get('version')}; this trainer reads {version}")
    return ckpt


def load_checkpoint(path: str | Path) -> dict[str, Any]:
    return read_checkpoint(
        path,
        what="checkpoint",
        fmt=FORMAT,
        version=VERSION,
        readable_as="a samocta2 training checkpoint",
        foreign=lambda p, _found: (
            f"{p} is not a samocta2 training checkpoint (a SAM 2 base checkpoint goes to "
            "model.checkpoint / --model-checkpoint instead)"
        ),
    )


def config_differences(
    saved: dict[str, Any], current: dict[str, Any], sections: tuple[str, ...], ignore: frozenset[str] = frozenset()
) -> list[str]:
    """`section.key: checkpoint A vs config B` for every key of `sections` whose values differ."""
    diffs = []
    for section in sections:
        for key in sorted(set(saved.get(section, {})) | set(current.get(section, {}))):
            a, b = saved.get(section, {}).get(key), current.get(section, {}).get(key)
            if a != b and key not in ignore:
                diffs.append(f"{section}.{key}: checkpoint {a!r} vs config {b!r}")
    return diffs


def check_same_model(saved: dict[str, Any], current: dict[str, Any], path: Path) -> None:
    """The model and LoRA sections must match for the LoRA weights to mean anything."""
    diffs = config_differences(saved, current, ("model", "lora"))
    if diffs:
        raise CheckpointError(f"checkpoint {path} was made with another configuration: " + "; ".join(diffs))


def base_fingerprint(model: torch.nn.Module) -> float:
    """A cheap signature of the frozen base weights (sum of |w| over non-LoRA parameters)."""
    with torch.no_grad():
        return float(
            sum(
                p.detach().double().abs().sum().item()
                for n, p in model.named_parameters()
                if "lora_" not in n
            )
        )
