"""Teach nano's memory path to carry a clicked object from layer to layer, the image encoder frozen
(make.sh phase g).

After phase e, tracked layers came out empty or wrong: a single click gave the clicked vessel on
its layer, and the track lost it on the next one. Probing the weights found why, in three places
of the memory path (numbers on phase e's base.pt):
- the mask downsampler had all but stopped seeing thin masks: a 4-pixel vessel changed its
  output in the cells it crossed by 0.24 against a norm of 31.5 (a FAZ, a large blob, still
  showed). train_mask_downsampler retrains it alone with a probe that must read each cell's
  4x4 mask coverage from it;
- the memory was image features with the mask added, the image part about 4 times larger; a
  memory made from a vessel's true mask and one made from the same mask shifted by 25 pixels
  gave the same masks on the next layer, to the last pixel. --mask-only-memory zeroes the
  memory encoder's image-feature projection and keeps it at zero;
- memory attention did not carry the memory's mask to the layer being tracked: a linear probe
  read the next layer's mask coverage from the memory (correlation 0.90) but not from the
  attention's output (0.46). localize_memory_attention makes its first layer look up the
  memory at the query's own position (0.69 with it, on the same weights, before training).
Then it learned to track in a few hundred steps conditioned on the true mask (teacher_forced_loss),
where before, with or without teacher forcing, tracked-layer Dice stayed at 0.14-0.17 for 600
steps and more.

As pretrain_decoder.py does for the heads, the frozen encoder's outputs are computed once for
every layer of every training volume (and of its transpose, a second view of the same vessels),
so a step costs only the memory path and the heads. Sequences are mostly the editor's use (one
click where the object is large, consecutive layers around it, some past its ends), with some of
the paper's evaluation condition and FAZ sequences. Loss: SAM 2's (pretrain_loss.py) on every
frame (on the tracked frames for teacher-forced steps). The encoder's weights are copied
unchanged to the output.

--memory-norm and --reinit-score-head are from the first attempt at this phase (rescaling the
memory features, whose norm had grown to about 1 000, and a fresh object-score MLP); it raised
tracked-layer Dice from 0.01 to 0.14 only, since the memory still did not hold the mask.

    python models/samocta2-nano/recipe/pretrain_memory.py --data .cache/nano-data/deep-train \\
        --init .cache/nano-run/base-e3.pt --minutes 35 --mask-probe-steps 400 --mask-only-memory \\
        --local-attention 7.5 --teacher-forcing 0.5 --teacher-forcing-first 400 --out base.pt
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
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2] / "trainer"))
sys.path.insert(0, str(HERE))

from pretrain_draws import BASELINE, CLICK_STRIDES, draw_click  # noqa: E402
from pretrain_loss import WEIGHTS, decoder_outputs, frame_loss  # noqa: E402
from pretrain_nano import sequence_step_loss, weights  # noqa: E402
from samocta2.config import DEFAULTS, deep_merge  # noqa: E402
from samocta2.data.sequences import Sequence, SequenceSource, load_folder  # noqa: E402
from samocta2.data.volumes import Case  # noqa: E402
from samocta2 import prompt_prior  # noqa: E402
from samocta2.model import build_sam2_model  # noqa: E402
from samocta2.tracking import contract_order, frames_to_images, project_encoder_output  # noqa: E402

KINDS = ("click", "baseline")  # and "forced": click steps with teacher_forced_loss


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
    """The image encoder's outputs for every layer of every case, float16, by case name.

    projected: store the two high-res levels after the mask decoder's conv_s0/conv_s1 (which
    must then stay frozen): 8 times less memory for level 0, what a 512 px cache needs."""

    def __init__(self, projected: bool = False) -> None:
        self.fpn: dict[str, list[torch.Tensor]] = {}  # name -> per level (K, C, h, w)
        self.pos: list[torch.Tensor] = []  # per level (1, C, h, w): the same for every layer
        self.projected = projected

    @torch.no_grad()
    def add(self, model, case: Case, batch: int = 16) -> None:
        if case.name in self.fpn:
            return
        levels: list[list[torch.Tensor]] = []
        for start in range(0, len(case.frames), batch):
            images = frames_to_images(case.frames[start : start + batch], model.image_size, torch.device("cpu"))
            out = model.image_encoder(images)
            if self.projected:
                out = project_encoder_output(model, out)
            levels.append([f.half() for f in out["backbone_fpn"]])
            if not self.pos:
                self.pos = [p[:1].clone() for p in out["vision_pos_enc"]]
        self.fpn[case.name] = [torch.cat([chunk[i] for chunk in levels]) for i in range(len(levels[0]))]

    def backbone_out(self, model, case: str, layers: list[int]) -> dict:
        """What SAM2Base.forward_image returns for these layers (its decoder projections included)."""
        fpn = [level[layers].float() for level in self.fpn[case]]
        pos = [p.expand(len(layers), -1, -1, -1) for p in self.pos]
        if self.projected:
            return {"backbone_fpn": fpn, "vision_pos_enc": pos}
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


def train_mask_downsampler(model, sources: dict[str, SequenceSource], steps: int, seed: int) -> float:
    """Fresh weights for the memory encoder's mask downsampler, trained alone so that its output
    keeps where a mask lies inside each 16-pixel cell: a 1x1 probe on it must give the mask's
    4x4 coverage per cell. Returns the probe's final mean error on covered cells.

    The downsampler of phases a-e had all but stopped seeing thin masks: a 4-pixel vessel
    changed its output in the cells it crossed by 0.24 (norm of a cell: 31.5), so a vessel's
    memory was the same wherever the vessel was (a FAZ, a large blob, still showed)."""
    gen = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    fresh = build_sam2_model("nano")
    down = model.memory_encoder.mask_downsampler
    down.load_state_dict(fresh.memory_encoder.mask_downsampler.state_dict())
    probe = torch.nn.Conv2d(model.memory_encoder.out_proj.in_channels, 16, 1)
    torch.nn.init.normal_(probe.weight, std=0.02, generator=gen)
    optimizer = torch.optim.AdamW([*down.parameters(), *probe.parameters()], lr=2e-3)
    pools = list(sources.values())
    err = float("nan")
    for step in range(steps):
        masks = []
        while len(masks) < 16:
            source = pools[int(rng.integers(len(pools)))]
            seq = draw(rng, source, "click", 1)
            if seq.masks[0].any():
                masks.append(mask_at_image_size(seq.masks[0], model.image_size))
        batch = torch.cat(masks).float()
        # As _encode_new_memory feeds it: sigmoid of the mask logits, x20 - 10.
        coverage = F.pixel_shuffle(probe(down(batch * 20 - 10)), 4)
        target = F.avg_pool2d(batch, 4)
        loss = F.binary_cross_entropy_with_logits(coverage, target)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            err = float((torch.sigmoid(coverage) - target).abs()[target > 0].mean())
    return err


def mask_at_image_size(mask: np.ndarray, image_size: int) -> torch.Tensor:
    """(H, W) 0/1 -> (1, 1, S, S) bool, resized as frames_to_images resizes the layer."""
    t = torch.from_numpy(np.ascontiguousarray(mask)).float()[None, None]
    return F.interpolate(t, size=(image_size, image_size), mode="bilinear", align_corners=False) > 0.5


def localize_memory_attention(model, scale: float) -> None:
    """The first memory-attention layer's cross-attention looks up the memory at the query's own
    position: constant query and key on the highest rotary (RoPE) frequencies of both axes, so
    that q.k peaks where the memory token lies where the query does. Their weights are then kept.

    En-face layers are aligned: from one layer to the next a vessel stays where it was, so what
    the memory holds at a position is what the decoder needs there. Learned from content (phases
    a-f), this attention did not carry the memory's mask: a linear probe read the next layer's
    mask coverage from the memory (correlation 0.90) but not from the attention's output (0.46;
    0.69 with it, on the same weights, before training)."""
    attention = model.memory_attention.layers[0].cross_attn_image
    pairs = attention.internal_dim // attention.num_heads // 2  # complex pairs: x axis, then y
    constant = torch.zeros(attention.internal_dim)
    for j in [*range(8), *range(pairs // 2, pairs // 2 + 8)]:  # frequencies 1 .. 0.13 rad a cell
        constant[2 * j] = scale
    with torch.no_grad():
        for proj in (attention.q_proj, attention.k_proj):
            proj.weight.zero_()
            proj.bias.copy_(constant)
            proj.requires_grad_(False)


def freeze(model, names: str) -> None:
    """Keeps the comma-separated modules or parameters as they are: a bare tensor such as
    maskmem_tpos_enc is no module, so get_submodule alone cannot name it."""
    parameters = dict(model.named_parameters())
    for name in filter(None, names.split(",")):
        (parameters[name] if name in parameters else model.get_submodule(name)).requires_grad_(False)


def teacher_forced_loss(model, seq: Sequence, backbone_out: dict) -> tuple[torch.Tensor, float]:
    """The prompted frame conditioned on its true mask (SAM 2's mask input: the mask is the
    frame's output and its memory), the others tracked from it; loss on the tracked frames."""
    first = sorted(seq.prompts)[0]
    order = contract_order([first], len(seq.frames))
    with decoder_outputs(model) as (calls, iou_logits):
        _, feats, pos, sizes = model._prepare_backbone_features(backbone_out)
        outputs: dict[str, dict[int, dict]] = {"cond_frame_outputs": {}, "non_cond_frame_outputs": {}}
        truth = mask_at_image_size(seq.masks[first], model.image_size)
        for t, reverse in order:
            cond = t == first
            out = model.track_step(
                frame_idx=t,
                is_init_cond_frame=cond,
                current_vision_feats=[f[:, t : t + 1] for f in feats],
                current_vision_pos_embeds=[p[:, t : t + 1] for p in pos],
                feat_sizes=sizes,
                point_inputs=None,
                mask_inputs=truth if cond else None,
                output_dict=outputs,
                num_frames=len(seq.frames),
                track_in_reverse=reverse,
            )
            outputs["cond_frame_outputs" if cond else "non_cond_frame_outputs"][t] = out
    # One decoder call per frame (the mask-input frame's gives its object pointer).
    targets = torch.from_numpy(seq.masks).float()
    results = [frame_loss(calls[i], iou_logits[i], targets[t]) for i, (t, _) in enumerate(order) if t != first]
    return torch.stack([r[0] for r in results]).mean(), float(np.mean([float(r[1]) for r in results]))


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
    p.add_argument("--mask-probe-steps", type=int, default=0,
                   help="first retrain the mask downsampler alone for this many steps (train_mask_downsampler)")
    p.add_argument("--mask-only-memory", action="store_true",
                   help="memory from the mask alone: the memory encoder's image-feature projection zeroed and kept")
    p.add_argument("--local-attention", type=float, default=0,
                   help="scale of localize_memory_attention's constant query and key; 0 = keep the layer")
    p.add_argument("--teacher-forcing", type=float, default=0,
                   help="share of click steps conditioned on the true mask (teacher_forced_loss)")
    p.add_argument("--teacher-forcing-first", type=int, default=0,
                   help="the first steps are all teacher-forced click steps")
    p.add_argument("--freeze", default="",
                   help="comma-separated modules or parameters kept as they are (e.g. "
                        "memory_encoder.mask_downsampler,maskmem_tpos_enc)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--image-size", type=int, help="model input side in px (default: the nano config's 256)")
    p.add_argument("--no-transposes", action="store_true", help="train on the layers as they are only")
    p.add_argument("--feature-cache", type=Path,
                   help="file of the encoder outputs: read when it exists, else written after encoding (the same "
                        "frozen encoder, image size and --cache-projected only: the file does not check that)")
    p.add_argument("--point-prior", action="store_true",
                   help="prompted frames also get the dense prompt of samocta2.prompt_prior (the model learns to take it)")
    p.add_argument("--carry-prior", action="store_true",
                   help="with --point-prior, tracked frames get it too from the nearest prompted frame's points")
    p.add_argument("--multimask-max-points", type=int, default=0,
                   help="prompted frames with up to this many points choose among the decoder's three candidates "
                        "by its IoU head, as tracked frames do (sam2's multimask_max_pt_num; 0 = the config's 1)")
    p.add_argument("--carve-prior", action="store_true",
                   help="with --point-prior, the region is cut at the negative points inside it (prompt_prior.carve_region)")
    p.add_argument("--cache-projected", action="store_true",
                   help="cache the high-res levels after conv_s0/conv_s1 and keep those frozen (FeatureCache)")
    args = p.parse_args(argv)
    # Denormal floats make a sharp attention softmax (localize_memory_attention) many times slower.
    torch.set_flush_denormal(True)

    torch.manual_seed(args.seed)
    WEIGHTS["dice"] = args.dice_weight
    WEIGHTS["score"] = args.score_weight
    CLICK_STRIDES["choices"] = tuple(int(v) for v in args.click_strides.split(","))
    lo, hi = (int(v) for v in args.frames.split(","))
    # No flips or rotations: the cached features are of the layers as they are.
    sampling = deep_merge(DEFAULTS["sampling"], {"hflip": 0.0, "max_rotation_deg": 0.0})
    target_w, kind_w = weights(args.targets, ("rv", "faz")), weights(args.kinds, KINDS)
    # Case names are the cache's keys: the folder goes in front, as two folders may hold a case
    # of the same name (projection-layers writes <id>_faz<j> for every window).
    sources = {
        t: SequenceSource(
            (lambda cases: cases if args.no_transposes else with_transposes(cases))(
                [dataclasses.replace(c, name=f"{Path(d).name}/{c.name}") for d in args.data for c in load_folder(d, t)]
            ),
            sampling,
        )
        for t in target_w
    }
    model = build_sam2_model("nano", image_size=args.image_size)
    model.load_state_dict(torch.load(args.init, map_location="cpu")["model"])
    if args.point_prior:
        prompt_prior.enable(model, carry=args.carry_prior, carve=args.carve_prior)
    if args.multimask_max_points:
        model.multimask_max_pt_num = args.multimask_max_points
    model.eval()  # the frozen encoder's dropout/drop-path stay off while caching
    started = time.monotonic()
    cache = FeatureCache(projected=args.cache_projected)
    if args.cache_projected:
        model.sam_mask_decoder.conv_s0.requires_grad_(False)
        model.sam_mask_decoder.conv_s1.requires_grad_(False)
    if args.feature_cache and args.feature_cache.is_file():
        saved = torch.load(args.feature_cache)
        cache.fpn, cache.pos = saved["fpn"], saved["pos"]
    for source in sources.values():
        for case in source.cases:
            cache.add(model, case)
    if args.feature_cache and not args.feature_cache.is_file():
        torch.save({"fpn": cache.fpn, "pos": cache.pos}, args.feature_cache)
    layers = sum(len(v[0]) for v in cache.fpn.values())
    print(json.dumps({"event": "encoded", "layers": layers, "elapsed_s": round(time.monotonic() - started, 1)}),
          flush=True)

    if args.memory_norm:
        found = rescale_memory(model, cache, sources["rv" if "rv" in sources else "faz"], args.memory_norm)
        rescaled = found >= 2 * args.memory_norm
        print(json.dumps({"event": "memory norm", "found": round(found, 1),
                          "rescaled_to": args.memory_norm if rescaled else None}), flush=True)
    if args.mask_probe_steps:
        err = train_mask_downsampler(model, sources, args.mask_probe_steps, args.seed)
        print(json.dumps({"event": "mask downsampler", "steps": args.mask_probe_steps, "probe_error": round(err, 3)}),
              flush=True)
        model.memory_encoder.mask_downsampler.requires_grad_(False)
    if args.mask_only_memory:
        with torch.no_grad():
            model.memory_encoder.pix_feat_proj.weight.zero_()
            model.memory_encoder.pix_feat_proj.bias.zero_()
        model.memory_encoder.pix_feat_proj.requires_grad_(False)
    if args.local_attention:
        localize_memory_attention(model, args.local_attention)
    freeze(model, args.freeze)
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
        torch.save({"model": model.state_dict(), "step": step, "seed": args.seed,
                    "point_prior": bool(getattr(model, "point_prior", False)),
                    "carry_prior": bool(getattr(model, "carry_prior", False)),
                    "carve_prior": bool(getattr(model, "carve_prior", False)),
                    "multimask_max_points": model.multimask_max_pt_num}, tmp)
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
        forced = step < args.teacher_forcing_first or (kind == "click" and rng.random() < args.teacher_forcing)
        if forced:
            kind = "click"
        seq = draw(rng, sources[target], kind, int(rng.integers(lo, hi + 1)))
        optimizer.zero_grad(set_to_none=True)
        step_norms.clear()
        features = cache.backbone_out(model, seq.case, list(seq.layers))
        if forced:
            loss, dice = teacher_forced_loss(model, seq, features)
            kind = "forced"
        else:
            loss, dice = sequence_step_loss(model, seq, features)
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
