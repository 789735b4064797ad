"""A bundle's LoRA weights: written by `samocta2 export`, read by `samocta2 train --init-lora`.

The ONNX graphs of a bundle have LoRA merged into the encoder, so they cannot be trained
further. The exporter therefore also writes the un-merged LoRA weights (`lora.pt`, a plain
dict of tensors that loads with `torch.load(weights_only=True)`) and describes them in the
manifest's optional `training.lora` entry (docs/model-bundle.md, section 2): the LoRA
settings and the base model they adapt (size, input side, base checkpoint and its sha256, and
a fingerprint of the base weights). A new run that starts from them must use the same base,
which `check_base` verifies before any training step.

    python -m samocta2 train --init-lora models/my-rv --data data/new_scanner --out runs/rv2
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from ..durable import write_atomic
from ..errors import CheckpointError

LORA_FILE = "lora.pt"
# The base weights, copied into the bundle on request (`export --with-base`): for a base that
# cannot be downloaded (the nano model's own pretraining), so the bundle alone can be trained on.
BASE_FILE = "base.pt"
LORA_FORMAT = "samocta2.bundle-lora"
LORA_VERSION = 1
# The LoRA settings that decide the shape and meaning of the weights.
LORA_KEYS = ("r", "alpha", "target_modules")


def sha256(path: Path) -> str:
    """Hex digest; here rather than from .bundle so training does not need onnx installed."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def lora_entry(checkpoint: dict[str, Any], lora_file: Path) -> dict[str, Any]:
    """The manifest's `training.lora` for a training checkpoint whose LoRA is in `lora_file`."""
    config = checkpoint["config"]
    base_ckpt = config["model"].get("checkpoint")
    base_path = Path(base_ckpt).resolve() if base_ckpt else None
    return {
        "file": lora_file.name,
        "sha256": sha256(lora_file),
        "step": checkpoint.get("step"),
        "target": config["data"].get("target"),
        "lora": {k: config["lora"][k] for k in (*LORA_KEYS, "dropout")},
        "base": {
            "size": config["model"]["size"],
            "image_size": config["model"].get("image_size"),
            "point_prior": bool(config["model"].get("point_prior", False)),
            "carry_prior": bool(config["model"].get("carry_prior", False)),
            "carve_prior": bool(config["model"].get("carve_prior", False)),
            "multimask_max_points": config["model"].get("multimask_max_points"),
            "checkpoint": str(base_path) if base_path else None,
            "checkpoint_sha256": sha256(base_path) if base_path and base_path.is_file() else None,
            # Random base weights (no checkpoint) are made from this seed.
            "seed": config["train"]["seed"],
            "fingerprint": checkpoint["base_fingerprint"],
        },
    }


def base_to_copy(checkpoint: dict[str, Any]) -> Path:
    """The base checkpoint `--with-base` copies into the bundle; a CheckpointError when there is
    none. Checked before the export changes anything in its folder."""
    base_ckpt = checkpoint["config"]["model"].get("checkpoint")
    if not base_ckpt:
        raise CheckpointError(
            "--with-base: this run's base model has random weights (no model.checkpoint); "
            "they are rebuilt from the seed, there is nothing to copy"
        )
    if not Path(base_ckpt).is_file():
        raise CheckpointError(f"--with-base: the base checkpoint {base_ckpt} is not there to copy")
    return Path(base_ckpt)


def write_bundle_lora(checkpoint: dict[str, Any], out_dir: Path, *, with_base: bool = False) -> dict[str, Any]:
    """Write `lora.pt` (and with `with_base` a copy of the base checkpoint, `base.pt`) into
    `out_dir`, each atomically and durably; returns the manifest's `training` section."""
    out_dir.mkdir(parents=True, exist_ok=True)
    base_copy = out_dir / BASE_FILE
    if with_base:
        with open(base_to_copy(checkpoint), "rb") as source:
            write_atomic(base_copy, lambda f: shutil.copyfileobj(source, f, 1 << 20))
    else:
        base_copy.unlink(missing_ok=True)  # an older export's copy is not this run's base
    path = out_dir / LORA_FILE
    weights = {
        "format": LORA_FORMAT,
        "version": LORA_VERSION,
        "lora": {k: v.detach().cpu().contiguous() for k, v in checkpoint["lora"].items()},
    }
    write_atomic(path, lambda f: torch.save(weights, f))
    entry = lora_entry(checkpoint, path)
    if with_base:
        entry["base"]["file"] = BASE_FILE
    return {"lora": entry}


@dataclass
class BundleLora:
    folder: Path
    entry: dict[str, Any]
    state: dict[str, torch.Tensor]


