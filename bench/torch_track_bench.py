"""PyTorch reference timings for `npm run bench` (bench/trackingTorch.ts runs it).

Builds the bundle's own model in PyTorch (its base.pt with its lora.pt, LoRA merged as the
exporter merges it), loads it into sam2's SAM2VideoPredictor and tracks the same windowed
layers with the same click as the TypeScript tracker. Prints one JSON object on stdout:
  {"clickMs": [...], "propagateMs": float, "layers": int, "threads": int, "torch": str,
   "device": str, "peakGpuMiB": float | null}
or {"skip": "reason"} when the bundle's model cannot be built. There is no fallback to random
weights: how fast a graph runs can depend on its weights' values (denormal floats in a sharp
softmax made one bundle's memory attention 40 times slower), so the baseline must be the
bundle's own weights. A bundle exported from random weights (no checkpoint, `--seed N` in its
provenance) has no weight files: its weights are rebuilt from that seed as the exporter did.

    python bench/torch_track_bench.py --bundle models/samocta2-nano --layers F32 --shape T,ROWS,COLS \
        --click LAYER,X,Y [--clicks 20] [--threads 1] [--device cpu|cuda]

On CUDA (bench/gpu/run.sh) the timings wait for the GPU, and the peak of PyTorch's allocated
GPU memory is reported.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from unittest import mock

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "trainer"))


def random_seed(bundle: str) -> int | None:
    """The seed of a bundle exported from random weights (`samocta2 export --seed N`, no
    checkpoint: its manifest's provenance.random_seed), else None. Its weights are rebuilt
    exactly as the exporter made them."""
    provenance = json.loads((Path(bundle) / "manifest.json").read_text()).get("provenance", {})
    seed = provenance.get("random_seed")
    return None if provenance.get("checkpoint") or seed is None else int(seed)


def build_predictor(bundle: str, device: str = "cpu") -> torch.nn.Module:
    from samocta2.export.bundle_lora import model_from_bundle, read_bundle_lora
    from samocta2.lora import merge_lora
    from samocta2.model import build_sam2_model, build_sam2_video_predictor

    seed = random_seed(bundle)
    if seed is not None:  # the same calls, in the same order, as the exporter's `_load`
        manifest = json.loads((Path(bundle) / "manifest.json").read_text())
        size, image_size = manifest["model"]["size"], manifest["model"]["image_size"]
        torch.manual_seed(seed)
        model = build_sam2_model(size, None, image_size)
    else:
        size = read_bundle_lora(bundle).entry["base"]["size"]
        model = merge_lora(model_from_bundle(bundle)).eval()
    predictor = build_sam2_video_predictor(size, image_size=model.image_size, device=device)
    predictor.load_state_dict(model.state_dict())
    return predictor.eval()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--bundle", required=True, help="model bundle folder with lora.pt (and base.pt)")
    p.add_argument("--layers", required=True, help="float32 [T, rows, cols], windowed to [0, 1]")
    p.add_argument("--shape", required=True)
    p.add_argument("--click", required=True, help="LAYER,X,Y in layer pixels")
    p.add_argument("--clicks", type=int, default=20)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--device", default="cpu", help="cpu or cuda[:N]")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    cuda = a.device.startswith("cuda")
    try:
        predictor = build_predictor(a.bundle, a.device)
    except Exception as e:  # noqa: BLE001 - any failure becomes a skipped row, said why
        print(json.dumps({"skip": f"cannot build {a.bundle}'s own model: {str(e).splitlines()[0][:200]}"}))
        return 0

    from samocta2.export.preprocess import preprocess_layer

    t, rows, cols = (int(v) for v in a.shape.split(","))
    layers = np.fromfile(a.layers, dtype=np.float32).reshape(t, rows, cols)
    layer, x, y = (float(v) for v in a.click.split(","))
    size = predictor.image_size
    images = torch.cat([torch.from_numpy(preprocess_layer(f, size)) for f in layers])

    def frames(*_args: object, **_kwargs: object) -> tuple[torch.Tensor, int, int]:
        return images, rows, cols

    def now() -> float:
        if cuda:  # kernels run asynchronously: a time is only true once the GPU is done
            torch.cuda.synchronize()
        return time.perf_counter()

    click = dict(
        frame_idx=int(layer),
        obj_id=1,
        points=np.array([[x + 0.5, y + 0.5]], np.float32),  # the contract's pixel centres
        labels=np.array([1], np.int32),
    )
    with mock.patch("sam2.sam2_video_predictor.load_video_frames", frames), torch.inference_mode():
        state = predictor.init_state(video_path="<layers>", offload_video_to_cpu=cuda)
        predictor.add_new_points_or_box(state, **click)  # encodes the clicked layer once
        click_ms = []
        for _ in range(a.clicks):  # the layer's features are cached now: decoder only
            t0 = now()
            predictor.add_new_points_or_box(state, **click)
            click_ms.append((now() - t0) * 1000)
        # Distinct layers, as the engines' trackDone counts them: both directions emit the clicked layer.
        emitted: set[int] = set()
        t0 = now()
        for reverse in (False, True):
            for frame_idx, _ids, _masks in predictor.propagate_in_video(state, reverse=reverse):
                emitted.add(int(frame_idx))
        propagate_ms = (now() - t0) * 1000
    print(
        json.dumps(
            {
                "clickMs": click_ms,
                "propagateMs": propagate_ms,
                "layers": len(emitted),
                "threads": a.threads,
                "torch": torch.__version__,
                "device": a.device,
                "peakGpuMiB": torch.cuda.max_memory_allocated() / 2**20 if cuda else None,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
