"""Peak GPU memory of one LoRA training step, as the trainer takes it (bench/gpu/run.sh).

Builds the SAM 2.1 model of --size with random weights (memory does not depend on their
values), wraps it with the trainer's LoRA defaults, and runs one forward and backward pass of
samocta2.tracking.track_sequence over --frames random frames with one prompted frame, under
bfloat16 autocast as `train.bf16` does, with or without `train.activation_checkpointing`.
Prints one JSON object: {"size", "imageSize", "frames", "bf16", "checkpointing", "device",
"peakGpuMiB" (null on the CPU), "peakRssMiB", "stepMs", "trainable"}.

    python bench/gpu/train_memory.py --size base_plus --image-size 1024 --frames 8 \\
        --device cuda [--checkpointing] [--no-bf16]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "trainer"))


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--size", default="base_plus")
    p.add_argument("--image-size", type=int, default=1024)
    p.add_argument("--frames", type=int, default=8)
    p.add_argument("--device", default="cuda")
    p.add_argument("--checkpointing", action="store_true")
    p.add_argument("--no-bf16", dest="bf16", action="store_false")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    from samocta2.config import DEFAULTS
    from samocta2.lora import apply_lora, parameter_report
    from samocta2.model import build_sam2_model
    from samocta2.tracking import points_to_inputs, track_sequence

    torch.manual_seed(a.seed)
    device = torch.device(a.device)
    cuda = device.type == "cuda"
    model = apply_lora(build_sam2_model(a.size, image_size=a.image_size, device=a.device), DEFAULTS["lora"])
    model.train()
    side = a.image_size
    images = torch.rand(a.frames, 3, side, side, device=device)
    rng = np.random.default_rng(a.seed)
    points = rng.uniform(0, side, size=(3, 2)).astype(np.float32)
    prompts = {0: points_to_inputs(points, np.array([1, 1, 0], np.int32), (side, side), side, device)}
    if cuda:
        torch.cuda.reset_peak_memory_stats(device)
        torch.cuda.synchronize(device)
    t0 = time.perf_counter()
    with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=a.bf16):
        out = track_sequence(model, images, prompts, a.checkpointing)
    # A loss over every frame's mask and score, so backward reaches the whole graph as the
    # trainer's Dice and object-score losses do (the values are moot with random weights).
    loss = sum(m.float().sigmoid().mean() + s.float().mean() for m, s in zip(out.masks, out.object_scores))
    loss.backward()
    if cuda:
        torch.cuda.synchronize(device)
    step_ms = (time.perf_counter() - t0) * 1000
    print(
        json.dumps(
            {
                "size": a.size,
                "imageSize": side,
                "frames": a.frames,
                "bf16": a.bf16,
                "checkpointing": a.checkpointing,
                "device": str(device),
                "peakGpuMiB": torch.cuda.max_memory_allocated(device) / 2**20 if cuda else None,
                # ru_maxrss is in KiB on Linux.
                "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "stepMs": step_ms,
                "trainable": parameter_report(model).trainable,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
