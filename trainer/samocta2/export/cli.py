"""`python -m samocta2 export`: a trained (or base) model -> an ONNX model bundle.

Examples::

    # the bundled model: a training checkpoint, LoRA merged into the encoder (the un-merged
    # LoRA weights are kept as lora.pt, so `samocta2 train --init-lora BUNDLE` can go on)
    python -m samocta2 export --checkpoint runs/nano/checkpoint.pt --metrics runs/nano/eval/eval.json \\
        --out models/samocta2-nano
    # SAM 2.1 tiny-size random weights at 1024 px, for speed measurements
    python -m samocta2 export --size tiny --seed 0 --out .cache/samocta2-tiny-random
    # the same bundle's weights through this exporter (after an exporter fix), in place
    python -m samocta2 export --bundle models/samocta2-nano --out models/samocta2-nano
    # Meta's released SAM 2.1 weights (the size is read from the file) at 512 px, for speed
    python -m samocta2 export --model-checkpoint sam2.1_hiera_small.pt --image-size 512 \\
        --name sam2.1-small-512 --out models/sam2.1-small-512
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import torch

from ..errors import TrainerError
from ..model import SIZES, build_sam2_model, canonical_size


def register(subparsers: Any) -> None:
    """Add the `export` subcommand to samocta2's CLI."""
    p = subparsers.add_parser("export", help="ONNX model bundle (docs/model-bundle.md)")
    add_arguments(p)
    p.set_defaults(func=run)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, help="bundle folder to write")
    p.add_argument("--checkpoint", help="a samocta2 training checkpoint (LoRA is merged)")
    p.add_argument(
        "--bundle",
        help="re-export a bundle from its own weights (its base.pt + lora.pt) with this exporter, keeping its "
        "name, provenance and metrics; --out may be the same folder",
    )
    p.add_argument(
        "--size",
        type=canonical_size,
        choices=SIZES,
        help="base model size without --checkpoint (base+ = base_plus); default: the size "
        "--model-checkpoint was made for, else nano",
    )
    p.add_argument("--model-checkpoint", help="SAM 2.1 base weights sam2.1_hiera_*.pt (without --checkpoint)")
    p.add_argument("--image-size", type=int, help="input side in px, multiple of 32 (without --checkpoint)")
    p.add_argument("--seed", type=int, default=0, help="seed for random base weights (default 0)")
    p.add_argument("--fp16", action="store_true", help="float16 weights and math (positional encodings stay float32)")
    p.add_argument(
        "--quantize",
        choices=["int8", "fp16"],
        help="int8: MatMul/Gemm weights of the image encoder and memory attention (export/quantize.py); "
        "fp16: the same as --fp16",
    )
    p.add_argument("--name", help="bundle name in the manifest (default samocta2-<size>)")
    p.add_argument("--metrics", help="eval.json from `samocta2 eval` to record in the manifest")
    p.add_argument(
        "--with-base",
        action="store_true",
        help="also copy the base checkpoint into the bundle (base.pt), so `train --init-lora` needs nothing else",
    )
    p.add_argument("--config", help=argparse.SUPPRESS)  # read by load_model_for_eval


def _load(args: argparse.Namespace) -> tuple[torch.nn.Module, dict[str, Any], dict[str, Any] | None]:
    """The model to export (LoRA merged), the provenance entries describing it, and the
    training checkpoint it came from (None for base weights)."""
    if args.checkpoint:
        from ..checkpoint import load_checkpoint
        from ..evaluate import load_model_for_eval
        from ..lora import merge_lora
        from .bundle import sha256

        model, config, source = load_model_for_eval(args, torch.device("cpu"))
        model = merge_lora(model).eval()
        model.samocta2_size = config["model"]["size"]
        saved = load_checkpoint(args.checkpoint)
        step = saved.get("step")
        return model, {
            "weights": source,
            "checkpoint": str(args.checkpoint),
            "checkpoint_sha256": sha256(Path(args.checkpoint)),
            "base_checkpoint": config["model"].get("checkpoint"),
            "config": config,
            "training": {"data": config.get("data"), "steps": step, "seed": config["train"]["seed"]},
        }, saved
    # Released weights name their own size (sam2.1_hiera_small.pt needs no --size small).
    size = args.size or (None if args.model_checkpoint else "nano")
    torch.manual_seed(args.seed)
    model = build_sam2_model(size, args.model_checkpoint, args.image_size)
    size = model.samocta2_size
    weights = args.model_checkpoint or f"random, seed {args.seed}"
    from .bundle import sha256

    return model, {
        "weights": weights,
        "checkpoint": None,
        "base_checkpoint": args.model_checkpoint,
        # Random weights are rebuilt from this seed (bench/torch_track_bench.py times them in PyTorch).
        "random_seed": None if args.model_checkpoint else args.seed,
        # Which file it was: a released sam2.1_hiera_*.pt is recognised by its digest.
        "base_checkpoint_sha256": sha256(Path(args.model_checkpoint)) if args.model_checkpoint else None,
        "config": {"model": {"size": size, "image_size": model.image_size}},
        "training": None,
    }, None


