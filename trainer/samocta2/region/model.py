"""The region model: MONAI SwinUNETR with spatial_dims=2, one channel in (the layer, 0..1),
one out (the logit of "vessels are visible here"). Input sides must be multiples of 32."""

from __future__ import annotations

from typing import Any

import torch

from ..errors import TrainerError


def require_monai() -> None:
    try:
        import einops  # noqa: F401  (MONAI's SwinUNETR needs it but does not install it)
        import monai  # noqa: F401
    except ModuleNotFoundError as exc:
        raise TrainerError(
            f"the region model needs MONAI and einops ({exc}): pip install -e 'trainer[sparse]' "
            "(or pip install 'monai>=1.4' 'einops>=0.7')"
        ) from exc


def check_model_config(model: dict[str, Any]) -> None:
    roi, width = int(model["roi_size"]), int(model["feature_size"])
    if roi < 32 or roi % 32:
        raise TrainerError(
            f"model.roi_size must be a multiple of 32 (SwinUNETR halves it 5 times); got {roi}"
        )
    if width < 12 or width % 12:
        raise TrainerError(f"model.feature_size must be a multiple of 12 (SwinUNETR); got {width}")
    if len(model["depths"]) != 4 or len(model["num_heads"]) != 4:
        raise TrainerError("model.depths and model.num_heads must list 4 stages each, e.g. [2, 2, 2, 2]")


def build_region_model(model: dict[str, Any], seed: int) -> torch.nn.Module:
    """A freshly initialised SwinUNETR (seeded, so two runs start alike)."""
    check_model_config(model)
    require_monai()
    from monai.networks.nets import SwinUNETR

    torch.manual_seed(seed)
    return SwinUNETR(
        in_channels=1,
        out_channels=1,
        spatial_dims=2,
        feature_size=int(model["feature_size"]),
        depths=tuple(int(d) for d in model["depths"]),
        num_heads=tuple(int(h) for h in model["num_heads"]),
        use_checkpoint=bool(model["use_checkpoint"]),
    )
