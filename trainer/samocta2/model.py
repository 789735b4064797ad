"""SAM 2.1 models built from configs: the four released sizes and the small `nano` size.

The released sizes come from the sam2 package's own configs
(``sam2/configs/sam2.1/sam2.1_hiera_{t,s,b+,l}.yaml``); ``nano`` is ours
(``samocta2/configs/sam2.1_hiera_nano.yaml``): the same architecture with a smaller
Hiera trunk, a 128-wide hidden dimension and 256 px input, for CPU tests and the bundled
model. sam2 is used as a library: its classes are instantiated from the config, nothing of
it is copied.

Examples::

    model = build_sam2_model("nano")                        # random weights, 256 px
    model = build_sam2_model("tiny", "sam2.1_hiera_tiny.pt")  # released weights, 1024 px
    print(model_summary(model))
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from .errors import TrainerError

# Config file per size: (package holding it, path inside the package).
_CONFIGS: dict[str, tuple[str, str]] = {
    "nano": ("samocta2", "configs/sam2.1_hiera_nano.yaml"),
    "tiny": ("sam2", "configs/sam2.1/sam2.1_hiera_t.yaml"),
    "small": ("sam2", "configs/sam2.1/sam2.1_hiera_s.yaml"),
    "base_plus": ("sam2", "configs/sam2.1/sam2.1_hiera_b+.yaml"),
    "large": ("sam2", "configs/sam2.1/sam2.1_hiera_l.yaml"),
}
SIZES: tuple[str, ...] = tuple(_CONFIGS)
# Other spellings of a size: Meta's config files and model cards say "b+" / "base+", its
# checkpoint files "base_plus".
_SIZE_ALIASES: dict[str, str] = {"base+": "base_plus", "b+": "base_plus", "base-plus": "base_plus"}

# Trunk signature (patch-embed width, number of Hiera blocks) of each size, used to name
# the size a foreign checkpoint was made for.
_TRUNK_SIGNATURE: dict[tuple[int, int], str] = {
    (32, 5): "nano",
    (96, 12): "tiny",
    (96, 16): "small",
    (112, 24): "base_plus",
    (144, 48): "large",
}

_PATCH_EMBED_KEY = "image_encoder.trunk.patch_embed.proj.weight"
_BLOCK_PREFIX = "image_encoder.trunk.blocks."

# Inference options that sam2.build_sam applies by default ("apply_postprocessing"); they
# only act in eval mode, so training is unaffected and evaluation matches sam2's predictor.
_EVAL_OVERRIDES: dict[str, Any] = {
    "sam_mask_decoder_extra_args": {
        "dynamic_multimask_via_stability": True,
        "dynamic_multimask_stability_delta": 0.05,
        "dynamic_multimask_stability_thresh": 0.98,
    },
    "binarize_mask_from_pts_for_mem_enc": True,
}


class ModelError(TrainerError, ValueError):
    """A model cannot be built: unknown size, bad image size, or a bad checkpoint."""


def canonical_size(size: str) -> str:
    """`size` as SIZES spells it ("base+" -> "base_plus"); unknown names are returned as given."""
    return _SIZE_ALIASES.get(size.strip().lower(), size.strip())


def config_path(size: str) -> Path:
    """Path of the YAML config file for `size` (one of SIZES)."""
    if size not in _CONFIGS:
        raise ModelError(f"unknown model size {size!r}; supported: {', '.join(SIZES)}")
    package, rel = _CONFIGS[size]
    return Path(str(resources.files(package).joinpath(rel)))


def load_model_config(size: str, image_size: int | None = None) -> DictConfig:
    """The `model:` node of the size's config, with our inference options and image size."""
    cfg = OmegaConf.load(config_path(size))
    model_cfg = cfg.model
    for key, value in _EVAL_OVERRIDES.items():
        model_cfg[key] = value
    if image_size is not None:
        if not isinstance(image_size, int) or image_size < 64 or image_size % 32 != 0:
            raise ModelError(
                f"image_size must be a multiple of 32 and at least 64, got {image_size!r}"
            )
        model_cfg.image_size = image_size
    # The rotary encodings of memory attention are laid out on the stride-16 feature map.
    side = int(model_cfg.image_size) // 16
    layer = model_cfg.memory_attention.layer
    layer.self_attention.feat_sizes = [side, side]
    layer.cross_attention.feat_sizes = [side, side]
    return model_cfg


