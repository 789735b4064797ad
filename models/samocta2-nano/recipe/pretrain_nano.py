"""Pretrain the nano SAM 2.1 configuration from random weights on synthetic volumes.

The released SAM 2.1 sizes start from Meta's checkpoints; nano has none, so before the
paper's LoRA fine-tuning (which freezes everything but the encoder's LoRA) all of nano's
weights are trained once here, with the trainer's own data sampling and loss
(samocta2.train.sequence_loss: Dice + object score, gradients through the memory path).
Vessel (rv) and FAZ sequences alternate. The result is a SAM 2-style checkpoint
({"model": state_dict}) that `samocta2 train --model-checkpoint` accepts.

    python models/samocta2-nano/recipe/pretrain_nano.py --data .cache/nano-data/train \\
        --steps 600 --out .cache/nano-run/base.pt
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "trainer"))

from samocta2.config import DEFAULTS, deep_merge  # noqa: E402
from samocta2.data.sequences import build_source  # noqa: E402
from samocta2.model import build_sam2_model  # noqa: E402
from samocta2.train import draw_training_sequence, sequence_loss  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="folder of synthetic volumes (sam-octa2 synth)")
    p.add_argument("--out", type=Path, required=True, help="checkpoint to write ({'model': state_dict})")
    p.add_argument("--steps", type=int, default=600)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--frames", default="4,6", help="sequence length range")
    p.add_argument("--save-every", type=int, default=50)
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    lo, hi = (int(v) for v in args.frames.split(","))
    sampling = deep_merge(DEFAULTS["sampling"], {"frames": [lo, hi]})
    train_cfg = deep_merge(DEFAULTS["train"], {"bf16": False, "activation_checkpointing": False})
    sources = [build_source(args.data, target, sampling) for target in ("rv", "faz")]
    model = build_sam2_model("nano").train()
    device = torch.device("cpu")
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warmup = min(50, args.steps // 10)

    def lr_at(step: int) -> float:  # linear warm-up, cosine decay to 10 %
        if step < warmup:
            return (step + 1) / warmup
        t = (step - warmup) / max(1, args.steps - warmup)
        return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * t))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_at)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    started, recent = time.monotonic(), []

    def save(step: int) -> None:
        tmp = args.out.with_suffix(".tmp")
        torch.save({"model": model.state_dict(), "step": step, "seed": args.seed}, tmp)
        tmp.replace(args.out)

    for step in range(args.steps):
        source = sources[step % 2]
        seq = draw_training_sequence(source, args.seed, step // 2)
        optimizer.zero_grad(set_to_none=True)
        loss = sequence_loss(model, seq, device, train_cfg)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        recent = (recent + [loss.item()])[-20:]
        print(json.dumps({"event": "step", "step": step + 1, "total": args.steps,
                          "target": ("rv", "faz")[step % 2], "loss": round(loss.item(), 4),
                          "loss_avg20": round(sum(recent) / len(recent), 4),
                          "lr": scheduler.get_last_lr()[0],
                          "elapsed_s": round(time.monotonic() - started, 1)}), flush=True)
        if (step + 1) % args.save_every == 0:
            save(step + 1)
    save(args.steps)
    print(json.dumps({"event": "done", "out": str(args.out), "elapsed_s": round(time.monotonic() - started, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
