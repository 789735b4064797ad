"""Probe (issue 13; nothing here trains or ships): does a visible-vessel region, fitted only on the
five sparse-annotation pairs, tell on which tracked layers a vessel is labelled?

OCTA-500's layer vessel labels are the en-face annotation cut by a region where annotators saw
large vessels (paper III.C); a quarter of the 10301_rv object-frames are layers where the vessel
is not labelled yet, and every method scores 0 there. The region here is three numbers:

    contrast  = max(0, smooth(layer, 1 px) - smooth(layer, 4 px))   # vessels above background
    density   = smooth(contrast, 20 px)                             # pixels at 304 px / 3 mm
    region    = density >= T * p99(density of the nearest prompted layer)

T is fitted on the sparse pairs (sigmas chosen by leave-one-out there). The gate: a tracked layer
keeps its mask only if at least half of the mask lies in the region; prompted layers are never
gated (the user's clicks say the vessel is visible there). Scored on the shared 10301 stacks
with the trainer's draws (baseline condition, seed 1234), for the classical baseline and, with
--bundle, a model bundle that carries its LoRA weights.

    PYTHONPATH=trainer .venv/bin/python models/samocta2-nano/recipe/probe_visibility.py \\
        --sparse ../shared/data/octa500/sparse --val .cache/real/val-rv [--bundle models/samocta2-nano]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image
from scipy import ndimage as ndi

SPARSE_PX = 304  # the sparse pairs' layers: 304 px over 3 mm
BACKGROUND_PX, DENSITY_PX = 4.0, 20.0
MIN_INSIDE = 0.5


def density(layer: np.ndarray, scale: float) -> np.ndarray:
    smooth = ndi.gaussian_filter(layer, scale)
    contrast = np.clip(smooth - ndi.gaussian_filter(layer, BACKGROUND_PX * scale), 0, None)
    return ndi.gaussian_filter(contrast, DENSITY_PX * scale)


def dice(a: np.ndarray, b: np.ndarray) -> float:
    return 2 * float((a & b).sum()) / max(float(a.sum() + b.sum()), 1.0)


def fit_threshold(sparse: Path) -> tuple[float, float]:
    """T that best reproduces the painted regions (mean Dice over the pairs), and that Dice."""
    pairs = []
    for layer_png in sorted(sparse.glob("*_layer.png")):
        layer = np.asarray(Image.open(layer_png).convert("L"), np.float64) / 255
        region = np.asarray(Image.open(str(layer_png).replace("_layer", "_region")).convert("L")) > 127
        d = density(layer, 1.0)
        pairs.append((d / np.percentile(d, 99), region))
    scores = {float(t): np.mean([dice(d >= t, r) for d, r in pairs]) for t in np.linspace(0.05, 0.9, 171)}
    best = max(scores, key=scores.__getitem__)
    return best, float(scores[best])


def gate(frames: np.ndarray, prompts: dict, masks: np.ndarray, threshold: float) -> np.ndarray:
    from samocta2.classical import nearest_prompted

    scale = frames.shape[2] / SPARSE_PX
    dens = [density(f.astype(np.float64), scale) for f in frames]
    prompted = sorted(prompts)
    out = masks.copy()
    for t in range(len(frames)):
        if t in prompts or not masks[t].any():
            continue
        region = dens[t] >= threshold * np.percentile(dens[nearest_prompted(t, prompted)], 99)
        if (masks[t] & region).sum() < MIN_INSIDE * masks[t].sum():
            out[t] = False
    return out


def main() -> None:
    import torch

    from samocta2.classical import classical_masks
    from samocta2.config import DEFAULTS
    from samocta2.data.sequences import SequenceSource, load_folder
    from samocta2.metrics import dice_jaccard
    from samocta2.train import BASELINE
    from samocta2.tracking import predict_masks

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sparse", type=Path, required=True)
    p.add_argument("--val", required=True, help="folder with 10301_rv's layers and labels")
    p.add_argument("--bundle", help="a bundle with lora.pt and base.pt")
    p.add_argument("--per-object", type=int, default=10)
    a = p.parse_args()
    threshold, fit = fit_threshold(a.sparse)
    print(f"T = {threshold:.3f} (sparse pairs' region Dice {fit:.3f})")
    model = None
    if a.bundle:
        from samocta2.export.bundle_lora import model_from_bundle

        model = model_from_bundle(a.bundle)
    source = SequenceSource(load_folder(a.val, "rv"), DEFAULTS["sampling"])
    scores: dict[str, list[float]] = {}
    for obj in range(len(source)):
        for rep in range(a.per_object):
            seq = source.draw(np.random.default_rng([1234, obj, rep]), obj, BASELINE, augment=False)
            methods = {"classical": classical_masks(seq.frames, seq.prompts, "rv")}
            if model is not None:
                with torch.no_grad():
                    methods["model"] = np.asarray(predict_masks(model, seq, torch.device("cpu")))
            for name, masks in list(methods.items()):
                methods[f"{name} + gate"] = gate(seq.frames, seq.prompts, masks, threshold)
            for name, masks in methods.items():
                for t, (pred, truth) in enumerate(zip(masks, seq.masks)):
                    kind = "prompted" if t in seq.prompts else "tracked, labelled" if truth.any() else "tracked, unlabelled"
                    d = dice_jaccard(pred, truth)[0]
                    scores.setdefault(f"{name} | all", []).append(d)
                    scores.setdefault(f"{name} | {kind}", []).append(d)
    for key in sorted(scores):
        print(f"{key:45s} {np.mean(scores[key]):.3f}  ({len(scores[key])} object-frames)")


if __name__ == "__main__":
    main()
