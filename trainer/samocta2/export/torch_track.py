"""The PyTorch track of the same model through sam2's own SAM2VideoPredictor (the parity
reference): same preprocessing, same prompts, forward then backward propagation."""

from __future__ import annotations

from unittest import mock

import numpy as np
import torch

from .preprocess import preprocess_layer
from .reference import Point, Track


def torch_track(predictor: torch.nn.Module, layers: np.ndarray, prompts: dict[int, list[Point]]) -> Track:
    """Track one object with `predictor` (a SAM2VideoPredictor) over layers [T, rows, cols]."""
    rows, cols = layers.shape[1:]
    size = predictor.image_size
    images = torch.cat([torch.from_numpy(preprocess_layer(layer, size)) for layer in layers])

    def frames(*_args: object, **_kwargs: object) -> tuple[torch.Tensor, int, int]:
        return images, rows, cols

    # sam2 reads frames from a video file or JPEG folder; hand it our tensors instead.
    with mock.patch("sam2.sam2_video_predictor.load_video_frames", frames), torch.inference_mode():
        state = predictor.init_state(video_path="<layers>")
        for frame in sorted(prompts):
            pts = prompts[frame]
            predictor.add_new_points_or_box(
                state,
                frame_idx=frame,
                obj_id=1,
                # the predictor scales points by S / layer size; + 0.5 makes it the
                # contract's pixel-centre mapping (preprocess.to_model_points)
                points=np.array([p[:2] for p in pts], np.float32) + 0.5,
                labels=np.array([p[2] for p in pts], np.int32),
            )
        track = Track()
        for reverse in (False, True):
            for frame, _, _ in predictor.propagate_in_video(state, reverse=reverse):
                track.order.append(frame)
        bank = state["output_dict_per_obj"][0]
        for key in ("cond_frame_outputs", "non_cond_frame_outputs"):
            for frame, out in bank[key].items():
                track.low_res[frame] = out["pred_masks"].float().cpu().numpy()
                track.scores[frame] = float(out["object_score_logits"].reshape(-1)[0])
    return track
