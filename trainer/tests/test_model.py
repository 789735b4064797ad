"""samocta2.model: sizes build, nano runs a tracking step, bad checkpoints are clear errors."""

from __future__ import annotations

import pytest
import torch

from samocta2.model import (
    ModelError,
    build_sam2_model,
    guess_size,
    model_summary,
)


@pytest.fixture(scope="module")
def nano() -> torch.nn.Module:
    torch.manual_seed(0)
    return build_sam2_model("nano")


def test_nano_is_small_and_tracks(nano: torch.nn.Module) -> None:
    total = sum(p.numel() for p in nano.parameters())
    assert 2_000_000 < total < 7_000_000  # <= 30 MB bundle in fp32
    assert nano.image_size == 256
    with torch.no_grad():
        out = nano.forward_image(torch.randn(1, 3, 256, 256))
        _, feats, pos, sizes = nano._prepare_backbone_features(out)
        bank = {"cond_frame_outputs": {}, "non_cond_frame_outputs": {}}
        points = {
            "point_coords": torch.tensor([[[100.0, 120.0]]]),
            "point_labels": torch.tensor([[1]], dtype=torch.int32),
        }
        bank["cond_frame_outputs"][0] = nano.track_step(
            0, True, feats, pos, sizes, points, None, bank, 4
        )
        step = nano.track_step(1, False, feats, pos, sizes, None, None, bank, 4)
    assert step["pred_masks"].shape == (1, 1, 64, 64)
    assert step["maskmem_features"].shape == (1, 64, 16, 16)
    assert step["obj_ptr"].shape == (1, 128)


def test_tiny_builds_at_other_image_size() -> None:
    model = build_sam2_model("tiny", image_size=512)
    assert model.image_size == 512
    assert model.sam_prompt_encoder.image_embedding_size == (32, 32)
    assert "tiny" in model_summary(model)


def test_summary_lists_components(nano: torch.nn.Module) -> None:
    text = model_summary(nano)
    assert "image_encoder" in text and "memory_attention" in text
    assert "nano" in text and "256 px" in text


@pytest.mark.parametrize("bad", ["huge", "", "Tiny"])
def test_unknown_size(bad: str) -> None:
    with pytest.raises(ModelError, match="supported: nano, tiny, small, base_plus, large"):
        build_sam2_model(bad)


@pytest.mark.parametrize("bad", [100, 16, 0])
def test_bad_image_size(bad: int) -> None:
    with pytest.raises(ModelError, match="multiple of 32"):
        build_sam2_model("nano", image_size=bad)


def test_checkpoint_roundtrip(nano: torch.nn.Module, tmp_path) -> None:
    path = tmp_path / "nano.pt"
    torch.save({"model": nano.state_dict()}, path)
    again = build_sam2_model("nano", checkpoint=path)
    for (k, a), b in zip(nano.state_dict().items(), again.state_dict().values()):
        assert torch.equal(a, b), k


def test_missing_checkpoint(tmp_path) -> None:
    with pytest.raises(ModelError, match="not found"):
        build_sam2_model("nano", checkpoint=tmp_path / "absent.pt")


def test_corrupt_checkpoint(tmp_path) -> None:
    path = tmp_path / "corrupt.pt"
    path.write_bytes(b"this is not a torch file")
    with pytest.raises(ModelError, match="not a readable PyTorch checkpoint"):
        build_sam2_model("nano", checkpoint=path)


def test_checkpoint_without_state_dict(tmp_path) -> None:
    path = tmp_path / "list.pt"
    torch.save([1, 2, 3], path)
    with pytest.raises(ModelError, match="no model state dict"):
        build_sam2_model("nano", checkpoint=path)


def test_checkpoint_of_other_size_is_named(nano: torch.nn.Module, tmp_path) -> None:
    path = tmp_path / "nano.pt"
    torch.save({"model": nano.state_dict()}, path)
    with pytest.raises(ModelError, match="looks like nano .*but config is tiny"):
        build_sam2_model("tiny", checkpoint=path)


def test_checkpoint_with_wrong_shapes(nano: torch.nn.Module, tmp_path) -> None:
    state = dict(nano.state_dict())
    state["no_mem_embed"] = torch.zeros(1, 1, 7)
    del state["obj_ptr_proj.layers.0.weight"]
    path = tmp_path / "edited.pt"
    torch.save(state, path)
    with pytest.raises(ModelError) as err:
        build_sam2_model("nano", checkpoint=path)
    text = str(err.value)
    assert "1 missing keys" in text and "obj_ptr_proj.layers.0.weight" in text
    assert "1 shape mismatches" in text and "no_mem_embed" in text


def test_guess_size_of_released_layouts() -> None:
    tiny = build_sam2_model("tiny").state_dict()
    assert guess_size(tiny) == "tiny"
    assert guess_size({}) is None
