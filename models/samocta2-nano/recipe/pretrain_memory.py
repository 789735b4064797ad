"""Teach nano's memory path to carry a clicked object from layer to layer, the image encoder frozen.

Not part of the shipped bundle and not in make.sh yet: its object score does not yet tell a
tracked layer with the vessel from one without (see the model card, "Why the track drops a
vessel").

After phase e, tracked layers came out empty: a single click gave the clicked vessel on its
layer, and on every other layer the object score sat at the same negative value. "Absent
everywhere" had become the cheapest answer, since phase e's click sequences used layer strides
up to 8 and so ran mostly past the vessel's ends. Each of those steps also ran the image
encoder on every frame (about 1 s a step), so only a few thousand short sequences fitted.

Here, as pretrain_decoder.py does for the heads, the frozen encoder's outputs are computed once
for every layer of every training volume (and of its transpose, a second view of the same
vessels), so a step costs only the memory path and the heads: longer sequences, many more of
them. Sequences are mostly the editor's use (one click where the object is large, consecutive
layers around it, so most frames hold the object and a few lie past its ends), with some of the
paper's evaluation condition and FAZ sequences so neither is forgotten. Loss: SAM 2's
(pretrain_loss.py) on every frame. The encoder's weights are copied unchanged to the output.

Two faults of the earlier phases (measured on the shipped base.pt) are addressed here:
- the memory features' norm had grown to about 1 000, which made memory attention a hard
  one-token lookup (rescale_memory, and a penalty that keeps the norm near --memory-norm);
- the object-score MLP answered the same on every tracked layer, vessel or not: on tracked
  layers only 8-9 of its 128 first-layer units were active (ReLU), so it hardly learned from
  them. --reinit-score-head gives it fresh weights (so far it has not learned to tell them
  apart either; --score-weight 3 closed every track, 10 kept every layer).

    python models/samocta2-nano/recipe/pretrain_memory.py --data .cache/nano-data/train \\
        --init .cache/nano-run/base-e3.pt --minutes 30 --out .cache/nano-run/base.pt
"""

from __future__ import annotations

import argparse
import dataclasses
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

from pretrain_draws import BASELINE, CLICK_STRIDES, draw_click  # noqa: E402
from pretrain_loss import WEIGHTS  # noqa: E402
from pretrain_nano import sequence_step_loss, weights  # noqa: E402
from samocta2.config import DEFAULTS, deep_merge  # noqa: E402
from samocta2.data.sequences import Sequence, SequenceSource, load_folder  # noqa: E402
from samocta2.data.volumes import Case  # noqa: E402
from samocta2.model import build_sam2_model  # noqa: E402
from samocta2.tracking import frames_to_images, project_encoder_output  # noqa: E402

KINDS = ("click", "baseline")


def with_transposes(cases: list[Case]) -> list[Case]:
    """Each case and its transpose (named '<name>^T'): the same vessels seen another way."""
    flipped = [
        dataclasses.replace(
            c,
            name=f"{c.name}^T",
            frames=np.ascontiguousarray(c.frames.transpose(0, 2, 1)),
            labels=np.ascontiguousarray(c.labels.transpose(0, 2, 1)),
        )
        for c in cases
    ]
    return cases + flipped


class FeatureCache:
    """The image encoder's outputs for every layer of every case, float16, by case name."""

    def __init__(self) -> None:
        self.fpn: dict[str, list[torch.Tensor]] = {}  # name -> per level (K, C, h, w)
        self.pos: list[torch.Tensor] = []  # per level (1, C, h, w): the same for every layer

    @torch.no_grad()
    def add(self, model, case: Case, batch: int = 16) -> None:
        if case.name in self.fpn:
            return
        levels: list[list[torch.Tensor]] = []
        for start in range(0, len(case.frames), batch):
            images = frames_to_images(case.frames[start : start + batch], model.image_size, torch.device("cpu"))
            out = model.image_encoder(images)
            levels.append([f.half() for f in out["backbone_fpn"]])
            if not self.pos:
                self.pos = [p[:1].clone() for p in out["vision_pos_enc"]]
        self.fpn[case.name] = [torch.cat([chunk[i] for chunk in levels]) for i in range(len(levels[0]))]

    def backbone_out(self, model, case: str, layers: list[int]) -> dict:
        """What SAM2Base.forward_image returns for these layers (its decoder projections included)."""
        fpn = [level[layers].float() for level in self.fpn[case]]
        pos = [p.expand(len(layers), -1, -1, -1) for p in self.pos]
        return project_encoder_output(model, {"backbone_fpn": fpn, "vision_pos_enc": pos})


