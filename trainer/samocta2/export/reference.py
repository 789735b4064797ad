"""Reference tracker over an ONNX model bundle (onnxruntime, CPU): the memory bank of
docs/model-bundle.md in plain Python, for the parity test and its test vectors.

One object, one session: every prompted layer is an initial conditioning frame; tracking
runs forward from the earliest prompted layer to the last layer, then backward from it to
layer 0, with one memory bank shared by both passes (as sam2's SAM2VideoPredictor).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnxruntime as ort

from ..classical import nearest_prompted
from ..prompt_prior import applies, prior_input, prior_mask
from .preprocess import preprocess_layer, round_to_bfloat16, to_model_points, upsample_logits

Point = tuple[float, float, int]  # layer pixels x (column), y (row), label 1 = pos, 0 = neg


@dataclass
class FrameOutput:
    """What the bank keeps per tracked frame."""

    masks: np.ndarray  # [1,1,4H,4W] low-res logits
    obj_ptr: np.ndarray  # [1,C]
    score: np.ndarray  # [1,1] object score logit
    memory: np.ndarray | None = None  # [1,M,H,W] bf16-rounded maskmem features


@dataclass
class Track:
    """Result of a track: low-res logits, object scores and the order frames were done."""

    low_res: dict[int, np.ndarray] = field(default_factory=dict)
    scores: dict[int, float] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)

    def layer_logits(self, frame: int, rows: int, cols: int) -> np.ndarray:
        return upsample_logits(self.low_res[frame][0, 0], rows, cols)


class Bundle:
    """The four onnxruntime sessions and the manifest of a bundle folder."""

    def __init__(self, folder: str | Path, providers: list[str] | None = None) -> None:
        folder = Path(folder)
        self.manifest = json.loads((folder / "manifest.json").read_text())
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        self.sessions = {
            name: ort.InferenceSession(
                str(folder / graph["file"]), opts, providers=providers or ["CPUExecutionProvider"]
            )
            for name, graph in self.manifest["graphs"].items()
        }
        model = self.manifest["model"]
        self.image_size = int(model["image_size"])
        memory = self.manifest["memory"]
        self.num_maskmem = int(memory["num_maskmem"])
        self.max_obj_ptrs = int(memory["max_obj_ptrs_in_encoder"])
        self.bf16_memory = memory["storage_dtype"] == "bfloat16"
        prior = (self.manifest.get("prompts") or {}).get("dense_prior") or {}
        self.dense_prior, self.carry_prior = bool(prior), bool(prior.get("carry"))
        self.carve_prior = bool(prior.get("carve"))

    def run(self, name: str, **inputs: np.ndarray) -> list[np.ndarray]:
        return self.sessions[name].run(None, inputs)


class ReferenceTracker:
    """Tracks one object through `layers` ([T, rows, cols], values in [0, 1])."""

    def __init__(self, bundle: Bundle, layers: np.ndarray) -> None:
        self.b = bundle
        self.layers = layers
        self.rows, self.cols = layers.shape[1:]
        self._features: dict[int, list[np.ndarray]] = {}
        self.cond: dict[int, FrameOutput] = {}
        self.non_cond: dict[int, FrameOutput] = {}

    def features(self, frame: int) -> list[np.ndarray]:
        """[image_embed, high_res_feat0, high_res_feat1] of a layer (cached)."""
        if frame not in self._features:
            image = preprocess_layer(self.layers[frame], self.b.image_size)
            self._features[frame] = self.b.run("image_encoder", image=image)
        return self._features[frame]

    def decode(
        self,
        frame: int,
        embed: np.ndarray,
        points: list[Point],
        no_memory: bool,
        multimask: bool,
    ) -> FrameOutput:
        _, feat0, feat1 = self.features(frame)
        if points:
            xy = to_model_points(
                np.array([p[:2] for p in points]), self.rows, self.cols, self.b.image_size
            )
            labels = np.array([[p[2] for p in points]], dtype=np.int32)
        else:  # no clicks: one "not a point" (sam2 does the same)
            xy, labels = np.zeros((1, 2), np.float32), -np.ones((1, 1), np.int32)
        side = feat0.shape[-1]
        mask_input, has_mask = np.zeros((1, 1, side, side), np.float32), 0.0
        if self.b.dense_prior and not no_memory and self.b.carry_prior:
            # a tracked layer of a carrying bundle: the nearest prompted layer's points
            carried = self.prompts[nearest_prompted(frame, sorted(self.prompts))]
        else:
            carried = points if no_memory else []
        labels_ = np.array([p[2] for p in carried])
        if self.b.dense_prior and carried and applies(labels_):  # prompt_prior.py
            coords = np.array([p[:2] for p in carried], np.float64)
            region = prior_mask(self.layers[frame], coords, labels_, self.b.carve_prior)
            mask_input = prior_input(region, side)[None, None]
            has_mask = 1.0
        masks, _, obj_ptr, score = self.b.run(
            "mask_decoder",
            image_embed=embed,
            high_res_feat0=feat0,
            high_res_feat1=feat1,
            point_coords=xy[None].astype(np.float32),
            point_labels=labels,
            mask_input=mask_input,
            has_mask_input=np.array([has_mask], np.float32),
            no_memory=np.array([1.0 if no_memory else 0.0], np.float32),
            multimask=np.array([1.0 if multimask else 0.0], np.float32),
        )
        return FrameOutput(masks, obj_ptr, score)

    def encode_memory(self, frame: int, out: FrameOutput, prompted: bool) -> None:
        (memory,) = self.b.run(
            "memory_encoder",
            image_embed=self.features(frame)[0],
            masks=out.masks,
            object_score_logits=out.score,
            is_prompted=np.array([1.0 if prompted else 0.0], np.float32),
        )
        out.memory = round_to_bfloat16(memory) if self.b.bf16_memory else memory

    def memory_inputs(self, frame: int, reverse: bool) -> dict[str, np.ndarray]:
        """The memory bank as read for `frame` (see docs/model-bundle.md, "Reading")."""
        mems = [(0, out.memory) for out in self.cond.values()]
        for t_pos in range(1, self.b.num_maskmem):
            distance = self.b.num_maskmem - t_pos  # 6 .. 1 frames away
            prev = frame + distance if reverse else frame - distance
            if prev in self.non_cond:
                mems.append((t_pos, self.non_cond[prev].memory))
        num_frames = self.layers.shape[0]
        window = min(num_frames, self.b.max_obj_ptrs)
        sign = -1 if reverse else 1
        ptrs = [
            ((frame - t) * sign, out.obj_ptr)
            for t, out in self.cond.items()
            if (t >= frame if reverse else t <= frame)
        ]
        for t_diff in range(1, window):
            t = frame + t_diff if reverse else frame - t_diff
            if t < 0 or t >= num_frames:
                break
            if t in self.non_cond:
                ptrs.append((t_diff, self.non_cond[t].obj_ptr))
        return {
            "memory": np.concatenate([m for _, m in mems], axis=0),
            "memory_tpos": np.array([t for t, _ in mems], np.int64),
            "obj_ptrs": np.concatenate([p for _, p in ptrs], axis=0),
            "obj_ptr_tpos": np.array([d / (window - 1) for d, _ in ptrs], np.float32),
        }

    def track_frame(self, frame: int, reverse: bool) -> FrameOutput:
        embed = self.features(frame)[0]
        (conditioned,) = self.b.run(
            "memory_attention", image_embed=embed, **self.memory_inputs(frame, reverse)
        )
        out = self.decode(frame, conditioned, [], no_memory=False, multimask=True)
        self.encode_memory(frame, out, prompted=False)
        self.non_cond[frame] = out
        return out

    def run(self, prompts: dict[int, list[Point]]) -> Track:
        """Prompt the given layers, then propagate forward and backward."""
        if not prompts:
            raise ValueError("at least one prompted layer is needed")
        track = Track()
        self.prompts = prompts
        for frame in sorted(prompts):
            pts = prompts[frame]
            out = self.decode(
                frame, self.features(frame)[0], pts, no_memory=True, multimask=len(pts) <= 1
            )
            self.cond[frame] = out
        for frame, out in self.cond.items():
            self.encode_memory(frame, out, prompted=True)
        start = min(self.cond)
        passes = [(range(start, self.layers.shape[0]), False), (range(start, -1, -1), True)]
        for frames, reverse in passes:
            if reverse and start == 0:
                break
            for frame in frames:
                out = self.cond.get(frame) or self.track_frame(frame, reverse)
                track.low_res[frame] = out.masks
                track.scores[frame] = float(out.score.reshape(-1)[0])
                track.order.append(frame)
        return track