def build_sam2_model(
    size: str | None = "nano",
    checkpoint: str | Path | None = None,
    image_size: int | None = None,
    device: str = "cpu",
) -> torch.nn.Module:
    """Build a SAM2Base of `size`, in eval mode, on `device`.

    Args:
        size: one of ``nano``, ``tiny``, ``small``, ``base_plus``, ``large``; None takes the
            size the checkpoint was made for (its Hiera trunk), so a released
            ``sam2.1_hiera_*.pt`` needs no size.
        checkpoint: a SAM 2.1 checkpoint (``{"model": state_dict}`` as released, or a bare
            state dict) for exactly this size; None leaves the weights random.
        image_size: input side in pixels (multiple of 32); None keeps the config's
            (1024 for the released sizes, 256 for nano).
        device: torch device string.

    Raises:
        ModelError: unknown size, bad image size, or a checkpoint that is missing, not a
            PyTorch file, or made for another configuration (or, with no size, for none).
    """
    return _build(size, checkpoint, image_size, device, target=None)


def build_sam2_video_predictor(
    size: str = "nano",
    checkpoint: str | Path | None = None,
    image_size: int | None = None,
    device: str = "cpu",
) -> torch.nn.Module:
    """The same model as build_sam2_model, as sam2's SAM2VideoPredictor (no hole filling)."""
    return _build(
        size,
        checkpoint,
        image_size,
        device,
        target="sam2.sam2_video_predictor.SAM2VideoPredictor",
    )


def _build(
    size: str | None,
    checkpoint: str | Path | None,
    image_size: int | None,
    device: str,
    target: str | None,
) -> torch.nn.Module:
    # The checkpoint is read first: with no size given, its trunk names the config to build.
    state = None if checkpoint is None else read_checkpoint(checkpoint, size)
    if size is None:
        size = _size_of(state, checkpoint)
    size = canonical_size(size)
    model_cfg = load_model_config(size, image_size)
    if target is not None:
        model_cfg._target_ = target
    model = instantiate(model_cfg, _recursive_=True)
    if state is not None:
        check_state_dict(model, state, size)
        model.load_state_dict(state, strict=True)
    model.samocta2_size = size  # read by model_summary and the exporter
    model.samocta2_checkpoint = str(checkpoint) if checkpoint is not None else None
    return model.to(device).eval()


def _size_of(state: Mapping[str, torch.Tensor] | None, checkpoint: str | Path | None) -> str:
    if state is None:
        raise ModelError("no model size given and no checkpoint to take it from")
    guessed = guess_size(state)
    if guessed is None:
        raise ModelError(
            f"{checkpoint}: its Hiera trunk ({_trunk_text(state)}) is none of the SAM 2.1 sizes "
            f"({', '.join(SIZES)}); give the size explicitly"
        )
    return guessed


def read_checkpoint(path: str | Path, size: str | None = None) -> dict[str, torch.Tensor]:
    """Read a checkpoint's model state dict; any failure is a ModelError naming the file."""
    path = Path(path)
    if not path.is_file():
        what = "checkpoint" if size is None else f"checkpoint for size {size}"
        raise ModelError(f"{what} not found: {path}")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # torch raises many types for foreign bytes
        raise ModelError(
            f"{path} is not a readable PyTorch checkpoint ({type(e).__name__}: {_first_line(e)}); "
            "expected a SAM 2.1 .pt file such as sam2.1_hiera_tiny.pt"
        ) from e
    state = obj.get("model", obj) if isinstance(obj, Mapping) else None
    if not isinstance(state, Mapping) or not all(
        isinstance(v, torch.Tensor) for v in state.values()
    ):
        raise ModelError(
            f"{path} holds no model state dict (expected {{'model': state_dict}} "
            "or a plain state dict of tensors)"
        )
    return _without_wrapper_prefix(dict(state))


