"""LoRA placement and parameter counts on nano and tiny (samocta2/lora.py)."""

import re

import pytest
import torch
from peft.tuners.lora import LoraLayer

from samocta2.errors import TrainerError
from samocta2.lora import apply_lora, lora_state_dict, merge_lora, parameter_report
from samocta2.model import build_sam2_model

PAPER_LORA = {"r": 32, "alpha": 32, "dropout": 0.1, "target_modules": ["qkv"]}


def expected_lora_params(model, r, names=("qkv",)):
    total = 0
    for name, module in model.named_modules():
        if re.fullmatch(r"image_encoder\.trunk\.blocks\.\d+\.attn\.(%s)" % "|".join(names), name):
            total += r * (module.in_features + module.out_features)
    return total


@pytest.mark.parametrize("size,blocks", [("nano", 5), ("tiny", 12)])
def test_only_encoder_attention_qkv_is_wrapped_and_trainable(size, blocks):
    torch.manual_seed(0)
    base = build_sam2_model(size)
    expected = expected_lora_params(base, 32)
    total_base = sum(p.numel() for p in base.parameters())
    model = apply_lora(base, PAPER_LORA)
    report = parameter_report(model)
    assert report.wrapped_modules == [f"image_encoder.trunk.blocks.{i}.attn.qkv" for i in range(blocks)]
    assert report.trainable == expected
    assert report.total == total_base + expected
    assert report.share == pytest.approx(expected / (total_base + expected))
    for name, p in model.named_parameters():
        assert p.requires_grad == ("lora_" in name), name
    # the paper reports ~1.68 % for LoRA; the same recipe gives a share of that order here
    assert 0.01 < report.share < 0.025
    print(f"{size}: {report.describe()}")


def test_proj_target_wraps_attention_proj_not_block_proj():
    model = apply_lora(build_sam2_model("nano"), {**PAPER_LORA, "target_modules": ["qkv", "proj"]})
    wrapped = parameter_report(model).wrapped_modules
    assert all(re.fullmatch(r"image_encoder\.trunk\.blocks\.\d+\.attn\.(qkv|proj)", n) for n in wrapped)
    assert len(wrapped) == 10
    # Hiera's stage-transition blocks have their own `proj` (outside attention): left alone
    assert not isinstance(model.image_encoder.trunk.blocks[1].proj, LoraLayer)


def test_unknown_target_is_rejected():
    with pytest.raises(TrainerError, match="supported are the Hiera attention projections"):
        apply_lora(build_sam2_model("nano"), {**PAPER_LORA, "target_modules": ["q_proj"]})


def test_merge_keeps_outputs_and_removes_lora():
    torch.manual_seed(0)
    model = apply_lora(build_sam2_model("nano", image_size=64), PAPER_LORA).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.02)
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        before = model.image_encoder(x)["vision_features"]
        assert len(lora_state_dict(model)) == 10
        merge_lora(model)
        after = model.image_encoder(x)["vision_features"]
    assert not any(isinstance(m, LoraLayer) for m in model.modules())
    assert torch.allclose(before, after, atol=1e-4)
