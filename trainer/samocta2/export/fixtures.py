"""Parity test vectors for the TypeScript tracker (test/fixtures/parity/).

The vectors belong to a reproducible random-weight nano bundle (seed 0; the object-score
head's last bias raised by PARITY_SCORE_BIAS so that most frames have the object present,
and some do not). Rebuild the bundle and the vectors with::

    python -m samocta2.export.fixtures --bundle-out .cache/samocta2-nano-parity \
        --vectors-out test/fixtures/parity
    npx prettier --write test/fixtures/parity/vectors.json   # the repo's JSON style

Files in the vectors folder:
  vectors.json                 cases, prompts, per-frame summaries, bundle sha256s
  <case>.layers.u8             raw layers, uint8 [T, rows, cols] row-major
  <case>.masks.bits            PyTorch masks at layer size, np.packbits of bool [T, rows, cols]
  <case>.lowres.f32            PyTorch low-res logits, float32 little-endian [T, 4H, 4W]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..model import build_sam2_model, build_sam2_video_predictor
from .bundle import write_bundle
from .preprocess import window_volume
from .reference import Bundle, Point, ReferenceTracker, Track
from .torch_track import torch_track

PARITY_SEED = 0
PARITY_SCORE_BIAS = 0.08

# (name, seed, frames, prompts {layer: [(x, y, label)]}); coordinates in layer pixels
CASES: list[tuple[str, int, int, dict[int, list[Point]]]] = [
    ("two-prompts", 3, 8, {2: [(24.0, 32.0, 1)], 6: [(32.0, 32.0, 1), (5.0, 5.0, 0)]}),
    ("first-layer", 5, 6, {0: [(20.0, 30.0, 1), (22.0, 34.0, 1), (50.0, 10.0, 0)]}),
]
ROWS = COLS = 64


def parity_model() -> torch.nn.Module:
    torch.manual_seed(PARITY_SEED)
    model = build_sam2_model("nano")
    with torch.no_grad():
        model.sam_mask_decoder.pred_obj_score_head.layers[-1].bias += PARITY_SCORE_BIAS
    return model


def synthetic_layers(seed: int, frames: int, rows: int = ROWS, cols: int = COLS) -> np.ndarray:
    """uint8 [T, rows, cols]: a bright vessel drifting across a noisy background."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:rows, 0:cols].astype(np.float32)
    out = []
    for z in range(frames):
        centre = 0.3 * cols + 0.03 * cols * z
        path = 0.5 * rows + 0.15 * rows * np.sin(xx / cols * 2 * np.pi + 0.2 * z)
        vessel = np.exp(-((yy - path) ** 2) / (2 * 2.5**2)) * (xx > centre - 0.25 * cols)
        layer = 60 + 15 * rng.standard_normal((rows, cols)) + 150 * vessel
        out.append(np.clip(layer, 0, 255))
    return np.stack(out).astype(np.uint8)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return 1.0 if union == 0 else float(np.logical_and(a, b).sum() / union)


def compare(ref: Track, torch_ref: Track, rows: int, cols: int) -> list[dict[str, Any]]:
    """Per-frame IoU of the masks at layer size and the largest low-res logit difference."""
    rows_out = []
    for frame in sorted(torch_ref.low_res):
        a = ref.layer_logits(frame, rows, cols) > 0
        b = torch_ref.layer_logits(frame, rows, cols) > 0
        diff = np.abs(ref.low_res[frame] - torch_ref.low_res[frame]).max()
        rows_out.append(
            {"layer": frame, "iou": iou(a, b), "max_logit_diff": float(diff),
             "area_onnx": int(a.sum()), "area_torch": int(b.sum())}
        )
    return rows_out


def run_case(bundle: Bundle, predictor: torch.nn.Module, seed: int, frames: int,
             prompts: dict[int, list[Point]]) -> tuple[np.ndarray, Track, Track]:
    raw = synthetic_layers(seed, frames)
    layers = window_volume(raw)
    ref = ReferenceTracker(bundle, layers).run(prompts)
    torch_ref = torch_track(predictor, layers, prompts)
    return raw, ref, torch_ref


def write_vectors(bundle_dir: Path, out: Path) -> dict[str, Any]:
    """Run every case with both trackers and write the vectors; returns vectors.json."""
    model = parity_model()
    predictor = build_sam2_video_predictor("nano")
    predictor.load_state_dict(model.state_dict())
    bundle = Bundle(bundle_dir)
    out.mkdir(parents=True, exist_ok=True)
    cases = []
    for name, seed, frames, prompts in CASES:
        raw, ref, torch_ref = run_case(bundle, predictor, seed, frames, prompts)
        t, rows, cols = raw.shape
        raw.tofile(out / f"{name}.layers.u8")
        masks = np.stack([torch_ref.layer_logits(f, rows, cols) > 0 for f in range(t)])
        np.packbits(masks.reshape(-1)).tofile(out / f"{name}.masks.bits")
        low = np.stack([torch_ref.low_res[f][0, 0] for f in range(t)]).astype("<f4")
        low.tofile(out / f"{name}.lowres.f32")
        cases.append({
            "name": name,
            "layers": {"file": f"{name}.layers.u8", "dtype": "uint8", "shape": [t, rows, cols]},
            "prompts": [
                {"layer": f, "points": [[x, y, label] for x, y, label in pts]}
                for f, pts in sorted(prompts.items())
            ],
            "order": torch_ref.order,
            "expected": {
                "masks": {"file": f"{name}.masks.bits", "encoding": "np.packbits, bool [T, rows, cols]"},
                "low_res_logits": {"file": f"{name}.lowres.f32", "dtype": "float32", "shape": list(low.shape)},
                "frames": [
                    {"layer": f, "object_score": round(torch_ref.scores[f], 6),
                     "mask_area": int(masks[f].sum())}
                    for f in range(t)
                ],
            },
            "onnx_reference": compare(ref, torch_ref, rows, cols),
        })
    vectors = {
        "about": "SAM-OCTA2 tracker parity vectors; see docs/model-bundle.md, 'Test vectors'",
        "bundle": {
            "recipe": "python -m samocta2.export.fixtures --bundle-out DIR "
                      f"(nano, seed {PARITY_SEED}, object-score bias +{PARITY_SCORE_BIAS})",
            "graph_sha256": {k: g["sha256"] for k, g in bundle.manifest["graphs"].items()},
        },
        "tolerance": {"min_iou": 0.99},
        "cases": cases,
    }
    (out / "vectors.json").write_text(json.dumps(vectors, indent=1) + "\n")
    return vectors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samocta2.export.fixtures", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundle-out", type=Path, required=True, help="where the test bundle goes")
    parser.add_argument("--vectors-out", type=Path, help="where the vectors go (omit: bundle only)")
    args = parser.parse_args(argv)
    write_bundle(parity_model(), args.bundle_out, name="samocta2-nano-parity",
                 provenance={"checkpoint": None, "weights": f"random, seed {PARITY_SEED}, "
                             f"object-score bias +{PARITY_SCORE_BIAS}", "training": None})
    if args.vectors_out:
        vectors = write_vectors(args.bundle_out, args.vectors_out)
        for case in vectors["cases"]:
            worst = min(r["iou"] for r in case["onnx_reference"])
            diff = max(r["max_logit_diff"] for r in case["onnx_reference"])
            print(f"{case['name']}: min IoU {worst:.4f}, max logit diff {diff:.2e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
