"""Training memory and speed of LoRA fine-tuning through SAM 2's memory path (issue 3, item 11).

For each model size and each (bf16, activation checkpointing) switch it trains on synthetic
8-frame sequences at 1024 px with the trainer's own loss (samocta2.train.sequence_loss):
a few warm-up steps, then timed steps; it records the median step time and the peak CUDA
memory. Everything goes to one results folder: results.json, results.md, environment.json.

    # on a GPU (under 10 minutes on an H100):
    python trainer/bench/gpu_bench.py --out bench/results/gpu
    # quick CPU smoke run (tiny, 256 px, 4 frames, 2 steps): proves the script works
    python trainer/bench/gpu_bench.py --smoke --out /tmp/gpu-bench-smoke

A variant that runs out of memory is recorded as "out of memory" and the run goes on.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # trainer/ without installing

from samocta2.config import DEFAULTS, deep_merge  # noqa: E402
from samocta2.data.sequences import Sequence  # noqa: E402
from samocta2.lora import parameter_report  # noqa: E402
from samocta2.train import build_lora_model, sequence_loss  # noqa: E402

VARIANTS = [(False, False), (True, False), (False, True), (True, True)]  # (bf16, checkpointing)


def synthetic_sequence(frames: int, side: int, seed: int) -> Sequence:
    """A disk drifting through noisy frames, prompted on the first and last frame."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:side, 0:side]
    masks = np.stack([
        (yy - side / 2) ** 2 + (xx - side / 3 - t * side / (6 * frames)) ** 2 < (side / 8) ** 2
        for t in range(frames)
    ])
    images = np.clip(0.3 + 0.5 * masks + 0.1 * rng.standard_normal(masks.shape), 0, 1).astype(np.float32)
    prompts = {}
    for t in (0, frames - 1):
        ys, xs = np.nonzero(masks[t])
        pick = rng.choice(len(xs), 3, replace=False)
        prompts[t] = (np.stack([xs[pick], ys[pick]], 1).astype(np.float32), np.ones(3, np.int32))
    return Sequence("bench", 1, list(range(frames)), images, masks, prompts)


def run_variant(size: str, image_size: int, frames: int, steps: int, warmup: int,
                bf16: bool, ckpt: bool, device: torch.device) -> dict[str, Any]:
    config = deep_merge(DEFAULTS, {
        "model": {"size": size, "image_size": image_size},
        "train": {"bf16": bf16, "activation_checkpointing": ckpt, "seed": 0},
    })
    row: dict[str, Any] = {"size": size, "image_size": image_size, "frames": frames,
                           "bf16": bf16, "activation_checkpointing": ckpt}
    model = None
    try:
        model = build_lora_model(config, device).train()
        report = parameter_report(model)
        row["trainable_share"] = round(report.share, 5)
        params = [p for p in model.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(params, lr=5e-6)
        seq = synthetic_sequence(frames, image_size, seed=0)
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
        times = []
        for step in range(warmup + steps):
            started = time.perf_counter()
            optimizer.zero_grad(set_to_none=True)
            loss = sequence_loss(model, seq, device, config["train"])
            loss.backward()
            optimizer.step()
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            if step >= warmup:
                times.append(time.perf_counter() - started)
        row.update(status="ok", loss=loss.item(), step_s_median=statistics.median(times),
                   step_s_min=min(times), steps_timed=len(times))
        if device.type == "cuda":
            row["peak_memory_gib"] = torch.cuda.max_memory_allocated(device) / 2**30
    except torch.cuda.OutOfMemoryError:
        row.update(status="out of memory")
    finally:
        del model
        gc.collect()
        if device.type == "cuda":
            torch.cuda.empty_cache()
    return row


def environment(device: torch.device) -> dict[str, Any]:
    env = {"python": platform.python_version(), "torch": torch.__version__, "device": str(device),
           "cpu": platform.processor() or platform.machine(), "threads": torch.get_num_threads()}
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        env.update(gpu=props.name, gpu_memory_gib=round(props.total_memory / 2**30, 1))
    return env


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| size | px | frames | bf16 | ckpt | step (s, median) | peak memory (GiB) | status |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        step = f"{r['step_s_median']:.3f}" if "step_s_median" in r else "-"
        mem = f"{r['peak_memory_gib']:.1f}" if "peak_memory_gib" in r else "-"
        lines.append(f"| {r['size']} | {r['image_size']} | {r['frames']} | {r['bf16']} | "
                     f"{r['activation_checkpointing']} | {step} | {mem} | {r['status']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="results folder (created)")
    parser.add_argument("--sizes", default="tiny,base_plus")
    parser.add_argument("--image-size", type=int, default=1024)
    parser.add_argument("--frames", type=int, default=8)
    parser.add_argument("--steps", type=int, default=20, help="timed steps per variant")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--budget-s", type=float, default=540, help="skip remaining variants after this")
    parser.add_argument("--smoke", action="store_true", help="CPU check: tiny, 256 px, 4 frames, 2 steps")
    args = parser.parse_args(argv)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if args.smoke:
        args.sizes, args.image_size, args.frames, args.steps, args.warmup = "tiny", 256, 4, 2, 0
        variants = [(False, False), (True, True)]
    elif device.type != "cuda":
        parser.error("no CUDA device; use --smoke for the CPU check")
    else:
        variants = VARIANTS
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "environment.json").write_text(json.dumps(environment(device), indent=2) + "\n")
    started, rows = time.monotonic(), []
    for size in args.sizes.split(","):
        for bf16, ckpt in variants:
            if time.monotonic() - started > args.budget_s:
                rows.append({"size": size, "image_size": args.image_size, "frames": args.frames,
                             "bf16": bf16, "activation_checkpointing": ckpt, "status": "skipped (time budget)"})
                continue
            row = run_variant(size, args.image_size, args.frames, args.steps, args.warmup, bf16, ckpt, device)
            rows.append(row)
            print(json.dumps(row), flush=True)
            (args.out / "results.json").write_text(json.dumps(rows, indent=2) + "\n")
    (args.out / "results.md").write_text(table(rows) + "\n")
    print(table(rows))
    return 0 if all(r["status"] != "error" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
