"""Layer preprocessing and mask postprocessing of the bundle contract (docs/model-bundle.md).

The TypeScript tracker implements the same steps; the parity test vectors are made with
these functions. Volumes are windowed to [0, 1] by the trainer's rule (0.5 / 99.5
percentiles over the whole volume, numpy's default linear interpolation), so a layer is
already in [0, 1] when it gets here.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

# ImageNet statistics, as sam2 normalizes its inputs; a grey layer fills all 3 channels.
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
LOWER_PERCENTILE, UPPER_PERCENTILE = 0.5, 99.5


def window_volume(volume: np.ndarray) -> np.ndarray:
    """Whole-volume percentile window to [0, 1] (float32), as the trainer's data loader."""
    v = volume.astype(np.float32)
    lo, hi = np.percentile(v, [LOWER_PERCENTILE, UPPER_PERCENTILE])
    if hi <= lo:
        hi = lo + 1.0
    return np.clip((v - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)


def preprocess_layer(layer: np.ndarray, image_size: int) -> np.ndarray:
    """A [rows, cols] layer in [0, 1] -> the image encoder's input [1, 3, S, S] float32.

    Bilinear resize with half-pixel centres (align_corners=False, no antialiasing), then
    (value - mean[c]) / std[c] per channel.
    """
    if layer.ndim != 2:
        raise ValueError(f"a layer must be 2-D [rows, cols], got shape {layer.shape}")
    x = torch.from_numpy(np.ascontiguousarray(layer, dtype=np.float32))[None, None]
    x = F.interpolate(x, size=(image_size, image_size), mode="bilinear", align_corners=False)
    mean = torch.tensor(MEAN).reshape(1, 3, 1, 1)
    std = torch.tensor(STD).reshape(1, 3, 1, 1)
    return ((x.expand(1, 3, image_size, image_size) - mean) / std).numpy().astype(np.float32)


def to_model_points(points_xy: np.ndarray, rows: int, cols: int, image_size: int) -> np.ndarray:
    """Layer pixels (x = column, y = row, integer = the clicked pixel) -> model pixels:
    the pixel's centre scaled, (x + 0.5) * S / cols, (y + 0.5) * S / rows, as the trainer
    prompts (samocta2.tracking.points_to_inputs)."""
    pts = np.asarray(points_xy, dtype=np.float32).reshape(-1, 2) + np.float32(0.5)
    return pts * np.array([image_size / cols, image_size / rows], dtype=np.float32)


def upsample_logits(low_res: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Low-res mask logits [..., h, w] -> [rows, cols] logits (bilinear, half-pixel)."""
    t = torch.from_numpy(np.ascontiguousarray(low_res, dtype=np.float32)).reshape(
        1, 1, *low_res.shape[-2:]
    )
    out = F.interpolate(t, size=(rows, cols), mode="bilinear", align_corners=False)
    return out[0, 0].numpy()


def round_to_bfloat16(x: np.ndarray) -> np.ndarray:
    """Round float32 values to bfloat16 precision (nearest, ties to even), kept as float32.

    sam2's video predictor stores memory features in bfloat16; the contract does too.
    """
    bits = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16
    return rounded.astype(np.uint32).view(np.float32).reshape(x.shape)
