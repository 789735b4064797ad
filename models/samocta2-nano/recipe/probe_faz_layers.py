"""Probe (issue 13; nothing here trains or ships): where on the FAZ stack does a model lose to the
classical baseline? Per volume layer of the shared 10301_faz stack, the label's area and the mean
Dice of a model bundle and of the baseline, split into prompted and tracked frames, on the
trainer's draws (baseline condition, seed 1234, 20 sequences), through the trainer's PyTorch
tracker. It ends with the ceiling of any mix of the two: each layer scored by whichever of them
is better there; with two answers that need no label: the threshold's region carved at the
negative points inside it (prompt_prior.carve_region), and a switch, the threshold's region
(side from the points, as the dense prompt's) where no negative point lies inside it, else the
model. Every frame uses its own points or the nearest prompted frame's, as the baseline does.

    PYTHONPATH=trainer .venv/bin/python models/samocta2-nano/recipe/probe_faz_layers.py \\
        --val .cache/real/val-faz [--bundle models/samocta2-nano | --checkpoint .cache/nano-f/base-f2.pt]

`--val` is a folder holding 10301_faz.nii.gz and 10301_faz.label.nii.gz (symlinks to
../shared/data/octa500/layers, docs/evaluation.md).
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import numpy as np
import torch

from scipy import ndimage as ndi

from samocta2.classical import AUTO, SIGMA_PX, classical_masks, frame_mask, nearest_prompted, point_pixels
from samocta2.config import DEFAULTS
from samocta2.data.sequences import SequenceSource, load_folder
from samocta2.evaluate import condition_sequences, table2_conditions
from samocta2.export.bundle_lora import model_from_bundle
from samocta2.metrics import dice_jaccard
from samocta2.model import build_sam2_model
from samocta2.prompt_prior import carve_region
from samocta2.prompt_prior import enable as enable_prior
from samocta2.protocols import PROTOCOLS
from samocta2.tracking import predict_masks


Row = tuple[int, bool, int, float, float, int, int, float, float]


def model_from_checkpoint(path: str) -> torch.nn.Module:
    """A 256 px nano from a pretrain_memory.py checkpoint, taking the dense prompt when it was
    trained with one (the checkpoint's own point_prior / carry_prior / carve_prior flags), and
    choosing among the decoder's candidates up to the checkpoint's multimask_max_points."""
    model = build_sam2_model("nano", checkpoint=path, image_size=256)
    saved = torch.load(path, map_location="cpu")
    if saved.get("point_prior"):
        enable_prior(model, carry=bool(saved.get("carry_prior")), carve=bool(saved.get("carve_prior")))
    model.multimask_max_pt_num = int(saved.get("multimask_max_points", model.multimask_max_pt_num))
    return model.eval()


def frame_scores(model, val: str, seed: int, per_object: int) -> list[Row]:
    """(volume layer, prompted, label area, model Dice, classical Dice, model area, classical
    area, carved classical Dice, switch Dice) per object-frame of a nano model in eval mode
    (model_from_bundle or model_from_checkpoint)."""
    source = SequenceSource(load_folder(val, "faz"), DEFAULTS["sampling"])
    _, _, draw = table2_conditions("baseline")[0]
    rows = []
    for seq in condition_sequences(source, "faz", draw, seed, per_object, PROTOCOLS["project"], model.image_size):
        model_masks = predict_masks(model, seq, "cpu")
        baseline = classical_masks(seq.frames, seq.prompts, "faz")
        for t, truth in enumerate(seq.masks):
            coords, labels = seq.prompts[nearest_prompted(t, sorted(seq.prompts))]
            smoothed = ndi.gaussian_filter(np.asarray(seq.frames[t], np.float32), SIGMA_PX)
            region = frame_mask(smoothed, coords, labels, AUTO)
            r, c = point_pixels(coords, region.shape)
            whole = region.any() and not region[r[labels == 0], c[labels == 0]].any()
            rows.append((
                seq.layers[t], t in seq.prompts, int(truth.sum()),
                dice_jaccard(model_masks[t], truth, 1.0)[0], dice_jaccard(baseline[t], truth, 1.0)[0],
                int(model_masks[t].sum()), int(baseline[t].sum()),
                dice_jaccard(carve_region(baseline[t], coords, labels), truth, 1.0)[0],
                dice_jaccard(region if whole else model_masks[t], truth, 1.0)[0],
            ))  # fmt: skip
    return rows


def report(rows: list[Row]) -> str:
    def mean(values: list[float]) -> str:
        return f"{np.mean(values):.3f}" if values else "-"

    lines = ["| layer | label px | prompted: n, model, classical | tracked: n, model, classical |", "|---|---|---|---|"]
    by_layer: dict[int, list] = defaultdict(list)
    for row in rows:
        by_layer[row[0]].append(row)
    ceiling = 0.0
    for layer in sorted(by_layer):
        frames = by_layer[layer]
        cells = []
        for prompted in (True, False):
            part = [r for r in frames if r[1] == prompted]
            cells.append(f"{len(part)}, {mean([r[3] for r in part])}, {mean([r[4] for r in part])}")
        ceiling += len(frames) * max(np.mean([r[3] for r in frames]), np.mean([r[4] for r in frames]))
        lines.append(f"| {layer} | {frames[0][2]} | {cells[0]} | {cells[1]} |")
    model, classical = np.mean([r[3] for r in rows]), np.mean([r[4] for r in rows])
    lines.append(f"\nall {len(rows)} object-frames: model {model:.3f}, classical {classical:.3f}; "
                 f"the better of the two on each layer {ceiling / len(rows):.3f}; mean area (px): label "
                 f"{np.mean([r[2] for r in rows]):,.0f}, model {np.mean([r[5] for r in rows]):,.0f}, "
                 f"classical {np.mean([r[6] for r in rows]):,.0f}; carved classical "
                 f"{np.mean([r[7] for r in rows]):.3f}; the switch {np.mean([r[8] for r in rows]):.3f}")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--val", required=True)
    which = p.add_mutually_exclusive_group()
    which.add_argument("--bundle", default="models/samocta2-nano")
    which.add_argument("--checkpoint", help="a pretrain_memory.py checkpoint (make_faz.sh's base-f*.pt)")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--sequences-per-object", type=int, default=20)
    p.add_argument("--multimask-max-points", type=int,
                   help="prompted layers with up to this many points choose among the decoder's three candidates by "
                        "its IoU head (default: as the model was trained)")
    args = p.parse_args()
    model = model_from_checkpoint(args.checkpoint) if args.checkpoint else model_from_bundle(args.bundle)
    if args.multimask_max_points is not None:
        model.multimask_max_pt_num = args.multimask_max_points
    print(report(frame_scores(model, args.val, args.seed, args.sequences_per_object)))


if __name__ == "__main__":
    main()