def _metrics(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    try:
        metrics = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise TrainerError(f"--metrics {path}: not a readable JSON file ({exc})") from exc
    return with_protocol(metrics)


def with_protocol(metrics: Any) -> Any:
    """Every Table II result in `metrics` (one eval.json, or a mapping of named ones) names the
    protocol that made it; results written before `--protocol` existed were the project's."""
    from ..protocols import DEFAULT

    if isinstance(metrics, dict) and "sequence" in metrics:
        return {**metrics, "protocol": metrics.get("protocol", DEFAULT)}
    if isinstance(metrics, dict):
        return {key: with_protocol(value) for key, value in metrics.items()}
    return metrics


def run(args: argparse.Namespace) -> int:
    if args.bundle:
        return _re_export(args)
    metrics = _metrics(args.metrics)
    if metrics.get("task") == "enface" and args.checkpoint:
        from ..evaluate_enface import rows_of_checkpoint

        metrics = rows_of_checkpoint(metrics, args.checkpoint)
    started = time.perf_counter()
    model, provenance, saved = _load(args)
    from .bundle import retract_manifest, write_bundle
    from .bundle_lora import BASE_FILE, LORA_FILE, base_to_copy, write_bundle_lora

    # Bad input is refused before the folder changes (an older bundle there stays whole).
    if args.with_base and saved is None:
        raise TrainerError("--with-base needs --checkpoint (a training run whose base it copies)")
    if args.with_base:
        base_to_copy(saved)
    # Then, before any file changes: a killed export leaves no bundle, never a wrong one.
    retract_manifest(Path(args.out))
    if saved is not None:
        training = write_bundle_lora(saved, Path(args.out), with_base=args.with_base)
    else:
        training = None
        for stale in (LORA_FILE, BASE_FILE):  # not these weights' LoRA or base
            (Path(args.out) / stale).unlink(missing_ok=True)
    manifest = write_bundle(
        model,
        args.out,
        fp16=args.fp16 or args.quantize == "fp16",
        name=args.name,
        provenance=provenance,
        metrics=metrics,
        training=training,
        task=provenance["config"].get("data", {}).get("task", "sequence"),
    )
    if args.quantize == "int8":
        from .quantize import quantize_in_place

        manifest = quantize_in_place(args.out, "int8", name=args.name)
    total = sum(g["bytes"] for g in manifest["graphs"].values())
    print(
        json.dumps(
            {
                "event": "exported",
                "out": str(args.out),
                "size": manifest["model"]["size"],
                "image_size": manifest["model"]["image_size"],
                "bytes": total,
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
    )
    return 0


# Provenance keys write_bundle sets afresh for every export.
_EXPORT_KEYS = ("git_commit", "git_dirty", "versions", "command", "export_seconds")


def _re_export(args: argparse.Namespace) -> int:
    """`export --bundle`: the bundle's graphs made again from its base.pt + lora.pt, so that an
    exporter fix reaches a shipped bundle without its training checkpoint."""
    import shutil

    from ..lora import merge_lora
    from .bundle import MANIFEST, write_bundle
    from .bundle_lora import BASE_FILE, LORA_FILE, model_from_bundle

    if args.checkpoint or args.model_checkpoint or args.quantize or args.fp16 or args.with_base:
        raise TrainerError("--bundle re-exports a bundle as it is: it takes no other weights or precision options")
    source, out = Path(args.bundle), Path(args.out)
    try:
        old = json.loads((source / MANIFEST).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise TrainerError(f"--bundle {source}: no readable {MANIFEST} ({exc})") from exc
    if not (source / BASE_FILE).is_file():
        raise TrainerError(
            f"--bundle {source}: it has no {BASE_FILE}, so its weights cannot be rebuilt "
            "(export it from its training checkpoint instead: --checkpoint RUN/checkpoint.pt --with-base)"
        )
    started = time.perf_counter()
    model = merge_lora(model_from_bundle(source)).eval()  # checks lora.pt and base.pt against the manifest
    model.samocta2_size = old["training"]["lora"]["base"]["size"]
    out.mkdir(parents=True, exist_ok=True)
    if out.resolve() != source.resolve():
        for name in (LORA_FILE, BASE_FILE):
            shutil.copyfile(source / name, out / name)
    kept = {k: v for k, v in old.get("provenance", {}).items() if k not in _EXPORT_KEYS}
    manifest = write_bundle(
        model,
        out,
        name=args.name or old["name"],
        provenance={**kept, "re_exported_from": {"created": old.get("created"), "graphs": {
            k: g["sha256"] for k, g in old.get("graphs", {}).items()}}},
        metrics=old.get("metrics") or {},
        training=old.get("training"),
        task=old.get("task", "sequence"),
    )
    total = sum(g["bytes"] for g in manifest["graphs"].values())
    print(json.dumps({"event": "exported", "out": str(out), "from_bundle": str(source), "bytes": total,
                      "seconds": round(time.perf_counter() - started, 2)}))
    return 0
