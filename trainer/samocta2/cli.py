"""`python -m samocta2 <command>`: train, eval, import-octa500 (and export, registered below).

Exit codes: 0 done; 2 bad input (data, config, checkpoint, unwritable --out); 3 training stopped (NaN loss,
CUDA out of memory; the last good checkpoint stays); 130 interrupted (after saving); 1 a bug.
Failures also print {"event": "error", "message": ...} on stdout for the VS Code task.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any, Callable

from .errors import TrainerError
from .progress import Progress

# Other subcommands live in their own modules, each with `register(subparsers)` that adds a
# parser and sets `func` (called with the parsed args, returning an exit code).
EXTERNAL_COMMANDS: dict[str, str] = {
    "export": "samocta2.export.cli",
    "quantize": "samocta2.export.quantize",
    "region-train": "samocta2.region.train_cli",
    "region-predict": "samocta2.region.predict_cli",
    "sparse": "samocta2.sparse.cli",
}


def _train_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", help="experiment YAML (trainer/configs/*.yaml); defaults when omitted")
    p.add_argument("--data", help="training folder of NIfTI volumes + labels (data.train)")
    p.add_argument("--val-data", help="validation folder (data.val)")
    p.add_argument("--target", choices=["rv", "faz"], help="object kind (data.target)")
    p.add_argument(
        "--task",
        choices=["sequence", "enface"],
        help="layer sequences (Table II) or the three projection maps as one clip (Table I) (data.task)",
    )
    p.add_argument("--out", help="run folder: checkpoint.pt, config.yaml (train.out)")
    p.add_argument("--size", choices=["nano", "tiny", "small", "base_plus", "large"], help="model.size")
    p.add_argument("--model-checkpoint", help="SAM 2.1 base weights sam2.1_hiera_*.pt (model.checkpoint)")
    p.add_argument("--image-size", type=int, help="model input side in px, multiple of 32 (model.image_size)")
    p.add_argument("--steps", type=int, help="total optimizer steps (train.steps)")
    p.add_argument("--batch-size", type=int, help="sequences per forward/backward (train.batch_size)")
    p.add_argument("--grad-accum", type=int, help="forward/backward passes per step (train.grad_accum)")
    p.add_argument("--lr", type=float, help="AdamW learning rate (train.lr, paper 5e-6)")
    p.add_argument("--seed", type=int, help="train.seed")
    p.add_argument("--device", help="auto | cpu | cuda | cuda:N (train.device)")
    p.add_argument("--checkpoint-every", type=int, help="steps between checkpoints (train.checkpoint_every)")
    p.add_argument("--val-every", type=int, help="steps between validations, 0 = never (train.val_every)")
    p.add_argument("--bf16", action="store_true", default=None, help="bfloat16 autocast (GPU)")
    p.add_argument(
        "--activation-checkpointing",
        action="store_true",
        default=None,
        help="recompute the encoder in backward (GPU memory)",
    )
    p.add_argument(
        "--init-lora",
        metavar="BUNDLE_DIR",
        help="start from a model bundle's LoRA weights (its base model and LoRA settings apply; train.init_lora)",
    )
    p.add_argument("--resume", action="store_true", help="continue from <out>/checkpoint.pt")
    p.add_argument("--stop-after", type=int, help="stop (and save) after this many steps of this run")
    p.add_argument("--ddp", action="store_true", help="several processes under torchrun (LOCAL_RANK)")
    p.add_argument("--dry-run", action="store_true", help="print the plan (steps, epochs, memory estimate) and stop")
    p.add_argument("--gpu-memory", type=float, metavar="GIB", help="with --dry-run: say whether the run fits this GPU")
    p.add_argument("--gpus", type=int, default=1, help="with --dry-run: GPUs the run will use (torchrun)")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help="any config value, YAML-parsed; repeatable",
    )


FLAG_KEYS = {
    "data": "data.train",
    "val_data": "data.val",
    "target": "data.target",
    "task": "data.task",
    "out": "train.out",
    "size": "model.size",
    "model_checkpoint": "model.checkpoint",
    "image_size": "model.image_size",
    "steps": "train.steps",
    "batch_size": "train.batch_size",
    "grad_accum": "train.grad_accum",
    "lr": "train.lr",
    "seed": "train.seed",
    "device": "train.device",
    "checkpoint_every": "train.checkpoint_every",
    "val_every": "train.val_every",
    "bf16": "train.bf16",
    "activation_checkpointing": "train.activation_checkpointing",
    "init_lora": "train.init_lora",
}


def config_from_args(args: argparse.Namespace) -> dict[str, Any]:
    from .config import load_config, parse_assignment, set_value

    config = load_config(args.config)
    init_lora = getattr(args, "init_lora", None) or config["train"].get("init_lora")
    if init_lora:
        # The bundle's base model and LoRA settings come first; flags and --set may repeat
        # them, and training refuses ones that contradict the weights.
        from .export.bundle_lora import config_from_bundle, read_bundle_lora

        bundle = read_bundle_lora(init_lora)
        for key, value in config_from_bundle(bundle.entry, bundle.folder).items():
            if key == "model.checkpoint" and config["model"].get("checkpoint"):
                continue  # the config's own copy of the base; its sha256 is checked
            set_value(config, key, value)
    for attr, key in FLAG_KEYS.items():
        value = getattr(args, attr, None)
        if value is not None:
            set_value(config, key, value)
    for item in args.set:
        set_value(config, *parse_assignment(item))
    return config


def _run_train(args: argparse.Namespace) -> int:
    from .train import run_training

    if args.dry_run:
        from .plan import format_plan, training_plan

        config = config_from_args(args)
        if args.gpus < 1:
            raise TrainerError(f"--gpus must be at least 1, got {args.gpus}")
        print(format_plan(training_plan(config, args.gpus, args.gpu_memory), config), flush=True)
        return 0
    run_training(config_from_args(args), resume=args.resume, stop_after=args.stop_after, ddp=args.ddp)
    return 0


def _run_eval(args: argparse.Namespace) -> int:
    from .evaluate import run_eval_command

    return run_eval_command(args)


def _run_import(args: argparse.Namespace) -> int:
    from .data.octa500 import run_import_command

    return run_import_command(args)


def _run_projection_layers(args: argparse.Namespace) -> int:
    from .data.projection_layers import run_projection_layers_command

    return run_projection_layers_command(args)


def _unavailable(sub: Any, name: str, message: str) -> None:
    def fail(_args: argparse.Namespace) -> int:
        raise TrainerError(message)

    sub.add_parser(name, help=message).set_defaults(func=fail)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="samocta2", description="SAM-OCTA2 trainer")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="LoRA fine-tuning (JSON-lines progress on stdout)")
    _train_args(p)
    p.set_defaults(func=_run_train)

    p = sub.add_parser("eval", help="Dice/Jaccard: Table II conditions, or Table I (--task enface)")
    p.add_argument(
        "--checkpoint",
        action="append",
        help="a training checkpoint (its config builds the model); --task enface: one per Table I row",
    )
    p.add_argument(
        "--bundle",
        action="append",
        help="--task enface: a model bundle to score with its own weights (base + LoRA); repeatable",
    )
    p.add_argument("--config", help="experiment YAML, for a base model without --checkpoint")
    p.add_argument("--size", choices=["nano", "tiny", "small", "base_plus", "large"])
    p.add_argument("--model-checkpoint", help="SAM 2.1 base weights (without --checkpoint)")
    p.add_argument("--image-size", type=int)
    p.add_argument(
        "--classical-only",
        action="store_true",
        help="score only the classical baseline (no model; --config still sets sampling and seed)",
    )
    p.add_argument(
        "--data",
        required=True,
        action="append",
        help="folder of NIfTI volumes + labels; --task enface: of projection clips, repeatable (3M, 6M)",
    )
    p.add_argument("--target", choices=["rv", "faz"])
    p.add_argument(
        "--task",
        choices=["sequence", "enface"],
        default="sequence",
        help="layer sequences (Table II) or the projection clips of the en-face task (Table I)",
    )
    p.add_argument("--conditions", choices=["table2", "baseline"], default="table2")
    p.add_argument(
        "--protocol",
        choices=["project", "paper"],
        default="project",
        help="Table II conventions: the authors' (paper) or this project's (default); docs/evaluation.md",
    )
    p.add_argument("--sequences-per-object", type=int)
    p.add_argument("--seed", type=int)
    p.add_argument("--device", default="auto")
    p.add_argument("--out", help="folder for eval.json and eval.md")
    p.set_defaults(func=_run_eval)

    p = sub.add_parser("import-octa500", help="OCTA-500 release layout -> NIfTI volumes and labels")
    p.add_argument("src", help="OCTA-500 folder (holding OCTA_3M/OCTA_6M) or one of them")
    p.add_argument("dst", help="output folder (one subfolder per split)")
    p.add_argument("--ids", help="comma-separated ids (default: all found)")
    p.add_argument("--no-split", action="store_true", help="write all cases into DST directly")
    p.set_defaults(func=_run_import)

    p = sub.add_parser(
        "projection-layers", help="layer-like training stacks from OCTA-500 projections, boundaries and labels"
    )
    p.add_argument("src", help="OCTA-500 folder (holding OCTA_3M/OCTA_6M) or one of them")
    p.add_argument("dst", help="output folder")
    p.add_argument("--exclude", help="comma-separated ids to leave out (e.g. validation subjects)")
    p.add_argument("--rv-stacks", type=int, default=8, help="vessel stacks per subject (default 8)")
    p.add_argument("--faz-stacks", type=int, default=4, help="FAZ stacks per subject (default 4)")
    p.add_argument("--layers", type=int, default=12, help="layers per stack (default 12)")
    p.add_argument("--sides", default="512,512,304", help="en-face sizes to draw from (default 512,512,304)")
    p.add_argument("--vessel-dilation", type=int, default=1,
                   help="grow vessel labels by this many pixels per side at the annotation's resolution (default 1)")
    p.add_argument("--faz-window", choices=("label", "floor", "enface", "disc", "disc-floor"), default="label",
                   help="FAZ stack depths: the 3D label's whole range, or from the foveal pit's floor to the "
                        "label's bottom, as OCTA-500's layer stacks; or enface: the projection with the "
                        "en-face FAZ on every layer; or disc: the capillary mesh lit in a narrowing disc "
                        "around the en-face FAZ; or disc-floor: those layers labelled with the 3D FAZ from the "
                        "pit's floor to the label's bottom (default label)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=_run_projection_layers)

    for name, module in EXTERNAL_COMMANDS.items():
        try:
            register: Callable[[Any], None] = importlib.import_module(module).register
        except ModuleNotFoundError as exc:
            # A missing optional part (e.g. onnx for export) must not break the other commands.
            _unavailable(sub, name, f"'{name}' is unavailable: {exc} (pip install -e trainer[export])")
            continue
        register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    progress = Progress()
    try:
        return int(args.func(args) or 0)
    except TrainerError as exc:
        progress.emit("error", message=str(exc))
        progress.log(f"error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        # Before training started (or a second Ctrl-C): nothing new to save.
        progress.emit("error", message="interrupted")
        return 130
    except Exception as exc:
        # Model building errors (samocta2.model.ModelError) are bad input too.
        if type(exc).__name__ == "ModelError":
            progress.emit("error", message=str(exc))
            progress.log(f"error: {exc}")
            return 2
        progress.emit("error", message=f"{type(exc).__name__}: {exc}")
        raise


if __name__ == "__main__":
    sys.exit(main())
