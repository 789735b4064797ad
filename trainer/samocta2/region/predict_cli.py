"""`python -m samocta2 region-predict`: predicted vessel regions for the editor's review."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("region-predict", help="predict the vessel region on every non-blank layer")
    p.add_argument("inputs", nargs="+", type=Path, help="volumes (.nii.gz, .nii) or folders of them")
    p.add_argument("--checkpoint", required=True, help="a region-train checkpoint.pt")
    p.add_argument("--out", type=Path, help="output folder (default: beside each volume)")
    p.add_argument(
        "--axis",
        choices=["auto", "i", "j", "k"],
        help="depth axis (default: the <name>.regions.json sidecar's, else auto as the editor)",
    )
    p.add_argument("--layers", help="layers to predict, e.g. 3,5,10-20 (default: the non-blank ones)")
    p.add_argument("--blank-threshold", type=float, help="screening threshold, fraction of a layer (0.002)")
    p.add_argument("--sigma", type=float, help="Gaussian smoothing in px, 0 = none (2)")
    p.add_argument("--overlap", type=float, help="sliding-window tile overlap 0..1 (0.25)")
    p.add_argument("--device", default="auto", help="auto | cpu | cuda | cuda:N")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .predict import run_region_prediction

    run_region_prediction(
        args.checkpoint,
        args.inputs,
        out=args.out,
        axis=args.axis,
        layers=args.layers,
        blank_threshold=args.blank_threshold,
        sigma=args.sigma,
        overlap=args.overlap,
        device=args.device,
    )
    return 0
