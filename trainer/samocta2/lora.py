"""LoRA (through PEFT) on the attention projections of SAM 2's Hiera image encoder only.

In sam2's Hiera every block's attention (`image_encoder.trunk.blocks.<n>.attn`) has two
Linear layers: `qkv` (the joint query/key/value projection) and `proj` (the output). The
paper adapts the encoder's attention; the default target is `qkv`. Everything else in the
model (the rest of the encoder, prompt encoder, mask decoder, memory attention and memory
encoder) is frozen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import torch
from peft import LoraConfig, inject_adapter_in_model
from peft.tuners.lora import LoraLayer
from peft.utils import get_peft_model_state_dict, set_peft_model_state_dict

from .errors import CheckpointError, TrainerError

ATTENTION_PROJECTIONS = ("qkv", "proj")
ENCODER_ATTENTION = r"image_encoder\.trunk\.blocks\.\d+\.attn\."


def target_regex(target_modules: list[str]) -> str:
    """A PEFT full-match regex that selects only the encoder's attention projections."""
    unknown = [t for t in target_modules if t not in ATTENTION_PROJECTIONS]
    if unknown or not target_modules:
        raise TrainerError(
            f"lora.target_modules {target_modules!r}: supported are the Hiera attention "
            f"projections {list(ATTENTION_PROJECTIONS)}"
        )
    return ENCODER_ATTENTION + "(" + "|".join(re.escape(t) for t in target_modules) + ")"


def apply_lora(model: torch.nn.Module, lora: dict[str, Any]) -> torch.nn.Module:
    """Wrap the encoder's attention projections with LoRA in place; freeze everything else."""
    config = LoraConfig(
        r=int(lora["r"]),
        lora_alpha=float(lora["alpha"]),
        lora_dropout=float(lora["dropout"]),
        target_modules=target_regex(list(lora["target_modules"])),
        bias="none",
    )
    model = inject_adapter_in_model(config, model)
    for name, param in model.named_parameters():
        param.requires_grad = "lora_" in name
    return model


@dataclass
class ParameterReport:
    trainable: int
    total: int
    wrapped_modules: list[str]

    @property
    def share(self) -> float:
        return self.trainable / self.total if self.total else 0.0

    def describe(self) -> str:
        return (
            f"trainable parameters: {self.trainable:,} of {self.total:,} "
            f"({100 * self.share:.2f} %), LoRA on {len(self.wrapped_modules)} modules"
        )


def parameter_report(model: torch.nn.Module) -> ParameterReport:
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    wrapped = [name for name, m in model.named_modules() if isinstance(m, LoraLayer)]
    return ParameterReport(trainable, total, wrapped)


def lora_state_dict(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """Only the LoRA weights (what a checkpoint needs besides the base model)."""
    return {k: v.detach().cpu().clone() for k, v in get_peft_model_state_dict(model).items()}


def load_lora_state_dict(model: torch.nn.Module, state: dict[str, torch.Tensor]) -> None:
    expected = set(get_peft_model_state_dict(model))
    got = set(state)
    if expected != got:
        missing = sorted(expected - got)[:3]
        extra = sorted(got - expected)[:3]
        raise CheckpointError(
            "the checkpoint's LoRA weights do not fit this model (was it trained with another "
            f"model size or lora config?); missing e.g. {missing}, unexpected e.g. {extra}"
        )
    try:
        set_peft_model_state_dict(model, state)
    except RuntimeError as exc:
        raise CheckpointError(f"the checkpoint's LoRA weights do not fit this model: {exc}") from exc


def merge_lora(model: torch.nn.Module) -> torch.nn.Module:
    """Fold LoRA into the wrapped Linear layers and put plain Linear layers back (for export)."""
    for name, module in list(model.named_modules()):
        if isinstance(module, LoraLayer):
            module.merge()
            parent_name, _, child = name.rpartition(".")
            parent = model.get_submodule(parent_name) if parent_name else model
            setattr(parent, child, module.get_base_layer())
    return model
