"""Pretrain every weight of the nano SAM 2.1 configuration on synthetic volumes, SAM 2's way.

The released SAM 2.1 sizes start from Meta's checkpoints; nano has none, so before the
paper's LoRA fine-tuning (which freezes everything but the encoder's LoRA) all of nano's
weights are trained here, from random, in two phases as SAM 2 itself is (images, then video):
1. --image-steps: batches of single prompted layers (pretrain_images.py), no memory;
2. then one layer sequence per step, tracked through sam2's own track_step
   (samocta2.tracking.track_sequence, gradients through the memory path); sequences mix the
   paper's draws, the evaluation condition and single clicks tracked past the object's ends
   (pretrain_draws.py).
Every frame gets SAM 2's training loss (pretrain_loss.py: focal + Dice on the best candidate
mask, the IoU head, the object score) on the mask decoder's raw outputs. Vessel (rv) and FAZ
objects are drawn by --targets weights. The result is a SAM 2-style checkpoint
({"model": state_dict}) that `samocta2 train --model-checkpoint` accepts.

    python models/samocta2-nano/recipe/pretrain_nano.py --data .cache/nano-data/train \\
        --steps 2000 --image-steps 800 --out .cache/nano-run/base.pt
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

from pretrain_draws import CLICK_STRIDES, KINDS, draw_sequence  # noqa: E402
from pretrain_images import image_step_loss  # noqa: E402
from pretrain_loss import IOU_LOSS, WEIGHTS, decoder_outputs, frame_loss  # noqa: E402
from samocta2.config import DEFAULTS, deep_merge  # noqa: E402
from samocta2.data.sequences import SequenceSource, load_folder  # noqa: E402
from samocta2 import prompt_prior  # noqa: E402
from samocta2.model import build_sam2_model  # noqa: E402
from samocta2.tracking import (  # noqa: E402
    frames_to_images,
    sequence_point_inputs,
    track_backbone,
    track_sequence,
)


def weights(text: str, known: tuple[str, ...]) -> dict[str, float]:
    """'rv:2,faz:1' -> {'rv': 2/3, 'faz': 1/3}."""
    pairs = dict((k, float(v)) for k, v in (item.split(":") for item in text.split(",")))
    unknown = set(pairs) - set(known)
    if unknown or not pairs:
        raise SystemExit(f"weights {text!r}: use name:weight pairs with names from {', '.join(known)}")
    total = sum(pairs.values())
    return {k: v / total for k, v in pairs.items()}


def sequence_step_loss(model, seq, backbone_out: dict | None = None) -> tuple[torch.Tensor, float]:
    """Mean frame loss of one tracked sequence and the mean Dice of the masks SAM 2 keeps.
    backbone_out: the frames' image features when already computed (pretrain_memory.py)."""
    with decoder_outputs(model) as (calls, iou_logits):
        point_inputs = sequence_point_inputs(seq, model.image_size, torch.device("cpu"))
        priors = prompt_prior.mask_inputs(model, seq.frames, seq.prompts, torch.device("cpu"))
        if backbone_out is None:
            images = frames_to_images(seq.frames, model.image_size, torch.device("cpu"))
            track_sequence(model, images, point_inputs, mask_inputs=priors)
        else:
            track_backbone(model, backbone_out, point_inputs, priors)
    # track_sequence runs the prompted frames first, then the others in depth order.
    order = sorted(seq.prompts) + [t for t in range(len(seq.frames)) if t not in seq.prompts]
    targets = torch.from_numpy(seq.masks).float()
    results = [frame_loss(calls[i], iou_logits[i], targets[t]) for i, t in enumerate(order)]
    loss = torch.stack([r[0] for r in results]).mean()
    return loss, float(np.mean([float(r[1]) for r in results]))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, nargs="+", help="folders of synthetic volumes (sam-octa2 synth)")
    p.add_argument("--out", type=Path, required=True, help="checkpoint to write ({'model': state_dict})")
    p.add_argument("--init", type=Path, help="start from this checkpoint instead of random weights")
    p.add_argument("--freeze", default="",
                   help="comma-separated modules or submodules (e.g. image_encoder, memory_encoder.pix_feat_proj) kept as they are")
    p.add_argument("--image-size", type=int, help="model input side in px (default: the nano config's 256)")
    p.add_argument("--local-attention", type=float, default=0,
                   help="re-set the first memory-attention layer's position lookup to this scale and keep it "
                        "(pretrain_memory.localize_memory_attention); 0 = leave that layer as it is")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--frames", default="3,6", help="sequence length range")
    p.add_argument("--targets", default="rv:3,faz:1", help="how often each object kind is drawn")
    p.add_argument("--click-strides", default="1,2", help="layer strides of click sequences (pretrain_draws.py)")
    p.add_argument("--kinds", default="paper:1,baseline:1,click:2", help="how often each draw kind is used")
    p.add_argument("--image-steps", type=int, default=0, help="first steps: batches of single prompted layers")
    p.add_argument("--image-share", type=float, default=0.0, help="after --image-steps, share of image steps")
    p.add_argument("--image-batch", type=int, default=8, help="layers per image step")
    p.add_argument("--image-single", type=float, default=0.5, help="share of image steps made of single clicks")
    p.add_argument("--same-layer", type=float, default=0.0,
                   help="share of image steps that prompt different vessels on one layer (pretrain_images.py)")
    p.add_argument("--dice-weight", type=float, default=1.0, help="Dice term's weight beside focal 20")
    p.add_argument("--iou-loss", choices=("bce", "l1"), default="bce", help="see pretrain_loss.py")
    p.add_argument("--save-every", type=int, default=100)
    p.add_argument("--stop-after", type=int, default=0, help="stop (and save) after this step; 0 = --steps")
    p.add_argument("--max-minutes", type=float, default=0, help="stop (and save) after this wall time; 0 = no limit")
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    IOU_LOSS["mode"] = args.iou_loss
    WEIGHTS["dice"] = args.dice_weight
    CLICK_STRIDES["choices"] = tuple(int(v) for v in args.click_strides.split(","))
    lo, hi = (int(v) for v in args.frames.split(","))
    sampling = deep_merge(DEFAULTS["sampling"], {"frames": [lo, hi]})
    target_w, kind_w = weights(args.targets, ("rv", "faz")), weights(args.kinds, KINDS)
    sources = {t: SequenceSource([c for d in args.data for c in load_folder(d, t)], sampling) for t in target_w}
    model = build_sam2_model("nano", image_size=args.image_size)
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location="cpu")["model"])
    if args.local_attention:
        from pretrain_memory import localize_memory_attention

        localize_memory_attention(model, args.local_attention)
    for name in filter(None, args.freeze.split(",")):
        model.get_submodule(name).requires_grad_(False)
    model.train()
    trained = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trained, lr=args.lr, weight_decay=0.01)
    warmup = min(50, args.steps // 10)

    def lr_at(step: int, elapsed_s: float) -> float:
        """Linear warm-up, then cosine decay to 5 %. With --max-minutes the decay follows
        whichever of steps and time is further along, so a run cut by time still ends low."""
        if step < warmup:
            return args.lr * (step + 1) / warmup
        t = (step - warmup) / max(1, args.steps - warmup)
        if args.max_minutes:
            t = max(t, elapsed_s / (60 * args.max_minutes))
        return args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, t))))

    args.out.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    recent: dict[str, list[float]] = {t: [] for t in [*target_w, "mixed"]}

    def save(step: int) -> None:
        tmp = args.out.with_suffix(".tmp")
        torch.save({"model": model.state_dict(), "step": step, "seed": args.seed}, tmp)
        tmp.replace(args.out)

    step = 0
    while step < args.steps:
        rng = np.random.default_rng([args.seed, step])
        lr = lr_at(step, time.monotonic() - started)
        for group in optimizer.param_groups:
            group["lr"] = lr
        optimizer.zero_grad(set_to_none=True)
        if step < args.image_steps or rng.random() < args.image_share:
            target, kind, frames = "mixed", "image", args.image_batch
            loss, dice = image_step_loss(
                model, rng, sources, target_w, args.image_batch, args.image_single, args.same_layer
            )
        else:
            target = str(rng.choice(list(target_w), p=list(target_w.values())))
            kind = str(rng.choice(list(kind_w), p=list(kind_w.values())))
            source = sources[target]
            length = int(rng.integers(lo, hi + 1))
            seq = draw_sequence(rng, source, int(rng.integers(len(source))), kind, length)
            frames = len(seq.frames)
            loss, dice = sequence_step_loss(model, seq)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trained, 1.0)
        optimizer.step()
        step += 1
        recent[target] = (recent[target] + [dice])[-50:]
        print(json.dumps({"event": "step", "step": step, "total": args.steps, "target": target, "kind": kind,
                          "frames": frames, "loss": round(loss.item(), 4), "dice": round(dice, 3),
                          **{f"dice50_{t}": round(float(np.mean(v)), 3) for t, v in recent.items() if v},
                          "lr": round(lr, 7),
                          "elapsed_s": round(time.monotonic() - started, 1)}), flush=True)
        if step % args.save_every == 0:
            save(step)
        if args.stop_after and step >= args.stop_after:
            break
        if args.max_minutes and time.monotonic() - started >= 60 * args.max_minutes:
            print(json.dumps({"event": "time limit", "step": step}), flush=True)
            break
    save(step)
    print(json.dumps({"event": "done", "out": str(args.out), "steps": step,
                      "elapsed_s": round(time.monotonic() - started, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