def read_bundle_lora(folder: str | Path) -> BundleLora:
    """The LoRA weights of the bundle in `folder`, checked against its manifest."""
    root = Path(folder)
    manifest_path = root / "manifest.json"
    if not manifest_path.is_file():
        raise CheckpointError(f"--init-lora {root}: not a model bundle (no manifest.json in it)")
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"--init-lora {root}: manifest.json is not readable JSON ({exc})") from exc
    entry = (manifest.get("training") or {}).get("lora")
    if not isinstance(entry, dict):
        raise CheckpointError(
            f"--init-lora {root}: the bundle carries no LoRA weights (no training.lora in its manifest; "
            "bundles exported from base weights, or before LoRA was kept, have none). Export it again "
            "from its training checkpoint: python -m samocta2 export --checkpoint RUN/checkpoint.pt --out ..."
        )
    path = root / str(entry.get("file", LORA_FILE))
    if not path.is_file():
        raise CheckpointError(f"--init-lora {root}: {path.name} is missing from the bundle")
    if entry.get("sha256") and sha256(path) != entry["sha256"]:
        raise CheckpointError(f"--init-lora {root}: {path.name} does not match the manifest's sha256 (changed or corrupt)")
    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # truncated zip, foreign pickle, ...
        raise CheckpointError(f"--init-lora {root}: {path.name} is corrupt ({type(exc).__name__}: {exc})") from exc
    if not isinstance(saved, dict) or saved.get("format") != LORA_FORMAT:
        raise CheckpointError(f"--init-lora {root}: {path.name} is not a samocta2 bundle LoRA file")
    return BundleLora(root, entry, saved["lora"])


def config_from_bundle(entry: dict[str, Any], folder: Path | None = None) -> dict[str, Any]:
    """Config values the LoRA weights fix: {dotted key: value}. Applied before the run's own
    flags, so a flag that contradicts them is caught by `check_config`."""
    base, lora = entry["base"], entry["lora"]
    values: dict[str, Any] = {
        "model.size": base["size"],
        "model.image_size": base.get("image_size"),
        "model.point_prior": bool(base.get("point_prior", False)),
        "model.carry_prior": bool(base.get("carry_prior", False)),
        "model.carve_prior": bool(base.get("carve_prior", False)),
        "model.multimask_max_points": base.get("multimask_max_points"),
        **{f"lora.{k}": lora[k] for k in LORA_KEYS},
    }
    if base.get("file"):
        values["model.checkpoint"] = str(folder / base["file"]) if folder else base["file"]
    elif base.get("checkpoint"):
        values["model.checkpoint"] = base["checkpoint"]
    else:
        values["train.seed"] = base["seed"]  # random base weights: the same seed rebuilds them
    return values


def check_config(bundle: BundleLora, config: dict[str, Any]) -> None:
    """The run's model and LoRA settings must be the ones the weights were trained with."""
    diffs = []
    for key, want in config_from_bundle(bundle.entry, bundle.folder).items():
        if key in ("model.checkpoint", "train.seed"):
            continue  # checked on the built model (check_base)
        section, name = key.split(".")
        got = config[section].get(name)
        if got != want:
            diffs.append(f"{key} is {got!r} here, {want!r} in the bundle")
    if diffs:
        raise CheckpointError(
            f"--init-lora {bundle.folder}: the bundle's LoRA weights need the settings they were trained with: "
            + "; ".join(diffs)
        )
    base = bundle.entry["base"]
    ckpt = config["model"].get("checkpoint")
    if base.get("checkpoint") and not ckpt:
        raise CheckpointError(
            f"--init-lora {bundle.folder}: the LoRA weights adapt the base {base['checkpoint']}; "
            "pass it (or a copy) with --model-checkpoint"
        )
    if ckpt and base.get("checkpoint_sha256"):
        path = Path(ckpt)
        if not path.is_file():
            raise CheckpointError(
                f"--init-lora {bundle.folder}: base checkpoint {path} not found (the bundle was trained on "
                f"{base['checkpoint']}, sha256 {base['checkpoint_sha256'][:12]}...); pass it with --model-checkpoint"
            )
        if sha256(path) != base["checkpoint_sha256"]:
            raise CheckpointError(
                f"--init-lora {bundle.folder}: {path} is not the base the LoRA weights were trained on "
                f"({base['checkpoint']}, sha256 {base['checkpoint_sha256'][:12]}...)"
            )


def check_base(bundle: BundleLora, fingerprint: float) -> None:
    """The built base model must be the bundle's (catches random weights from another seed)."""
    want = float(bundle.entry["base"]["fingerprint"])
    if abs(want - fingerprint) > 1e-6 * max(1.0, abs(want)):
        raise CheckpointError(
            f"--init-lora {bundle.folder}: the base model of this run differs from the one the bundle's LoRA "
            "weights adapt (another --model-checkpoint, or --seed for random weights?)"
        )


def model_from_bundle(folder: str | Path, device: torch.device | str = "cpu") -> torch.nn.Module:
    """The bundle's own PyTorch model (its base weights with its LoRA, un-merged, in eval mode),
    checked as `train --init-lora` checks it: for evaluating or timing exactly what it ships."""
    from ..checkpoint import base_fingerprint
    from ..config import DEFAULTS, deep_merge, set_value
    from ..lora import load_lora_state_dict
    from ..train import build_lora_model

    bundle = read_bundle_lora(folder)
    config = deep_merge(DEFAULTS, {})
    for key, value in config_from_bundle(bundle.entry, bundle.folder).items():
        set_value(config, key, value)
    check_config(bundle, config)
    model = build_lora_model(config, torch.device(device))
    check_base(bundle, base_fingerprint(model))
    load_lora_state_dict(model, bundle.state)
    return model.eval()
