"""Teach nano's prompt encoder and mask decoder to use where the click is, the image encoder frozen.

After the first pretraining (pretrain_nano.py) nano's masks did not depend on the click at all:
on a vessel layer it returned the layer's most salient vessels wherever it was clicked (the
FAZ, one per layer, never asks for the location). Trained end to end at about 3 steps a second
on a CPU, nothing changed in 1 000 steps. Here the encoder's outputs are computed once for
many layers (and their transposes), so a step costs only the small heads: thousands of steps
in minutes. Most steps put several single clicks (or point sets) on different vessels of one
layer, so the same image must give a different mask per click; the rest are FAZ items, so the
FAZ is not forgotten. The loss is SAM 2's (pretrain_loss.py). Everything but the two heads is
copied unchanged into the output checkpoint.

    python models/samocta2-nano/recipe/pretrain_decoder.py --data .cache/nano-data/train \\
        --init .cache/nano-run/base-c.pt --minutes 12 --out .cache/nano-run/base-d.pt
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2] / "trainer"))
sys.path.insert(0, str(HERE))

from pretrain_images import prompted_heads_loss  # noqa: E402
from pretrain_loss import WEIGHTS  # noqa: E402
from samocta2 import prompts  # noqa: E402
from samocta2.config import DEFAULTS  # noqa: E402
from samocta2.data.sequences import load_folder  # noqa: E402
from samocta2.model import build_sam2_model  # noqa: E402
from samocta2.tracking import frames_to_images, project_encoder_output  # noqa: E402


class Layer:
    """One layer (or its transpose): the encoder's outputs (float16) and its object labels."""

    def __init__(self, fpn: list[torch.Tensor], pos: list[torch.Tensor], labels: np.ndarray):
        self.fpn, self.pos, self.labels = fpn, pos, labels
        ids = np.unique(labels)
        self.ids = ids[ids > 0]


@torch.no_grad()
def encode_layers(model, cases, per_case: int, rng: np.random.Generator, min_objects: int) -> list[Layer]:
    """Encoder outputs of up to `per_case` layers per volume that show >= min_objects objects."""
    out: list[Layer] = []
    for case in cases:
        counts = np.array([len(np.unique(lab)) - 1 for lab in case.labels])
        layers = np.nonzero(counts >= min_objects)[0]
        if len(layers) == 0:
            continue
        chosen = rng.choice(layers, size=min(per_case, len(layers)), replace=False)
        for k in chosen:
            for transpose in (False, True):
                frame, labels = case.frames[k], case.labels[k]
                if transpose:
                    frame, labels = frame.T, labels.T
                img = frames_to_images(np.ascontiguousarray(frame)[None], model.image_size, torch.device("cpu"))
                enc = model.image_encoder(img)
                out.append(Layer([f.half() for f in enc["backbone_fpn"]], [p.half() for p in enc["vision_pos_enc"]],
                                 np.ascontiguousarray(labels)))
    return out


def step_loss(model, layers: list[Layer], picks: list[tuple[int, int]], single: bool, rng, sampling):
    """picks: (layer index, object id) per item. Mean frame loss and mean Dice of kept masks."""
    fpn = [torch.cat([layers[i].fpn[lvl] for i, _ in picks]).float() for lvl in range(3)]
    pos = [torch.cat([layers[i].pos[lvl] for i, _ in picks]).float() for lvl in range(3)]
    backbone_out = project_encoder_output(model, {"backbone_fpn": fpn, "vision_pos_enc": pos})
    _, feats, pos_flat, sizes = model._prepare_backbone_features(backbone_out)
    items = []
    for i, obj in picks:
        m = layers[i].labels == obj
        n_pos, n_neg = (1, 0) if single else (int(rng.integers(1, 11)), int(rng.integers(0, 7)))
        c, lab = prompts.frame_prompt(rng, m, n_pos, n_neg, int(sampling["gap"]), int(sampling["ring_width"]))
        items.append((m, c, lab))
    return prompted_heads_loss(model, feats, pos_flat, sizes, items)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, nargs="+", help="folders of synthetic volumes (sam-octa2 synth)")
    p.add_argument("--init", type=Path, required=True, help="nano checkpoint to start from")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--steps", type=int, default=100000)
    p.add_argument("--minutes", type=float, default=12, help="wall-time limit; the lr decays by time")
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--faz-share", type=float, default=0.2)
    p.add_argument("--single", type=float, default=0.6, help="share of steps made of single clicks")
    p.add_argument("--layers-per-volume", type=int, default=24)
    p.add_argument("--dice-weight", type=float, default=10.0)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    WEIGHTS["dice"] = args.dice_weight
    sampling = DEFAULTS["sampling"]
    model = build_sam2_model("nano")
    model.load_state_dict(torch.load(args.init, map_location="cpu")["model"])
    model.eval()  # the frozen encoder's dropout/drop-path stay off
    started = time.monotonic()
    rv = encode_layers(model, [c for d in args.data for c in load_folder(d, "rv")], args.layers_per_volume, rng, 2)
    faz = encode_layers(model, [c for d in args.data for c in load_folder(d, "faz")], 3, rng, 1)
    print(json.dumps({"event": "encoded", "rv_layers": len(rv), "faz_layers": len(faz),
                      "elapsed_s": round(time.monotonic() - started, 1)}), flush=True)
    model.train()
    heads = list(model.sam_mask_decoder.parameters()) + list(model.sam_prompt_encoder.parameters())
    for param in model.parameters():
        param.requires_grad_(False)
    for param in heads:
        param.requires_grad_(True)
    optimizer = torch.optim.AdamW(heads, lr=args.lr, weight_decay=0.01)
    t0 = time.monotonic()
    recent: dict[str, list[float]] = {"rv": [], "faz": []}
    step = 0
    while step < args.steps and time.monotonic() - t0 < 60 * args.minutes:
        t = min(1.0, (time.monotonic() - t0) / (60 * args.minutes))
        lr = args.lr * min(1.0, (step + 1) / 50) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t)))
        for group in optimizer.param_groups:
            group["lr"] = lr
        single = bool(rng.random() < args.single)
        if rng.random() < args.faz_share:
            kind, pool = "faz", faz
            picks = [(i, int(pool[i].ids[0])) for i in rng.integers(len(pool), size=args.batch)]
        else:
            kind, pool = "rv", rv
            i = int(rng.integers(len(pool)))
            ids = rng.permutation(pool[i].ids)
            picks = [(i, int(ids[b % len(ids)])) for b in range(args.batch)]
        optimizer.zero_grad(set_to_none=True)
        loss, dice = step_loss(model, pool, picks, single, rng, sampling)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(heads, 1.0)
        optimizer.step()
        step += 1
        recent[kind] = (recent[kind] + [dice])[-100:]
        if step % 25 == 0:
            print(json.dumps({"event": "step", "step": step, "loss": round(loss.item(), 4), "lr": round(lr, 7),
                              **{f"dice100_{k}": round(float(np.mean(v)), 3) for k, v in recent.items() if v},
                              "elapsed_s": round(time.monotonic() - started, 1)}), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    torch.save({"model": model.state_dict(), "step": step, "seed": args.seed}, tmp)
    tmp.replace(args.out)
    print(json.dumps({"event": "done", "out": str(args.out), "steps": step,
                      "elapsed_s": round(time.monotonic() - started, 1)}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