def draw(rng: np.random.Generator, source: SequenceSource, kind: str, length: int) -> Sequence:
    """A sequence without augmentation (the cached features are of the unaltered layers)."""
    index = int(rng.integers(len(source)))
    if kind == "click":
        return draw_click(rng, source, index, length)
    return source.draw(rng, index, BASELINE, augment=False)


@torch.no_grad()
def rescale_memory(model, cache: FeatureCache, source: SequenceSource, target_norm: float) -> float:
    """Scale the memory encoder's output projection so its features' mean norm is target_norm,
    unless it is within 2x of it already. Returns the norm found.

    Phases a-e let that norm grow to about 1 000 (the object pointers' is about 13): memory
    attention then put all its weight on one memory token per query and none on the pointers,
    so a tracked layer's features were overwritten by one memory value and the masks came out
    the same wherever the vessel was.
    """
    norms: list[float] = []
    hook = model.memory_encoder.register_forward_hook(
        lambda _m, _i, out: norms.append(float(out["vision_features"].norm(dim=1).mean()))
    )
    try:
        for i in range(8):
            seq = draw(np.random.default_rng([7, i]), source, "click", 2)
            sequence_step_loss(model, seq, cache.backbone_out(model, seq.case, list(seq.layers)))
    finally:
        hook.remove()
    found = float(np.mean(norms))
    if found < 2 * target_norm:  # already in range (a checkpoint of this phase)
        return found
    proj = model.memory_encoder.out_proj
    proj.weight.mul_(target_norm / found)
    proj.bias.mul_(target_norm / found)
    return found


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, nargs="+", help="folders of synthetic volumes (sam-octa2 synth)")
    p.add_argument("--init", type=Path, required=True, help="nano checkpoint to start from")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--minutes", type=float, default=30, help="wall-time limit; the lr decays by time")
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--frames", default="6,12", help="length range of click sequences")
    p.add_argument("--click-strides", default="1,1,1,2", help="layer strides of click sequences (drawn evenly)")
    p.add_argument("--targets", default="rv:4,faz:1", help="how often each object kind is drawn")
    p.add_argument("--kinds", default="click:3,baseline:1", help="how often each sequence kind is drawn")
    p.add_argument("--dice-weight", type=float, default=10.0, help="Dice term's weight beside focal 20")
    p.add_argument("--save-every", type=int, default=200)
    p.add_argument("--stop-after", type=int, default=0, help="stop (and save) after this step; 0 = time only")
    p.add_argument("--memory-norm", type=float, default=0, help="rescale memory features to this mean norm; 0 = keep")
    p.add_argument("--score-weight", type=float, default=1.0, help="object score loss weight (sam2: 1)")
    p.add_argument("--reinit-score-head", action="store_true",
                   help="fresh weights for the object-score MLP (see the docstring)")
    p.add_argument("--norm-penalty", type=float, default=1e-3, help="weight of the memory-norm penalty")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    WEIGHTS["dice"] = args.dice_weight
    WEIGHTS["score"] = args.score_weight
    CLICK_STRIDES["choices"] = tuple(int(v) for v in args.click_strides.split(","))
    lo, hi = (int(v) for v in args.frames.split(","))
    # No flips or rotations: the cached features are of the layers as they are.
    sampling = deep_merge(DEFAULTS["sampling"], {"hflip": 0.0, "max_rotation_deg": 0.0})
    target_w, kind_w = weights(args.targets, ("rv", "faz")), weights(args.kinds, KINDS)
    sources = {
        t: SequenceSource(with_transposes([c for d in args.data for c in load_folder(d, t)]), sampling)
        for t in target_w
    }
    model = build_sam2_model("nano")
    model.load_state_dict(torch.load(args.init, map_location="cpu")["model"])
    model.eval()  # the frozen encoder's dropout/drop-path stay off while caching
    started = time.monotonic()
    cache = FeatureCache()
    for source in sources.values():
        for case in source.cases:
            cache.add(model, case)
    layers = sum(len(v[0]) for v in cache.fpn.values())
    print(json.dumps({"event": "encoded", "layers": layers, "elapsed_s": round(time.monotonic() - started, 1)}),
          flush=True)

    if args.memory_norm:
        found = rescale_memory(model, cache, sources["rv" if "rv" in sources else "faz"], args.memory_norm)
        rescaled = found >= 2 * args.memory_norm
        print(json.dumps({"event": "memory norm", "found": round(found, 1),
                          "rescaled_to": args.memory_norm if rescaled else None}), flush=True)
    if args.reinit_score_head:
        for layer in model.sam_mask_decoder.pred_obj_score_head.layers:
            layer.reset_parameters()
    model.train()
    model.image_encoder.requires_grad_(False)
    model.image_encoder.eval()
    trained = [q for q in model.parameters() if q.requires_grad]
    optimizer = torch.optim.AdamW(trained, lr=args.lr, weight_decay=0.01)

    def save(step: int) -> None:
        tmp = args.out.with_suffix(".tmp")
        torch.save({"model": model.state_dict(), "step": step, "seed": args.seed}, tmp)
        tmp.replace(args.out)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    recent: dict[str, list[float]] = {}
    # The memory features' norms of the current step (a copy: sam2 then changes them in place),
    # kept near --memory-norm by a penalty (left free, Adam grew them back from 10 to 300 within
    # 300 steps; see rescale_memory) and logged.
    step_norms: list[torch.Tensor] = []
    mem_norms: list[float] = []
    model.memory_encoder.register_forward_hook(
        lambda _m, _i, out: step_norms.append(out["vision_features"].clone().norm(dim=1).mean())
    )
    step = 0
    while time.monotonic() - t0 < 60 * args.minutes:
        rng = np.random.default_rng([args.seed, step])
        t = min(1.0, (time.monotonic() - t0) / (60 * args.minutes))
        lr = args.lr * min(1.0, (step + 1) / 50) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t)))
        for group in optimizer.param_groups:
            group["lr"] = lr
        target = str(rng.choice(list(target_w), p=list(target_w.values())))
        kind = str(rng.choice(list(kind_w), p=list(kind_w.values())))
        seq = draw(rng, sources[target], kind, int(rng.integers(lo, hi + 1)))
        optimizer.zero_grad(set_to_none=True)
        step_norms.clear()
        loss, dice = sequence_step_loss(model, seq, cache.backbone_out(model, seq.case, list(seq.layers)))
        norms = torch.stack(step_norms)
        mem_norms.append(float(norms.detach().mean()))
        if args.memory_norm:
            loss = loss + args.norm_penalty * ((norms - args.memory_norm).clamp(min=0) ** 2).mean()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trained, 1.0)
        optimizer.step()
        step += 1
        key = f"{target}_{kind}"
        recent[key] = (recent.get(key, []) + [dice])[-100:]
        if step % 25 == 0:
            print(json.dumps({"event": "step", "step": step, "loss": round(loss.item(), 4), "lr": round(lr, 7),
                              **{f"dice100_{k}": round(float(np.mean(v)), 3) for k, v in sorted(recent.items())},
                              "memory_norm": round(float(np.mean(mem_norms[-200:])), 1),
                              "elapsed_s": round(time.monotonic() - started, 1)}), flush=True)
        if step % args.save_every == 0:
            save(step)
        if args.stop_after and step >= args.stop_after:
            break
    save(step)
    print(json.dumps({"event": "done", "out": str(args.out), "steps": step,
                      "elapsed_s": round(time.monotonic() - started, 1)}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