# Prefixes that a training wrapper puts before every key of the model it wraps (DistributedDataParallel,
# torch.compile); a fine-tuned SAM 2.1 saved from inside one (as some medical fine-tunes are) is the
# same model under those names.
_WRAPPER_PREFIXES = ("module.", "_orig_mod.")


def _without_wrapper_prefix(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    for prefix in _WRAPPER_PREFIXES:
        if state and all(k.startswith(prefix) for k in state):
            return _without_wrapper_prefix({k[len(prefix) :]: v for k, v in state.items()})
    return state


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else ""


def guess_size(state: Mapping[str, torch.Tensor]) -> str | None:
    """Name the size a state dict was made for, from its Hiera trunk; None when unknown."""
    embed = state.get(_PATCH_EMBED_KEY)
    if embed is None:
        return None
    blocks = {k[len(_BLOCK_PREFIX) :].split(".")[0] for k in state if k.startswith(_BLOCK_PREFIX)}
    return _TRUNK_SIGNATURE.get((int(embed.shape[0]), len(blocks)))


def _trunk_text(state: Mapping[str, torch.Tensor]) -> str:
    embed = state.get(_PATCH_EMBED_KEY)
    blocks = {k[len(_BLOCK_PREFIX) :].split(".")[0] for k in state if k.startswith(_BLOCK_PREFIX)}
    dim = "?" if embed is None else int(embed.shape[0])
    return f"embed_dim {dim}, {len(blocks)} Hiera blocks"


def check_state_dict(
    model: torch.nn.Module, state: Mapping[str, torch.Tensor], size: str
) -> None:
    """Raise a ModelError that says what differs when `state` does not fit `model`."""
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    wrong_shape = [
        f"{k}: checkpoint {tuple(state[k].shape)} vs config {tuple(expected[k].shape)}"
        for k in expected
        if k in state and tuple(state[k].shape) != tuple(expected[k].shape)
    ]
    if not (missing or unexpected or wrong_shape):
        return
    guessed = guess_size(state)
    if guessed is not None and guessed != size:
        head = f"checkpoint looks like {guessed} ({_trunk_text(state)}) but config is {size}"
    else:
        head = f"checkpoint ({_trunk_text(state)}) does not match the {size} config"
    details = []
    if missing:
        details.append(f"{len(missing)} missing keys (e.g. {', '.join(missing[:3])})")
    if unexpected:
        details.append(f"{len(unexpected)} unexpected keys (e.g. {', '.join(unexpected[:3])})")
    if wrong_shape:
        details.append(f"{len(wrong_shape)} shape mismatches (e.g. {'; '.join(wrong_shape[:2])})")
    raise ModelError(f"{head}: {'; '.join(details)}")


def count_parameters(module: torch.nn.Module) -> tuple[int, int]:
    """(total, trainable) parameter counts."""
    total = sum(p.numel() for p in module.parameters())
    trainable = sum(p.numel() for p in module.parameters() if p.requires_grad)
    return total, trainable


def model_summary(model: torch.nn.Module) -> str:
    """A few lines: size, image size, parameters per component, total and trainable share."""
    size = getattr(model, "samocta2_size", "?")
    total, trainable = count_parameters(model)
    lines = [f"SAM 2.1 {size}, image size {getattr(model, 'image_size', '?')} px"]
    for name, child in model.named_children():
        n, t = count_parameters(child)
        if n:
            lines.append(f"  {name:<20} {n:>12,d} params  ({t:,d} trainable)")
    share = 100.0 * trainable / total if total else 0.0
    lines.append(f"  {'total':<20} {total:>12,d} params  ({trainable:,d} trainable, {share:.2f} %)")
    return "\n".join(lines)
