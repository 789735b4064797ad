"""Export merges LoRA into the encoder: the ONNX image encoder equals the LoRA model."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import torch
from peft.tuners.lora import LoraLayer

from samocta2.export.onnx_tracing import export_graph, graph_specs
from samocta2.lora import apply_lora, merge_lora
from samocta2.model import build_sam2_model


def test_merged_lora_encoder_matches_unmerged(tmp_path) -> None:
    torch.manual_seed(0)
    model = apply_lora(build_sam2_model("nano"), {"r": 4, "alpha": 8, "dropout": 0.0, "target_modules": ["qkv"]})
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "lora_B" in name:  # B starts at zero; make the adapters change the output
                param.normal_(0, 0.2)
    model.eval()
    image = torch.randn(1, 3, 256, 256)
    with torch.no_grad():
        want = model.forward_image(image)["backbone_fpn"][-1].numpy()
        plain = build_sam2_model("nano")
        plain.load_state_dict({k.replace(".base_layer", ""): v for k, v in model.state_dict().items() if "lora_" not in k})
        base_only = plain.forward_image(image)["backbone_fpn"][-1].numpy()
    assert np.abs(want - base_only).max() > 1e-3  # the adapters matter

    merged = merge_lora(model).eval()
    assert not any(isinstance(m, LoraLayer) for m in merged.modules())
    spec = graph_specs(merged)[0]
    export_graph(spec, tmp_path / "image_encoder.onnx")
    session = ort.InferenceSession(str(tmp_path / "image_encoder.onnx"), providers=["CPUExecutionProvider"])
    got = session.run(None, {"image": image.numpy()})[0]
    assert np.abs(got - want).max() < 1e-4
